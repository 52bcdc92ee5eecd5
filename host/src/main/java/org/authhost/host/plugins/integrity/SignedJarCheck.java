package org.authhost.host.plugins.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * {@code plugins.integrity: signed}, for a JAR on no hash list: every entry signed by a certificate
 * that chains to the operator's trust store, with strong algorithms. Built on the JDK's own JAR
 * verification ({@code JarFile} with verify on), which checks the bytes against the signature but
 * not who signed, lets unsigned extra entries pass and misses signed entries that were removed: the
 * rest is checked here (see {@code next-capabilities.md} §4).
 */
final class SignedJarCheck {
  private final Path jar;
  private final String sha256;
  private final TrustAnchors anchors;
  private final Date now;

  SignedJarCheck(Path jar, String sha256, TrustAnchors anchors, Date now) {
    this.jar = jar;
    this.sha256 = sha256;
    this.anchors = anchors;
    this.now = now;
  }

  Decision decide() throws IOException {
    String trust = trustHint();
    try (JarFile file = new JarFile(jar.toFile(), true)) {
      List<JarEntry> signatureFiles =
          file.stream().filter(e -> isSignatureFile(e.getName())).toList();
      if (signatureFiles.stream().noneMatch(e -> upper(e.getName()).endsWith(".SF"))) {
        return refuse(
            "integrity/not-signed",
            Decision.TRUST_E_NOSIGNATURE,
            "the JAR is not signed, and its SHA-256 is on no allow-list",
            "have its author sign it (jarsigner, SHA-256) with a certificate in "
                + anchors.file()
                + ", or "
                + trust);
      }
      for (JarEntry entry : signatureFiles) {
        byte[] bytes;
        try (InputStream in = file.getInputStream(entry)) {
          bytes = in.readAllBytes();
        }
        String name = upper(entry.getName());
        String weak =
            name.endsWith(".SF")
                ? WeakAlgorithms.inSignatureFile(entry.getName(), bytes)
                : name.endsWith(".RSA") || name.endsWith(".DSA") || name.endsWith(".EC")
                    ? WeakAlgorithms.inSignatureBlock(entry.getName(), bytes)
                    : null;
        if (weak != null) {
          return refuse(
              "integrity/weak-algorithm",
              Decision.NTE_BAD_ALGID,
              weak,
              "have its author sign it again with SHA-256 digests (jarsigner -digestalg SHA-256"
                  + " -sigalg SHA256withRSA) and a key of at least "
                  + WeakAlgorithms.MIN_RSA_DSA_BITS
                  + " bits (RSA) or "
                  + WeakAlgorithms.MIN_EC_BITS
                  + " bits (EC). "
                  + pinHint());
        }
      }
      String uncovered = uncoveredManifest(file, signatureFiles);
      if (uncovered != null) {
        return refuse(
            "integrity/unsigned-manifest",
            Decision.TRUST_E_NOSIGNATURE,
            uncovered,
            "have its author sign it again with jarsigner's defaults (without -sectionsonly), so"
                + " that the signature covers the manifest's main attributes. "
                + pinHint());
      }
      Manifest manifest = file.getManifest();
      String weakEntry = manifest == null ? null : WeakAlgorithms.inManifest(manifest);
      if (weakEntry != null) {
        return refuse(
            "integrity/weak-algorithm",
            Decision.NTE_BAD_ALGID,
            weakEntry,
            "have its author sign it again with SHA-256 digests (jarsigner -digestalg SHA-256). "
                + pinHint());
      }
      return entries(file, trust);
    }
  }

