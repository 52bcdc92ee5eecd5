package org.authhost.host.plugins.integrity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.regex.Pattern;
import org.authhost.host.config.IntegrityConfig;

/**
 * What {@code ./authhost plugins trust} and {@code untrust} change: the operator's allow-list of
 * JAR hashes and trust store of signers, both in the configuration folder. Nothing else writes
 * them; the host only reads them.
 */
public final class TrustLists {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  /** What a change did. */
  public record Change(boolean changed, String what, Path file) {}

  private final IntegrityConfig config;

  public TrustLists(IntegrityConfig config) {
    if (config.allowList() == null || config.trustStore() == null) {
      throw new IllegalArgumentException("a configuration read from host.json is needed");
    }
    this.config = config;
  }

  /** Adds the JAR's SHA-256 to the allow-list. */
  public Change trustJar(Path jar) throws IOException {
    requireFile(jar);
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      // Only a JAR is a plug-in: a certificate or a text file named here is an operator's slip.
    } catch (java.util.zip.ZipException notZip) {
      throw new IllegalArgumentException(
          jar
              + " is not a JAR ("
              + notZip.getMessage()
              + "); to trust a signer's certificate, add --certificate");
    }
    String sha256 = HashList.sha256(jar);
    return TrustFileWrites.locked(
        config.allowList(),
        () -> {
          HashList list = HashList.read(config.allowList());
          boolean changed = !list.contains(sha256);
          if (changed) {
            list.with(sha256, jar.getFileName().toString());
          }
          return new Change(
              changed, "SHA-256 " + sha256 + " (" + jar.getFileName() + ")", list.file());
        });
  }

  /**
   * Removes a JAR's SHA-256 from the allow-list: that of the file {@code jarOrHash} names or, if
   * there is no such file, the hash it spells (the JAR may be gone already).
   */
  public Change untrustJar(String jarOrHash) throws IOException {
    Path jar = Path.of(jarOrHash);
    String sha256;
    if (Files.isRegularFile(jar)) {
      sha256 = HashList.sha256(jar);
    } else if (SHA256.matcher(jarOrHash).matches()) {
      sha256 = jarOrHash.toLowerCase(Locale.ROOT);
    } else {
      throw new IllegalArgumentException(
          "no such file: " + jarOrHash + " (give the JAR, or the SHA-256 that plugins.lock lists)");
    }
    return TrustFileWrites.locked(
        config.allowList(),
        () -> {
          HashList list = HashList.read(config.allowList());
          boolean changed = list.contains(sha256);
          if (changed) {
            list.without(sha256);
          }
          return new Change(changed, "SHA-256 " + sha256, list.file());
        });
  }

  /** Adds a signer's (or its CA's) certificate to the trust store. */
  public Change trustSigner(Path certificateFile) throws IOException {
    requireFile(certificateFile);
    X509Certificate certificate = TrustAnchors.certificateIn(certificateFile);
    String weak = WeakAlgorithms.inCertificate(certificate);
    if (weak != null) {
      throw new IllegalArgumentException(
          certificateFile + ": " + weak + "; the host would refuse what it signs");
    }
    // A CA's certificate vouches for the signers it issues, whose own use is checked on each JAR;
    // a signer's own certificate must be one for signing code.
    String use = certificate.getBasicConstraints() < 0 ? CodeSigningUse.whyNot(certificate) : null;
    if (use != null) {
      throw new IllegalArgumentException(
          certificateFile
              + ": "
              + use
              + "; the host would refuse what it signs. Ask for a code-signing certificate, or"
              + " trust the CA that issued one");
    }
    return TrustFileWrites.locked(
        config.trustStore(),
        () -> {
          TrustAnchors anchors = TrustAnchors.read(config.trustStore());
          boolean changed = !anchors.certificates().contains(certificate);
          if (changed) {
            anchors.with(certificate);
          }
          return new Change(changed, describe(certificate), anchors.file());
        });
  }

  /** Removes a certificate from the trust store. */
  public Change untrustSigner(Path certificateFile) throws IOException {
    requireFile(certificateFile);
    X509Certificate certificate = TrustAnchors.certificateIn(certificateFile);
    return TrustFileWrites.locked(
        config.trustStore(),
        () -> {
          TrustAnchors anchors = TrustAnchors.read(config.trustStore());
          boolean changed = anchors.certificates().contains(certificate);
          if (changed) {
            anchors.without(certificate);
          }
          return new Change(changed, describe(certificate), anchors.file());
        });
  }

  private static String describe(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName()
        + " (SHA-256 fingerprint "
        + TrustAnchors.fingerprint(certificate)
        + ")";
  }

  private static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such file: " + file);
    }
  }
}
