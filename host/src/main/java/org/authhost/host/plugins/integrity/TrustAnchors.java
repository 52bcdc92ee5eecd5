package org.authhost.host.plugins.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * The operator's PKCS#12 trust store of plug-in signers ({@code plugins-trust.p12}): certificates
 * only, never a private key. Only AuthHost's own store counts, never the JDK's {@code cacerts}
 * (Jenkins' rule: trusting every public CA trusts anyone who can buy a certificate).
 *
 * <p>The store holds public certificates, so its password protects nothing secret; it is the
 * documented {@value #PASSWORD}, as the JDK's {@code cacerts} has {@code changeit}, so that {@code
 * keytool -list} can show it. What guards it is that only the command line writes it, into the
 * configuration folder.
 *
 * @param file where it was read from
 * @param certificates its trusted certificates
 */
record TrustAnchors(Path file, List<X509Certificate> certificates) {
  static final String PASSWORD = "authhost";

  TrustAnchors {
    certificates = List.copyOf(certificates);
  }

  /**
   * The store in {@code file}; empty if there is no such file.
   *
   * @throws IOException if it cannot be read as a PKCS#12 store with the password {@value
   *     #PASSWORD}
   */
  static TrustAnchors read(Path file) throws IOException {
    KeyStore store;
    try (InputStream in = Files.newInputStream(file)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD.toCharArray());
    } catch (NoSuchFileException absent) {
      return new TrustAnchors(file, List.of());
    } catch (java.nio.file.AccessDeniedException denied) {
      throw denied;
    } catch (GeneralSecurityException | IOException e) {
      throw new IOException(
          file
              + " is not a PKCS#12 trust store with the password '"
              + PASSWORD
              + "' ("
              + e.getMessage()
              + "); move it away and add each signer again with ./authhost plugins trust"
              + " --certificate FILE",
          e);
    }
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isCertificateEntry(alias)
            && store.getCertificate(alias) instanceof X509Certificate certificate) {
          certificates.add(certificate);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " cannot be read (" + e.getMessage() + ")", e);
    }
    return new TrustAnchors(file, certificates);
  }

  /** This store with {@code certificate} added, written to its file. */
  TrustAnchors with(X509Certificate certificate) throws IOException {
    List<X509Certificate> next = new ArrayList<>(certificates);
    if (!next.contains(certificate)) {
      next.add(certificate);
    }
    return write(next);
  }

  /** This store without {@code certificate}, written to its file. */
  TrustAnchors without(X509Certificate certificate) throws IOException {
    List<X509Certificate> next = new ArrayList<>(certificates);
    next.remove(certificate);
    return write(next);
  }

  private TrustAnchors write(List<X509Certificate> next) throws IOException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (X509Certificate certificate : next) {
        store.setCertificateEntry(alias(certificate), certificate);
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      store.store(out, PASSWORD.toCharArray());
      TrustFileWrites.replace(file, out.toByteArray());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot write " + file + " (" + e.getMessage() + ")", e);
    }
    return new TrustAnchors(file, next);
  }

  /** The certificate's SHA-256 fingerprint: unique, where subject names need not be. */
  static String alias(X509Certificate certificate) {
    return fingerprint(certificate);
  }

  static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The single X.509 certificate in a PEM or DER file. */
  static X509Certificate certificateIn(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<? extends Certificate> found =
          new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (found.size() != 1 || !(found.get(0) instanceof X509Certificate certificate)) {
        throw new IOException(
            file
                + " holds "
                + found.size()
                + " certificates; expected exactly one X.509 certificate (PEM or DER), the"
                + " signer's or its CA's");
      }
      return certificate;
    } catch (CertificateException e) {
      throw new IOException(
          file + " is not an X.509 certificate in PEM or DER (" + e.getMessage() + ")", e);
    }
  }
}
