package org.authhost.host.plugins.integrity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.Key;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.Locale;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.SignedData;
import org.bouncycastle.asn1.pkcs.SignerInfo;

/**
 * Finds the algorithms the host does not accept in a JAR's signature, before the JDK verifies it.
 * The JDK treats a JAR signed with a disabled algorithm (SHA-1 after 2019, MD5, short keys) as
 * plainly unsigned, which would hide the reason from the operator; and its limits ({@code RSA
 * keySize < 1024}) are lower than ours. The digests of the {@code .SF} file are read as a manifest;
 * the signature block's signer digest and signature algorithms need its CMS structure, which the
 * JDK does not expose, so Bouncy Castle's ASN.1 classes read it.
 */
final class WeakAlgorithms {
  /** The shortest RSA or DSA key accepted (NIST SP 800-131A). */
  static final int MIN_RSA_DSA_BITS = 2048;

  static final int MIN_EC_BITS = 256;

  /** Digests that no longer resist collisions, by OID and as {@code .SF} attribute prefixes. */
  private static final Map<String, String> WEAK_OIDS =
      Map.ofEntries(
          Map.entry("1.2.840.113549.2.2", "MD2"),
          Map.entry("1.2.840.113549.2.5", "MD5"),
          Map.entry("1.3.14.3.2.26", "SHA-1"),
          Map.entry("1.2.840.113549.1.1.2", "MD2withRSA"),
          Map.entry("1.2.840.113549.1.1.4", "MD5withRSA"),
          Map.entry("1.2.840.113549.1.1.5", "SHA1withRSA"),
          Map.entry("1.3.14.3.2.29", "SHA1withRSA"),
          Map.entry("1.3.14.3.2.3", "MD5withRSA"),
          Map.entry("1.3.14.3.2.27", "SHA1withDSA"),
          Map.entry("1.2.840.10040.4.3", "SHA1withDSA"),
          Map.entry("1.2.840.10045.4.1", "SHA1withECDSA"));

  private WeakAlgorithms() {}

  /**
   * Why the signature file {@code sf} (a {@code .SF}) uses only weak digests, or null: it must
   * carry at least one digest of the SHA-2 or SHA-3 families.
   */
  static String inSignatureFile(String name, byte[] sf) throws IOException {
    Manifest parsed = new Manifest(new ByteArrayInputStream(sf));
    java.util.Set<String> digests = new java.util.TreeSet<>();
    collect(parsed.getMainAttributes(), digests);
    parsed.getEntries().values().forEach(a -> collect(a, digests));
    if (digests.stream().anyMatch(d -> !isWeakDigestName(d))) {
      return null;
    }
    return name
        + " holds only "
        + (digests.isEmpty() ? "no" : String.join(", ", digests))
        + " digests (SHA-256 or stronger required)";
  }

  private static void collect(Attributes attributes, java.util.Set<String> digests) {
    for (Object key : attributes.keySet()) {
      String k = key.toString();
      int at = k.indexOf("-Digest");
      if (at > 0) {
        digests.add(k.substring(0, at).toUpperCase(Locale.ROOT));
      }
    }
  }

  /**
   * Why the manifest names an entry with only weak digests, or null. The {@code .SF} digests the
   * manifest's sections, but the entries' bytes are checked against the manifest's own {@code
   * *-Digest}s: SHA-1 there is SHA-1 for the entry, whatever the {@code .SF} uses.
   */
  static String inManifest(Manifest manifest) {
    for (Map.Entry<String, Attributes> section : manifest.getEntries().entrySet()) {
      java.util.Set<String> digests = new java.util.TreeSet<>();
      collect(section.getValue(), digests);
      if (!digests.isEmpty() && digests.stream().allMatch(WeakAlgorithms::isWeakDigestName)) {
        return "MANIFEST.MF lists entry "
            + section.getKey()
            + " with only "
            + String.join(", ", digests)
            + " digests (SHA-256 or stronger required)";
      }
    }
    return null;
  }

  static boolean isWeakDigestName(String name) {
    return name.equals("SHA1") || name.equals("SHA-1") || name.equals("MD5") || name.equals("MD2");
  }

