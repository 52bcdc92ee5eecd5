package org.authhost.host.http.content;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A self-signed certificate for 127.0.0.1 / localhost, made with the JDK's keytool. */
public final class TestTls {
  static final char[] PASSWORD = "changeit".toCharArray();

  final KeyStore keyStore;
  final X509Certificate certificate;
  final Path pem;

  private TestTls(KeyStore keyStore, X509Certificate certificate, Path pem) {
    this.keyStore = keyStore;
    this.certificate = certificate;
    this.pem = pem;
  }

  /**
   * Writes a PKCS#12 key store with a self-signed EC certificate for 127.0.0.1 and localhost, alias
   * {@code test}, password {@code changeit}.
   */
  public static void writeKeyStore(Path file) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                List.of(
                    keytool.toString(),
                    "-genkeypair",
                    "-alias",
                    "test",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-dname",
                    "CN=127.0.0.1",
                    "-ext",
                    "SAN=ip:127.0.0.1,dns:localhost",
                    "-validity",
                    "2",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    file.toString(),
                    "-storepass",
                    new String(PASSWORD),
                    "-keypass",
                    new String(PASSWORD)))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
  }

  static TestTls create(Path dir) throws Exception {
    Path file = dir.resolve("test.p12");
    writeKeyStore(file);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD);
    }
    X509Certificate cert = (X509Certificate) ks.getCertificate("test");
    Path pem = dir.resolve("test.pem");
    Files.writeString(
        pem,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    return new TestTls(ks, cert, pem);
  }

  KeyManagerFactory keyManagers() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, PASSWORD);
    return kmf;
  }

  SslContext nettyServer() throws Exception {
    return SslContextBuilder.forServer(keyManagers()).sslProvider(SslProvider.JDK).build();
  }

  /** A client context that trusts only this certificate (host names still verified). */
  SslContext nettyClientTrustingIt() throws Exception {
    return SslContextBuilder.forClient()
        .sslProvider(SslProvider.JDK)
        .trustManager(certificate)
        .build();
  }

  SSLContext jdkServer() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers().getKeyManagers(), null, null);
    return context;
  }
}
