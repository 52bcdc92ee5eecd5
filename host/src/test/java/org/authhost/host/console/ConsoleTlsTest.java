package org.authhost.host.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.authhost.api.EventLevel;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's TLS listener, with its own keystore: the session cookie is marked Secure; a plain
 * {@code port} of 0 beside it is warned of.
 */
class ConsoleTlsTest {
  @TempDir Path root;
  ConsoleHost console;

  @AfterEach
  void stop() throws Exception {
    if (console != null) {
      console.close();
    }
  }

  @Test
  void overTlsTheSessionCookieIsSecure() throws Exception {
    console =
        ConsoleHost.start(
            root,
            "\"tls\": { \"keystore\": \"console.p12\", \"password\": \"changeit\", \"port\": 0 },");
    int port = console.host.console().tlsPort();
    assertTrue(port > 0);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {new TrustAll()}, null);
    try (Socket s = tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      s.getOutputStream()
          .write(
              ("GET /console/api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                      + "Authorization: "
                      + ConsoleHost.basic("root")
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String answer = readAll(s.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
      String cookie =
          answer
              .lines()
              .filter(l -> l.startsWith("Set-Cookie: " + ConsoleRequests.SESSION_COOKIE))
              .findFirst()
              .orElseThrow();
      assertTrue(cookie.toLowerCase(Locale.ROOT).contains("; secure"), cookie);
    }
  }

  /**
   * {@code "port": 0} beside {@code tls} is how a file written before 0 meant a free port asked for
   * the TLS listener only; it now also gets a plain one, and the start says so, where and how to
   * fix it.
   */
  @Test
  void anExplicitPortZeroIsWarnedOfAtStartWithItsLineAndTheFix() throws Exception {
    console =
        ConsoleHost.start(
            root,
            "\"tls\": { \"keystore\": \"console.p12\", \"password\": \"changeit\", \"port\": 0 },");
    Path hostJson = console.host.config().configDirectory().resolve("host.json");
    List<String> lines = Files.readAllLines(hostJson);
    int line =
        1
            + IntStream.range(0, lines.size())
                .filter(i -> lines.get(i).contains("\"console\":"))
                .findFirst()
                .orElseThrow();
    int plain = console.host.console().plainPort();
    assertTrue(plain > 0, "the plain listener is on, on a free port");
    List<String> warnings =
        console
            .host
            .eventLog()
            .query(EventQuery.all().withSource(HostEvents.HOST).withLevel(EventLevel.WARNING))
            .stream()
            .map(EventRecord::text)
            .filter(t -> t.contains("console.port"))
            .toList();
    assertEquals(1, warnings.size(), warnings.toString());
    String warning = warnings.get(0);
    assertTrue(warning.contains(hostJson + ":" + line + ":"), warning);
    assertTrue(warning.contains("127.0.0.1:" + plain), warning);
    assertTrue(warning.contains("set console.port to -1"), warning);
  }

  private static String readAll(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** The test's own self-signed certificate: the check here is the cookie, not the chain. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