  /**
   * Why the signature block {@code block} (a {@code .RSA}, {@code .DSA} or {@code .EC}) is weak, or
   * null: its signers' digest and signature algorithms, and the keys and signatures of the
   * certificates it carries (a self-signed root's own signature is not checked: nothing relies on
   * it).
   */
  static String inSignatureBlock(String name, byte[] block) throws IOException {
    SignedData signed;
    try {
      signed =
          SignedData.getInstance(
              ContentInfo.getInstance(ASN1Primitive.fromByteArray(block)).getContent());
    } catch (RuntimeException e) {
      throw new IOException(name + " is not a PKCS#7 signature block (" + e.getMessage() + ")", e);
    }
    for (ASN1Encodable encodable : signed.getSignerInfos()) {
      SignerInfo signer = SignerInfo.getInstance(encodable);
      String digest = WEAK_OIDS.get(signer.getDigestAlgorithm().getAlgorithm().getId());
      if (digest != null) {
        return name + " is signed over a " + digest + " digest (SHA-256 or stronger required)";
      }
      var encryption = signer.getDigestEncryptionAlgorithm();
      String signature;
      try {
        signature =
            weakSignature(
                encryption.getAlgorithm().getId(),
                encryption.getParameters() == null
                    ? null
                    : encryption.getParameters().toASN1Primitive().getEncoded());
      } catch (IOException e) {
        signature = "a signature algorithm whose parameters cannot be read";
      }
      if (signature != null) {
        return name + " is signed with " + signature + " (SHA-256 or stronger required)";
      }
    }
    try {
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(block))) {
        if (c instanceof X509Certificate certificate) {
          String weak = inCertificate(certificate);
          if (weak != null) {
            return name + ": " + weak;
          }
        }
      }
    } catch (CertificateException e) {
      throw new IOException(name + " holds a certificate that cannot be read", e);
    }
    return null;
  }

  /** RSASSA-PSS, whose parameters name its digest (SHA-1 when they name none). */
  private static final String RSASSA_PSS = "1.2.840.113549.1.1.10";

  /** The weak signature algorithm {@code oid} (with its DER {@code params}) is, or null. */
  static String weakSignature(String oid, byte[] params) {
    if (RSASSA_PSS.equals(oid)) {
      String digest = "1.3.14.3.2.26";
      try {
        if (params != null) {
          digest =
              org.bouncycastle.asn1.pkcs.RSASSAPSSparams.getInstance(
                      ASN1Primitive.fromByteArray(params))
                  .getHashAlgorithm()
                  .getAlgorithm()
                  .getId();
        }
      } catch (IOException | RuntimeException unreadable) {
        return "RSASSA-PSS with parameters that cannot be read";
      }
      String weak = WEAK_OIDS.get(digest);
      return weak == null ? null : "RSASSA-PSS over " + weak;
    }
    return WEAK_OIDS.get(oid);
  }

  /** Signed by its own key: decided by the signature, not by the names, which anyone can copy. */
  static boolean selfSigned(X509Certificate certificate) {
    if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      return false;
    }
    try {
      certificate.verify(certificate.getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException notItsOwn) {
      return false;
    }
  }

  /** Why a certificate's key or signature is weak, or null. */
  static String inCertificate(X509Certificate certificate) {
    String subject = certificate.getSubjectX500Principal().getName();
    Key key = certificate.getPublicKey();
    int bits = 0;
    int min = MIN_RSA_DSA_BITS;
    if (key instanceof RSAKey rsa) {
      bits = rsa.getModulus().bitLength();
    } else if (key instanceof DSAKey dsa && dsa.getParams() != null) {
      bits = dsa.getParams().getP().bitLength();
    } else if (key instanceof ECKey ec) {
      bits = ec.getParams().getCurve().getField().getFieldSize();
      min = MIN_EC_BITS;
    } else {
      min = 0;
    }
    if (bits < min) {
      return "the certificate of "
          + subject
          + " has a "
          + bits
          + "-bit "
          + key.getAlgorithm()
          + " key (at least "
          + min
          + " bits required)";
    }
    String signature = weakSignature(certificate.getSigAlgOID(), certificate.getSigAlgParams());
    if (signature != null && selfSigned(certificate)) {
      // A root's signature on itself vouches for nothing: the trust store does.
      signature = null;
    }
    if (signature != null) {
      return "the certificate of " + subject + " is signed with " + signature;
    }
    return null;
  }
}
