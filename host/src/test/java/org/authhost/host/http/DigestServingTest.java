package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Digest plug-in through the running host, with curl and with a client written here. The host
 * and the plug-in (through ServerContext.clock) run on {@link #clock}: nonces expire when the test
 * moves it.
 */
class DigestServingTest {
  /** The configured nonceLifetimeSeconds. */
  private static final Duration NONCE_LIFETIME = Duration.ofSeconds(3);

  @TempDir static Path root;

  static final MutableClock clock = new MutableClock();

  static AuthHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-digest.jar",
            "hello, digest\n",
            """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "settings": { "digest": { "enabled": true, "properties": {
              "realm": "AuthHost", "algorithms": "SHA-256,MD5", "nonceLifetimeSeconds": "3" } } }
          },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "accounts": { "digestRealms": ["AuthHost"] },
          "security": { "lockout": { "threshold": 50, "addressThreshold": 500 } },
          "publishingPoints": [ { "name": "d", "prefix": "/d/", "directory": "../media", "plugins": ["digest"] } ]
        }
        """,
            FakeTime.of(clock));
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  record Run(List<Integer> statuses, String verbose) {}

  static Run curl(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-s",
                "-S",
                "-v",
                "--max-time",
                "20",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}\\n"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    List<Integer> statuses =
        out.lines().map(String::strip).filter(l -> !l.isEmpty()).map(Integer::parseInt).toList();
    return new Run(statuses, err);
  }

  static String url() {
    return "http://127.0.0.1:" + port + "/d/hello.txt";
  }

  @Test
  void curlDigestSucceedsAndIsAudited() throws Exception {
    Run r = curl("--digest", "-u", "alice:pw-alice", url());
    assertEquals(List.of(200), r.statuses(), r.verbose());
    assertTrue(r.verbose().contains("WWW-Authenticate: Digest"), r.verbose());
    // SHA-256 is offered first, with userhash=true: curl answers with the hash, not the name.
    String authorization =
        r.verbose()
            .lines()
            .filter(l -> l.startsWith("> Authorization: Digest"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        r.verbose()
            .lines()
            .anyMatch(l -> l.startsWith("< Authentication-Info:") && l.contains("rspauth=")),
        "the 200 proves the server knew the password too: " + r.verbose());
    assertTrue(
        authorization.contains("algorithm=SHA-256")
            && authorization.contains("userhash=true")
            && !authorization.contains("\"alice\""),
        authorization);
    assertTrue(
        host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
            .anyMatch(
                e -> e.text().contains("logon succeeded") && e.text().contains("protocol=Digest")));
  }

  @Test
  void theWrongPasswordIsRefused() throws Exception {
    assertEquals(List.of(401), curl("--digest", "-u", "alice:wrong", url()).statuses());
  }

  @Test
  void bothOfferedAlgorithmsWorkWithOneNonceAndIncreasingNcOnOneConnection() throws Exception {
    for (String algorithm : List.of("SHA-256", "MD5")) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        out.write(get(null));
        Response challenge = read(in);
        assertEquals(401, challenge.status());
        LoadTool.DigestClient client =
            LoadTool.DigestClient.from(challenge.challenges(), "alice:pw-alice", algorithm);
        assertNotNull(client, challenge.challenges().toString());
        assertEquals(algorithm, client.algorithm());
        for (int i = 0; i < 5; i++) {
          out.write(get(client.next("/d/hello.txt")));
          assertEquals(200, read(in).status(), algorithm + " request " + (i + 1));
        }
      }
    }
  }

  @Test
  void theSchemeIsMatchedInAnyCase() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      out.write(get(null));
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(read(in).challenges(), "alice:pw-alice");
      for (String scheme : List.of("Digest", "digest", "DIGEST")) {
        String authorization = client.next("/d/hello.txt");
        assertTrue(authorization.startsWith("Digest "), authorization);
        out.write(get(scheme + authorization.substring("Digest".length())));
        assertEquals(200, read(in).status(), scheme);
      }
    }
  }

  @Test
  void aReplayedAuthorizationIsRefused() throws Exception {
    String authorization;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      out.write(get(null));
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(read(in).challenges(), "alice:pw-alice");
      authorization = client.next("/d/hello.txt");
      out.write(get(authorization));
      assertEquals(200, read(in).status());
    }
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      long failuresBefore = audited("logon failed");
      long refusalsBefore = audited("refused credentials of account \"alice\" as not a guess");
      socket.getOutputStream().write(get(authorization));
      Response replay = read(in);
      assertEquals(401, replay.status(), "the same nonce and nc again");
      assertTrue(
          replay.challenges().stream().noneMatch(c -> c.contains("stale=true")),
          replay.challenges().toString());
      // A replay proves nothing about alice: a refusal in the audit, not a failed logon of hers,
      // so a captured header cannot be used to lock her out.
      assertEquals(failuresBefore, audited("logon failed"), "a replay is not a failed logon");
      assertEquals(
          refusalsBefore + 1, audited("refused credentials of account \"alice\" as not a guess"));
    }
  }

  @Test
  void aDisableAndEnableKeepsTheNoncesAndTheirCountsInTheHostsStateService() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      out.write(get(null));
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(read(in).challenges(), "alice:pw-alice");
      String first = client.next("/d/hello.txt");
      out.write(get(first));
      assertEquals(200, read(in).status());

      // A new life of the plug-in (as a replaced version starts): its objects are new, its state
      // is the host's.
      host.plugins().disable("digest");
      host.plugins().enable("digest");

      out.write(get(client.next("/d/hello.txt")));
      assertEquals(200, read(in).status(), "the nonce of before is still good: no stale 401");
      out.write(get(first));
      Response replay = read(in);
      assertEquals(401, replay.status(), "and its used count is still refused");
      assertTrue(
          replay.challenges().stream().noneMatch(c -> c.contains("stale=true")),
          "refused as a replay, not as stale: " + replay.challenges());
    }
  }

  private static long audited(String text) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(text))
        .count();
  }

  @Test
  void anExpiredNonceIsStaleAndCurlRecoversOnItsOwn() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      out.write(get(null));
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(read(in).challenges(), "alice:pw-alice");
      clock.advance(NONCE_LIFETIME);
      out.write(get(client.next("/d/hello.txt")));
      assertEquals(200, read(in).status(), "a nonce as old as its lifetime is still fresh");
      clock.advance(Duration.ofMillis(1));
      out.write(get(client.next("/d/hello.txt")));
      Response stale = read(in);
      assertEquals(401, stale.status());
      assertTrue(
          stale.challenges().stream().anyMatch(c -> c.contains("stale=true")),
          stale.challenges().toString());
    }
    // curl answers a challenge at once, so a relay holds its first Digest answer back until the
    // nonce has expired: the host says stale=true, and curl must retry with the new nonce itself.
    try (DelayingRelay relay = new DelayingRelay(port, "Authorization: Digest")) {
      CompletableFuture<Run> run =
          CompletableFuture.supplyAsync(
              () ->
                  curlOrFail(
                      "--digest",
                      "-u",
                      "alice:pw-alice",
                      "http://127.0.0.1:" + relay.port() + "/d/hello.txt"));
      assertTrue(relay.held.await(20, TimeUnit.SECONDS), "curl answered the challenge");
      clock.advance(NONCE_LIFETIME.plusMillis(1));
      relay.release.countDown();
      Run r = run.get(30, TimeUnit.SECONDS);
      assertEquals(List.of(200), r.statuses(), r.verbose());
      assertTrue(
          r.verbose().contains("stale=true"), "curl went through a stale nonce: " + r.verbose());
    }
  }

  private static Run curlOrFail(String... args) {
    try {
      return curl(args);
    } catch (Exception e) {
      throw new IllegalStateException("curl could not be run", e);
    }
  }

  /**
   * A loopback TCP relay that holds back, once, the first client data containing {@code marker}: it
   * counts {@link #held} down and passes the data on when {@link #release} is counted down.
   */
  static final class DelayingRelay implements AutoCloseable {
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    private final AtomicBoolean delayed = new AtomicBoolean();

    DelayingRelay(int target, String marker) throws Exception {
      Thread accept =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket client = server.accept();
                    Socket upstream = new Socket("127.0.0.1", target);
                    pump(client.getInputStream(), upstream.getOutputStream(), marker);
                    pump(upstream.getInputStream(), client.getOutputStream(), null);
                  } catch (IOException closed) {
                    return;
                  }
                }
              },
              "relay-accept");
      accept.setDaemon(true);
      accept.start();
    }

    private void pump(InputStream in, OutputStream out, String marker) {
      Thread t =
          new Thread(
              () -> {
                byte[] buffer = new byte[16384];
                try (in;
                    out) {
                  int n;
                  while ((n = in.read(buffer)) > 0) {
                    if (marker != null
                        && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(marker)
                        && delayed.compareAndSet(false, true)) {
                      held.countDown();
                      release.await();
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                } catch (Exception ended) {
                  // Either side closed.
                }
              },
              "relay-pump");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      release.countDown();
      server.close();
    }
  }

  @Test
  void curlDigestWithMd5WhenTheOperatorOffersMd5() throws Exception {
    Path other = root.resolve("md5");
    Files.createDirectories(other.resolve("plugins"));
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-digest.jar"), other.resolve("plugins/digest.jar"));
    Path config = Files.createDirectories(other.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "settings": { "digest": { "enabled": true, "properties": {
            "realm": "AuthHost", "algorithms": "MD5", "userhash": "false" } } } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "publishingPoints": [ { "name": "d", "prefix": "/d/", "directory": "%s", "plugins": ["digest"] } ]
        }
        """
            .formatted(root.resolve("media")));
    TestHosts.addAccount(config, "bob", "pw-bob");
    AuthHost md5 = AuthHost.create(ConfigLoader.load(config));
    md5.start();
    try {
      Run r =
          curl(
              "--digest",
              "-u",
              "bob:pw-bob",
              "http://127.0.0.1:" + md5.http().plainPort() + "/d/hello.txt");
      assertEquals(List.of(200), r.statuses(), r.verbose());
      String authorization =
          r.verbose()
              .lines()
              .filter(l -> l.startsWith("> Authorization: Digest"))
              .findFirst()
              .orElseThrow();
      assertTrue(
          authorization.contains("algorithm=MD5") && authorization.contains("username=\"bob\""),
          authorization);
      assertEquals(
          List.of(401),
          curl(
                  "--digest",
                  "-u",
                  "bob:nope",
                  "http://127.0.0.1:" + md5.http().plainPort() + "/d/hello.txt")
              .statuses());
    } finally {
      md5.stop();
    }
  }

  private static byte[] get(String authorization) {
    return ("GET /d/hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
            + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  record Response(int status, List<String> challenges) {}

  private static Response read(BufferedReader in) throws Exception {
    int status = Integer.parseInt(in.readLine().split(" ")[1]);
    List<String> challenges = new ArrayList<>();
    int length = 0;
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      if (line.regionMatches(true, 0, "www-authenticate:", 0, 17)) {
        challenges.add(line.substring(17).strip());
      }
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    for (int i = 0; i < length; i++) {
      in.read();
    }
    return new Response(status, challenges);
  }
}
