package org.authhost.host.plugins.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.jar.Manifest;
import org.authhost.host.testing.TestSigning;
import org.junit.jupiter.api.Test;

/**
 * The algorithm rules the signed JARs of {@code PluginIntegrityTest} do not reach: a manifest whose
 * entries carry only SHA-1 digests under a SHA-256 {@code .SF} (jarsigner never writes one, a
 * forger would), RSASSA-PSS over SHA-1, and self-signed decided by the signature.
 */
class WeakAlgorithmsTest {

  private static Manifest manifest(String text) throws Exception {
    return new Manifest(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aManifestEntryWithOnlySha1DigestsIsWeakWhateverTheSignatureFileUses() throws Exception {
    String weak =
        WeakAlgorithms.inManifest(
            manifest(
                "Manifest-Version: 1.0\r\n\r\n"
                    + "Name: a/A.class\r\nSHA-256-Digest: AAAA\r\n\r\n"
                    + "Name: a/B.class\r\nSHA1-Digest: BBBB\r\n\r\n"));
    assertTrue(weak != null && weak.contains("a/B.class") && weak.contains("SHA1"), weak);
    assertNull(
        WeakAlgorithms.inManifest(
            manifest(
                "Manifest-Version: 1.0\r\n\r\n"
                    + "Name: a/B.class\r\nSHA1-Digest: BBBB\r\nSHA-256-Digest: CCCC\r\n\r\n")));
  }

  @Test
  void rsassaPssIsWeakOverSha1AndByDefault() throws Exception {
    var sha1 =
        new org.bouncycastle.asn1.pkcs.RSASSAPSSparams(
            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.14.3.2.26")),
            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_mgf1),
            new org.bouncycastle.asn1.ASN1Integer(20),
            new org.bouncycastle.asn1.ASN1Integer(1));
    assertEquals(
        "RSASSA-PSS over SHA-1",
        WeakAlgorithms.weakSignature("1.2.840.113549.1.1.10", sha1.getEncoded()));
    // No parameters: RFC 4055's defaults, SHA-1.
    assertEquals(
        "RSASSA-PSS over SHA-1",
        WeakAlgorithms.weakSignature(
            "1.2.840.113549.1.1.10", new org.bouncycastle.asn1.DERSequence().getEncoded()));
    var sha256 =
        new org.bouncycastle.asn1.pkcs.RSASSAPSSparams(
            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                new org.bouncycastle.asn1.ASN1ObjectIdentifier("2.16.840.1.101.3.4.2.1")),
            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_mgf1),
            new org.bouncycastle.asn1.ASN1Integer(32),
            new org.bouncycastle.asn1.ASN1Integer(1));
    assertNull(WeakAlgorithms.weakSignature("1.2.840.113549.1.1.10", sha256.getEncoded()));
    assertEquals("MD5withRSA", WeakAlgorithms.weakSignature("1.3.14.3.2.3", null));
    assertEquals("SHA1withDSA", WeakAlgorithms.weakSignature("1.3.14.3.2.27", null));
  }

  @Test
  void selfSignedIsDecidedByTheSignatureNotByTheNames() {
    TestSigning.Signer root = TestSigning.authority("CN=Same Name");
    assertTrue(WeakAlgorithms.selfSigned(root.certificate()));
    // Issued by a CA whose name it copies: subject equals issuer, but the CA's key signed it.
    TestSigning.Signer copy = TestSigning.issuedBy(root, "CN=Same Name", 2048);
    assertEquals(
        copy.certificate().getSubjectX500Principal(), copy.certificate().getIssuerX500Principal());
    assertTrue(!WeakAlgorithms.selfSigned(copy.certificate()));
  }

  @Test
  void theMainSectionEndsWithItsBlankLine() {
    byte[] crlf = "A: 1\r\nB: 2\r\n\r\nName: x\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    assertEquals("A: 1\r\nB: 2\r\n\r\n".length(), SignedJarCheck.mainSectionLength(crlf));
    byte[] lf = "A: 1\n\nName: x\n".getBytes(StandardCharsets.UTF_8);
    assertEquals("A: 1\n\n".length(), SignedJarCheck.mainSectionLength(lf));
  }
}
