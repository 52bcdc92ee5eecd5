package org.authhost.host.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import jdk.security.jarsigner.JarSigner;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

/**
 * Keys and certificates made for the tests, and JARs signed with them through the JDK's {@code
 * JarSigner} API: a test CA, signers it issues, and strangers that sign for themselves. Nothing of
 * it leaves the test's folders; the distribution trusts none of it.
 */
public final class TestSigning {
  private static final AtomicLong SERIAL = new AtomicLong(1);

  /** Valid over the whole span the tests' clocks (real or {@code MutableClock}) can be at. */
  private static final Date NOT_BEFORE = Date.from(Instant.parse("2000-01-01T00:00:00Z"));

  private static final Date NOT_AFTER = Date.from(Instant.parse("2099-12-31T00:00:00Z"));

  /** A key and its certificate chain, the signer's own certificate first. */
  public record Signer(PrivateKey key, List<X509Certificate> chain) {
    public X509Certificate certificate() {
      return chain.get(0);
    }

    /** Writes the certificate as PEM, as an operator would receive it. */
    public Path writeCertificate(Path file) throws IOException {
      try {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(
            file,
            "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        return file;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** {@code jar} signed with SHA-256 digests and SHA256withRSA, written as {@code signed}. */
    public Path sign(Path jar, Path signed) throws IOException {
      return sign(jar, signed, "SHA-256", "SHA256withRSA");
    }

    public Path sign(Path jar, Path signed, String digest, String signature) throws IOException {
      return sign(jar, signed, digest, signature, false);
    }

    /**
     * {@code jar} signed as jarsigner's {@code -sectionsonly} does: the {@code .SF} signs each
     * entry's manifest section, but neither the whole manifest nor its main attributes.
     */
    public Path signSectionsOnly(Path jar, Path signed) throws IOException {
      return sign(jar, signed, "SHA-256", "SHA256withRSA", true);
    }

    /**
     * A copy of the JAR this signer signed, whose {@code .SF} signs the manifest's entry sections
     * only: no {@code -Digest-Manifest}, no {@code -Digest-Manifest-Main-Attributes} (allowed by
     * the JAR format; jarsigner no longer writes it), with a signature block made again for it.
     */
    public Path withoutManifestDigests(Path signedJar, Path target) throws IOException {
      java.util.Map<String, byte[]> replaced = new java.util.HashMap<>();
      try (ZipFile in = new ZipFile(signedJar.toFile())) {
        for (ZipEntry entry : Collections.list(in.entries())) {
          String name = entry.getName();
          if (!name.startsWith("META-INF/") || !name.endsWith(".SF")) {
            continue;
          }
          java.util.jar.Manifest sf = new java.util.jar.Manifest(in.getInputStream(entry));
          sf.getMainAttributes()
              .keySet()
              .removeIf(
                  k ->
                      k.toString().toUpperCase(java.util.Locale.ROOT).contains("-DIGEST-MANIFEST"));
          java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
          sf.write(bytes);
          replaced.put(name, bytes.toByteArray());
          replaced.put(name.substring(0, name.length() - 3) + ".RSA", block(bytes.toByteArray()));
        }
      }
      return rewrite(
          signedJar, target, (name, bytes) -> replaced.getOrDefault(name, bytes), List.of());
    }

    /** A detached PKCS#7 SignedData over {@code content}, SHA-256 with RSA, no attributes. */
    private byte[] block(byte[] content) throws IOException {
      try {
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(content);
        AlgorithmIdentifier sha256 =
            new AlgorithmIdentifier(
                org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
        org.bouncycastle.asn1.pkcs.SignerInfo info =
            new org.bouncycastle.asn1.pkcs.SignerInfo(
                new ASN1Integer(1),
                new org.bouncycastle.asn1.pkcs.IssuerAndSerialNumber(
                    X500Name.getInstance(certificate().getIssuerX500Principal().getEncoded()),
                    certificate().getSerialNumber()),
                sha256,
                null,
                new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                new org.bouncycastle.asn1.DEROctetString(rsa.sign()),
                null);
        ASN1EncodableVector certificates = new ASN1EncodableVector();
        for (X509Certificate c : chain) {
          certificates.add(Certificate.getInstance(c.getEncoded()));
        }
        org.bouncycastle.asn1.pkcs.SignedData signed =
            new org.bouncycastle.asn1.pkcs.SignedData(
                new ASN1Integer(1),
                new org.bouncycastle.asn1.DERSet(sha256),
                new org.bouncycastle.asn1.pkcs.ContentInfo(PKCSObjectIdentifiers.data, null),
                new org.bouncycastle.asn1.DERSet(certificates),
                null,
                new org.bouncycastle.asn1.DERSet(info));
        return new org.bouncycastle.asn1.pkcs.ContentInfo(PKCSObjectIdentifiers.signedData, signed)
            .getEncoded(ASN1Encoding.DER);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    private Path sign(Path jar, Path signed, String digest, String signature, boolean sectionsOnly)
        throws IOException {
      try {
        JarSigner signer =
            new JarSigner.Builder(
                    key, CertificateFactory.getInstance("X.509").generateCertPath(chain))
                .digestAlgorithm(digest)
                .signatureAlgorithm(signature)
                .setProperty("sectionsonly", String.valueOf(sectionsOnly))
                .build();
        Files.createDirectories(signed.toAbsolutePath().getParent());
        try (ZipFile in = new ZipFile(jar.toFile());
            OutputStream out = Files.newOutputStream(signed)) {
          signer.sign(in, out);
        }
        return signed;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private TestSigning() {}

  /** A self-signed CA. */
  public static Signer authority(String name) {
    KeyPair pair = rsa(2048);
    X509Certificate certificate = issue(name, pair, name, pair.getPrivate(), true, NOT_AFTER);
    return new Signer(pair.getPrivate(), List.of(certificate));
  }

  /** A code signer with a key of {@code bits}, issued by {@code issuer}. */
  public static Signer issuedBy(Signer issuer, String name, int bits) {
    return issuedBy(issuer, name, bits, NOT_AFTER);
  }

  /**
   * A signer issued by {@code issuer}, valid until {@code notAfter}, whose certificate lists {@code
   * uses} as its extended key usage (none listed: no such extension, i.e. any use).
   */
  public static Signer issuedBy(
      Signer issuer, String name, int bits, Date notAfter, KeyPurposeId... uses) {
    KeyPair pair = rsa(bits);
    X509Certificate certificate =
        issue(
            name,
            pair,
            issuer.certificate().getSubjectX500Principal().getName(),
            issuer.key(),
            false,
            notAfter,
            uses);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(certificate);
    chain.addAll(issuer.chain());
    return new Signer(pair.getPrivate(), chain);
  }

  /** A signer no one issued: its certificate signs itself. */
  public static Signer stranger(String name, KeyPurposeId... uses) {
    KeyPair pair = rsa(2048);
    return new Signer(
        pair.getPrivate(),
        List.of(issue(name, pair, name, pair.getPrivate(), false, NOT_AFTER, uses)));
  }

  /** A copy of {@code jar} as {@code target} whose manifest's main section is {@code main}. */
  public static Path withManifest(Path jar, Path target, String main) throws IOException {
    return rewrite(
        jar,
        target,
        (name, bytes) -> name.equals("META-INF/MANIFEST.MF") ? null : bytes,
        List.<String[]>of(
            new String[] {"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n" + main + "\r\n"}));
  }

  /**
   * A copy of {@code jar} as {@code target}, each entry's bytes passed through {@code change}
   * (given the entry's name and bytes; null drops the entry), and {@code added} entries appended.
   */
  public static Path rewrite(Path jar, Path target, EntryChange change, List<String[]> added)
      throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    try (ZipFile in = new ZipFile(jar.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
      for (ZipEntry entry : Collections.list(in.entries())) {
        byte[] bytes = in.getInputStream(entry).readAllBytes();
        byte[] next = change.apply(entry.getName(), bytes);
        if (next == null) {
          continue;
        }
        out.putNextEntry(new ZipEntry(entry.getName()));
        out.write(next);
        out.closeEntry();
      }
      for (String[] entry : added) {
        out.putNextEntry(new ZipEntry(entry[0]));
        out.write(entry[1].getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return target;
  }

  /** What {@link #rewrite} does to one entry. */
  @FunctionalInterface
  public interface EntryChange {
    byte[] apply(String name, byte[] bytes);
  }

  /** A copy of a test plug-in JAR whose descriptor declares {@code id} instead. */
  public static Path withId(Path jar, String id, Path target) throws IOException {
    UnaryOperator<String> descriptor = text -> text.replaceFirst("(?m)^id=.*$", "id=" + id);
    return rewrite(
        jar,
        target,
        (name, bytes) ->
            name.equals("META-INF/authhost-plugin.properties")
                ? descriptor
                    .apply(new String(bytes, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8)
                : bytes,
        List.of());
  }

  private static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate issue(
      String subject,
      KeyPair subjectKeys,
      String issuer,
      PrivateKey issuerKey,
      boolean ca,
      Date notAfter,
      KeyPurposeId... uses) {
    try {
      AlgorithmIdentifier algorithm =
          new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
      V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
      tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(SERIAL.getAndIncrement())));
      tbs.setIssuer(new X500Name(issuer));
      tbs.setSubject(new X500Name(subject));
      tbs.setStartDate(new Time(NOT_BEFORE));
      tbs.setEndDate(new Time(notAfter));
      tbs.setSubjectPublicKeyInfo(
          SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()));
      tbs.setSignature(algorithm);
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      extensions.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
      if (uses.length > 0) {
        extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(uses));
      }
      tbs.setExtensions(extensions.generate());
      TBSCertificate unsigned = tbs.generateTBSCertificate();
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(issuerKey);
      signature.update(unsigned.getEncoded(ASN1Encoding.DER));
      ASN1EncodableVector certificate = new ASN1EncodableVector();
      certificate.add(unsigned);
      certificate.add(algorithm);
      certificate.add(new DERBitString(signature.sign()));
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new ByteArrayInputStream(
                      Certificate.getInstance(new DERSequence(certificate)).getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
