package org.authhost.host.plugins.integrity;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Whether a signer's certificate was issued for signing code: a CA in the trust store vouches for
 * its code signers, not for its TLS servers or mail users. The counterpart of Authenticode's
 * requirement of the code-signing purpose ({@code szOID_PKIX_KP_CODE_SIGNING}) on the signer.
 */
final class CodeSigningUse {
  /** id-kp-codeSigning (RFC 5280 §4.2.1.12). */
  static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

  /** KeyUsage's digitalSignature bit. */
  static final int DIGITAL_SIGNATURE = 0;

  private CodeSigningUse() {}

  /**
   * Null if {@code certificate} may sign code, else why not. No extended key usage means any use
   * (RFC 5280); one that lists uses must list code signing, and {@code anyExtendedKeyUsage} alone
   * is not taken for it (stricter than the JDK's jarsigner: a certificate for anything is one no
   * one meant for plug-ins). A key usage, when present, must allow digital signatures.
   */
  static String whyNot(X509Certificate certificate) {
    String subject = certificate.getSubjectX500Principal().getName();
    List<String> uses;
    try {
      uses = certificate.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      return "the certificate of " + subject + " has an extended key usage that cannot be read";
    }
    if (uses != null && !uses.contains(CODE_SIGNING)) {
      return "the certificate of "
          + subject
          + " is not for signing code: its extended key usage is "
          + String.join(", ", uses.stream().map(CodeSigningUse::name).toList())
          + ", without codeSigning ("
          + CODE_SIGNING
          + ")";
    }
    boolean[] keyUsage = certificate.getKeyUsage();
    if (keyUsage != null
        && (keyUsage.length <= DIGITAL_SIGNATURE || !keyUsage[DIGITAL_SIGNATURE])) {
      return "the certificate of "
          + subject
          + " is not for signing: its key usage lacks digitalSignature";
    }
    return null;
  }

  private static String name(String oid) {
    return switch (oid) {
      case "1.3.6.1.5.5.7.3.1" -> "serverAuth";
      case "1.3.6.1.5.5.7.3.2" -> "clientAuth";
      case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
      case "1.3.6.1.5.5.7.3.8" -> "timeStamping";
      case "2.5.29.37.0" -> "anyExtendedKeyUsage";
      default -> oid;
    };
  }
}