  /**
   * Why a signature file leaves the manifest's main section unsigned, or null. The JAR format lets
   * a {@code .SF} sign only the manifest's entry sections (jarsigner's {@code -sectionsonly}); its
   * main attributes (e.g. {@code Class-Path}, {@code Multi-Release}, {@code Launcher-Agent-Class})
   * could then be added after signing and the JDK would still call every entry signed. Every {@code
   * .SF} must carry a strong digest of the whole manifest or of its main section that matches.
   */
  private static String uncoveredManifest(JarFile file, List<JarEntry> signatureFiles)
      throws IOException {
    JarEntry manifestEntry = file.getJarEntry(JarFile.MANIFEST_NAME);
    byte[] manifest;
    if (manifestEntry == null) {
      return "the JAR has no " + JarFile.MANIFEST_NAME;
    }
    try (InputStream in = file.getInputStream(manifestEntry)) {
      manifest = in.readAllBytes();
    }
    byte[] mainSection = java.util.Arrays.copyOf(manifest, mainSectionLength(manifest));
    for (JarEntry entry : signatureFiles) {
      if (!upper(entry.getName()).endsWith(".SF")) {
        continue;
      }
      Manifest sf;
      try (InputStream in = file.getInputStream(entry)) {
        sf = new Manifest(in);
      }
      boolean covered = false;
      for (Map.Entry<Object, Object> attribute : sf.getMainAttributes().entrySet()) {
        String key = attribute.getKey().toString();
        String upperKey = upper(key);
        byte[] signedPart;
        String algorithm;
        if (upperKey.endsWith("-DIGEST-MANIFEST")) {
          signedPart = manifest;
          algorithm = key.substring(0, key.length() - "-Digest-Manifest".length());
        } else if (upperKey.endsWith("-DIGEST-MANIFEST-MAIN-ATTRIBUTES")) {
          signedPart = mainSection;
          algorithm = key.substring(0, key.length() - "-Digest-Manifest-Main-Attributes".length());
        } else {
          continue;
        }
        if (WeakAlgorithms.isWeakDigestName(upper(algorithm))) {
          continue;
        }
        try {
          byte[] expected = java.util.Base64.getDecoder().decode(attribute.getValue().toString());
          byte[] actual = java.security.MessageDigest.getInstance(algorithm).digest(signedPart);
          if (java.security.MessageDigest.isEqual(expected, actual)) {
            covered = true;
            break;
          }
        } catch (GeneralSecurityException | IllegalArgumentException unknown) {
          // An algorithm or value this JDK cannot check covers nothing.
        }
      }
      if (!covered) {
        return entry.getName()
            + " does not sign the manifest's main attributes (no matching SHA-256 or stronger"
            + " -Digest-Manifest or -Digest-Manifest-Main-Attributes): anything could have been"
            + " added to them after signing";
      }
    }
    return null;
  }

  /** The bytes of the manifest's main section with the blank line that ends it (as jarsigner). */
  static int mainSectionLength(byte[] manifest) {
    int lineStart = 0;
    for (int i = 0; i < manifest.length; i++) {
      byte b = manifest[i];
      if (b != '\r' && b != '\n') {
        continue;
      }
      int end = b == '\r' && i + 1 < manifest.length && manifest[i + 1] == '\n' ? i + 2 : i + 1;
      if (i == lineStart) {
        return end;
      }
      lineStart = end;
      i = end - 1;
    }
    return manifest.length;
  }

