package org.authhost.host.http.content;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * The upstream origin of the proxy tests, on the JDK's HTTP server: a 20 MB generated body (with a
 * length, or chunked), an upload sink that answers with the SHA-256 of what arrived, a header echo,
 * a slow page, which answers only when the origin closes, and a page that sets the console's
 * cookies.
 */
final class TestOrigin implements AutoCloseable {
  static final int BIG = 20 * 1024 * 1024;

  final byte[] body;
  final String bodySha256;
  final HttpServer server;
  final ExecutorService executor = Executors.newCachedThreadPool();

  /** The headers of the last request, names in lower case. */
  final AtomicReference<Map<String, List<String>>> lastHeaders = new AtomicReference<>();

  final AtomicReference<String> lastUri = new AtomicReference<>();

  /** Bytes and reads of the last upload. */
  final AtomicLong uploadBytes = new AtomicLong();

  final AtomicInteger uploadReads = new AtomicInteger();
  final AtomicInteger largestUploadRead = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();

  /** A permit for each request for the slow page that has arrived. */
  final Semaphore slowRequests = new Semaphore(0);

  private final CountDownLatch closing = new CountDownLatch(1);

  TestOrigin(SSLContext tls) throws Exception {
    body = new byte[BIG];
    new Random(20).nextBytes(body);
    bodySha256 = Curl.sha256(body);
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
    if (tls != null) {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    } else {
      server = HttpServer.create(address, 0);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    Map<String, List<String>> headers = new TreeMap<>();
    Headers in = exchange.getRequestHeaders();
    in.forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    lastHeaders.set(headers);
    lastUri.set(exchange.getRequestURI().toString());
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      switch (path) {
        case "/big" -> sendBig(exchange, false);
        case "/big-chunked" -> sendBig(exchange, true);
        case "/upload" -> upload(exchange);
        case "/slow" -> {
          slowRequests.release();
          await(closing);
          text(exchange, 200, "late");
        }
        case "/no-content" -> {
          exchange.getResponseHeaders().set("X-Origin", "yes");
          exchange.sendResponseHeaders(204, -1);
        }
        case "/cookies" -> {
          // An origin that tries to plant the console's cookies beside one of its own.
          exchange
              .getResponseHeaders()
              .add("Set-Cookie", "authhost_console=planted; Path=/console/");
          exchange.getResponseHeaders().add("Set-Cookie", "theirs=1; Path=/");
          exchange.getResponseHeaders().add("Set-Cookie", "Authhost_Console_Signed_Out=1; Path=/");
          text(exchange, 200, "cookies");
        }
        case "/hop" -> {
          exchange.getResponseHeaders().set("Connection", "X-Hop-Header");
          exchange.getResponseHeaders().set("X-Hop-Header", "must not pass");
          exchange.getResponseHeaders().set("Keep-Alive", "timeout=99");
          exchange.getResponseHeaders().set("Proxy-Authenticate", "Basic");
          exchange.getResponseHeaders().set("X-End-To-End", "passes");
          text(exchange, 200, "hop");
        }
        default -> {
          StringBuilder echo =
              new StringBuilder(
                  exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
          headers.forEach(
              (name, values) ->
                  echo.append(name).append(": ").append(String.join(",", values)).append('\n'));
          exchange.getResponseHeaders().set("X-Origin-Status", "echo");
          text(
              exchange,
              path.startsWith("/status/") ? Integer.parseInt(path.substring(8)) : 200,
              echo.toString());
        }
      }
    }
  }

  private void sendBig(HttpExchange exchange, boolean chunked) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "video/mp4");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    if (head) {
      exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
    }
    exchange.sendResponseHeaders(200, head ? -1 : chunked ? 0 : body.length);
    if (head) {
      return;
    }
    try (OutputStream out = exchange.getResponseBody()) {
      for (int off = 0; off < body.length; off += 64 * 1024) {
        out.write(body, off, Math.min(64 * 1024, body.length - off));
      }
    } catch (IOException e) {
      // The client (the proxy) went away; fine for the abort tests.
    }
  }

  private void upload(HttpExchange exchange) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
    long total = 0;
    int reads = 0;
    int largest = 0;
    byte[] buffer = new byte[256 * 1024];
    try (InputStream in = exchange.getRequestBody()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sha.update(buffer, 0, n);
        total += n;
        reads++;
        largest = Math.max(largest, n);
      }
    }
    uploadBytes.set(total);
    uploadReads.set(reads);
    largestUploadRead.set(largest);
    text(exchange, 200, HexFormat.of().formatHex(sha.digest()) + " " + total);
  }

  private static void text(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
