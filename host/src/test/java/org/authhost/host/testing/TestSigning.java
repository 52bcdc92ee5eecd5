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
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
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
      try {
        JarSigner signer =
            new JarSigner.Builder(
                    key, CertificateFactory.getInstance("X.509").generateCertPath(chain))
                .digestAlgorithm(digest)
                .signatureAlgorithm(signature)
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
    X509Certificate certificate = issue(name, pair, name, pair.getPrivate(), true);
    return new Signer(pair.getPrivate(), List.of(certificate));
  }

  /** A code signer with a key of {@code bits}, issued by {@code issuer}. */
  public static Signer issuedBy(Signer issuer, String name, int bits) {
    KeyPair pair = rsa(bits);
    X509Certificate certificate =
        issue(
            name,
            pair,
            issuer.certificate().getSubjectX500Principal().getName(),
            issuer.key(),
            false);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(certificate);
    chain.addAll(issuer.chain());
    return new Signer(pair.getPrivate(), chain);
  }

  /** A signer no one issued: its certificate signs itself. */
  public static Signer stranger(String name) {
    KeyPair pair = rsa(2048);
    return new Signer(
        pair.getPrivate(), List.of(issue(name, pair, name, pair.getPrivate(), false)));
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
      String subject, KeyPair subjectKeys, String issuer, PrivateKey issuerKey, boolean ca) {
    try {
      AlgorithmIdentifier algorithm =
          new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
      V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
      tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(SERIAL.getAndIncrement())));
      tbs.setIssuer(new X500Name(issuer));
      tbs.setSubject(new X500Name(subject));
      tbs.setStartDate(new Time(NOT_BEFORE));
      tbs.setEndDate(new Time(NOT_AFTER));
      tbs.setSubjectPublicKeyInfo(
          SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()));
      tbs.setSignature(algorithm);
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      extensions.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
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