  private Decision entries(JarFile file, String trust) throws IOException {
    Set<String> present = new LinkedHashSet<>();
    Map<CodeSigner, Integer> signed = new HashMap<>();
    int checked = 0;
    for (JarEntry entry : file.stream().toList()) {
      present.add(entry.getName());
      if (entry.isDirectory() || isSignatureFile(entry.getName())) {
        continue;
      }
      // Signers are known only once the entry has been read to its end; a changed byte throws.
      try (InputStream in = file.getInputStream(entry)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (SecurityException e) {
        return refuse(
            "integrity/tampered",
            Decision.TRUST_E_BAD_DIGEST,
            "entry " + entry.getName() + " is not what was signed (" + e.getMessage() + ")",
            "replace the file with the one its author published; if the author changed it, it"
                + " must be signed again. "
                + pinHint());
      }
      CodeSigner[] signers = entry.getCodeSigners();
      if (signers == null || signers.length == 0) {
        return refuse(
            "integrity/unsigned-entry",
            Decision.TRUST_E_NOSIGNATURE,
            "entry " + entry.getName() + " is not covered by the JAR's signature (added after it)",
            "replace the file with the one its author published, or have the author sign the"
                + " whole JAR again. "
                + pinHint());
      }
      checked++;
      for (CodeSigner signer : signers) {
        signed.merge(signer, 1, Integer::sum);
      }
    }
    Manifest manifest = file.getManifest();
    if (manifest != null) {
      for (String name : manifest.getEntries().keySet()) {
        if (!present.contains(name)) {
          return refuse(
              "integrity/tampered",
              Decision.TRUST_E_BAD_DIGEST,
              "signed entry " + name + " is missing from the JAR",
              "replace the file with the one its author published. " + pinHint());
        }
      }
    }
    // Every entry must have one signer in common that is trusted: a trusted signature over part of
    // the JAR does not vouch for the rest.
    List<String> untrusted = new ArrayList<>();
    for (Map.Entry<CodeSigner, Integer> candidate : signed.entrySet()) {
      if (candidate.getValue() != checked) {
        continue;
      }
      String why = whyUntrusted(candidate.getKey());
      if (why == null) {
        return Decision.admit(
            "integrity/signed",
            jar,
            sha256,
            subject(candidate.getKey()),
            "every entry is signed by "
                + subject(candidate.getKey())
                + ", which chains to "
                + anchors.file());
      }
      untrusted.add(why);
    }
    return refuse(
        "integrity/untrusted-signer",
        Decision.CERT_E_UNTRUSTEDROOT,
        untrusted.isEmpty() ? "no single signer signed every entry" : String.join("; ", untrusted),
        "if you trust its signer, add the signer's CA certificate (or its own) with ./authhost"
            + " plugins trust --certificate CERT; or "
            + trust);
  }

  /** Null if {@code signer}'s chain leads to one of the operator's certificates, else why not. */
  private String whyUntrusted(CodeSigner signer) {
    List<X509Certificate> chain = new ArrayList<>();
    signer.getSignerCertPath().getCertificates().forEach(c -> chain.add((X509Certificate) c));
    String subject = subject(signer);
    if (anchors.certificates().isEmpty()) {
      return "signer " + subject + " is not trusted: " + anchors.file() + " holds no certificate";
    }
    for (X509Certificate certificate : chain) {
      String weak = WeakAlgorithms.inCertificate(certificate);
      if (weak != null) {
        return weak;
      }
    }
    // Pinned or chained alike: a trusted CA vouches for its code signers only.
    String use = CodeSigningUse.whyNot(chain.get(0));
    if (use != null) {
      return use;
    }
    if (anchors.certificates().contains(chain.get(0))) {
      // Trusted as itself: pinned, as a self-signed signer must be.
      return validAt(chain.get(0), subject);
    }
    // The path ends before the anchor, as PKIX wants it: a copy of the anchor in it is dropped.
    while (chain.size() > 1 && anchors.certificates().contains(chain.get(chain.size() - 1))) {
      chain.remove(chain.size() - 1);
    }
    try {
      Set<TrustAnchor> trustAnchors = new LinkedHashSet<>();
      anchors.certificates().forEach(c -> trustAnchors.add(new TrustAnchor(c, null)));
      PKIXParameters parameters = new PKIXParameters(trustAnchors);
      // The operator's own anchors: no CRL or OCSP to ask, and the host must not depend on them.
      parameters.setRevocationEnabled(false);
      // At the host's now, not at a timestamp: the time-stamping authority would have to be
      // trusted as well, and an expired signer is one to sign again (or to pin by hash).
      parameters.setDate(now);
      // The same rule again where the JDK enforces it, should the explicit check above drift.
      X509CertSelector target = new X509CertSelector();
      target.setExtendedKeyUsage(Set.of(CodeSigningUse.CODE_SIGNING));
      parameters.setTargetCertConstraints(target);
      CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
      CertPathValidator.getInstance("PKIX").validate(path, parameters);
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("the code-signing OID is well-formed", e);
    } catch (GeneralSecurityException e) {
      return "signer "
          + subject
          + " does not chain to "
          + anchors.file()
          + " ("
          + e.getMessage()
          + ")";
    }
  }

  private String validAt(X509Certificate certificate, String subject) {
    try {
      certificate.checkValidity(now);
      return null;
    } catch (GeneralSecurityException e) {
      return "signer " + subject + "'s certificate is not valid now (" + e.getMessage() + ")";
    }
  }

  static String subject(CodeSigner signer) {
    return ((X509Certificate) signer.getSignerCertPath().getCertificates().get(0))
        .getSubjectX500Principal()
        .getName();
  }

  private Decision refuse(String id, org.authhost.api.HResult hresult, String reason, String fix) {
    return Decision.refuse(id, jar, sha256, hresult, reason, fix);
  }

  /** The way to allow a file whose signature fails: by its hash, knowingly. */
  private String pinHint() {
    return "Only if you know this very file and why its signature fails: ./authhost plugins trust "
        + jar;
  }

  private String trustHint() {
    return "if you trust this very file, run ./authhost plugins trust " + jar;
  }

  /** The files of the signature itself, which the JDK never reports as signed. */
  static boolean isSignatureFile(String name) {
    String upper = upper(name);
    if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
      return false;
    }
    String simple = upper.substring("META-INF/".length());
    return simple.equals("MANIFEST.MF")
        || simple.endsWith(".SF")
        || simple.endsWith(".RSA")
        || simple.endsWith(".DSA")
        || simple.endsWith(".EC")
        || simple.startsWith("SIG-");
  }

  private static String upper(String name) {
    return name.toUpperCase(Locale.ROOT);
  }
}
