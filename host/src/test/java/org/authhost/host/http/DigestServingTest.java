package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
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
import org.authhost.host.testing.RawHttpConnection;
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

  /** The file every request here asks for. */
  private static final String PATH = "/d/hello.txt";

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
    return "http://127.0.0.1:" + port + PATH;
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

  /**
   * A connection whose first request the host challenged, and alice's client for that challenge
   * (with {@code algorithm}).
   */
  record Challenged(RawHttpConnection connection, LoadTool.DigestClient client)
      implements AutoCloseable {
    /** The status of a request with this Authorization value (none when null). */
    int status(String authorization) throws IOException {
      return answer(authorization).status();
    }

    RawHttpConnection.Response answer(String authorization) throws IOException {
      return connection.get(PATH, authorization);
    }

    /** The Authorization value of the client's next request. */
    String next() {
      return client.next(PATH);
    }

    @Override
    public void close() throws IOException {
      connection.close();
    }
  }

  static Challenged challenged(String algorithm) throws IOException {
    RawHttpConnection connection = new RawHttpConnection("127.0.0.1", port);
    try {
      RawHttpConnection.Response challenge = connection.get(PATH, null);
      assertEquals(401, challenge.status());
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(challenges(challenge), "alice:pw-alice", algorithm);
      assertNotNull(client, challenges(challenge).toString());
      return new Challenged(connection, client);
    } catch (Throwable e) {
      connection.close();
      throw e;
    }
  }

  static List<String> challenges(RawHttpConnection.Response response) {
    return response.values("WWW-Authenticate");
  }

  @Test
  void bothOfferedAlgorithmsWorkWithOneNonceAndIncreasingNcOnOneConnection() throws Exception {
    for (String algorithm : List.of("SHA-256", "MD5")) {
      try (Challenged c = challenged(algorithm)) {
        assertEquals(algorithm, c.client().algorithm());
        for (int i = 0; i < 5; i++) {
          assertEquals(200, c.status(c.next()), algorithm + " request " + (i + 1));
        }
      }
    }
  }

  @Test
  void theSchemeIsMatchedInAnyCase() throws Exception {
    try (Challenged c = challenged("SHA-256")) {
      for (String scheme : List.of("Digest", "digest", "DIGEST")) {
        String authorization = c.next();
        assertTrue(authorization.startsWith("Digest "), authorization);
        assertEquals(200, c.status(scheme + authorization.substring("Digest".length())), scheme);
      }
    }
  }

  @Test
  void aReplayedAuthorizationIsRefused() throws Exception {
    String authorization;
    try (Challenged c = challenged("SHA-256")) {
      authorization = c.next();
      assertEquals(200, c.status(authorization));
    }
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      long failuresBefore = audited("logon failed");
      long refusalsBefore = audited("refused credentials of account \"alice\" as not a guess");
      RawHttpConnection.Response replay = c.get(PATH, authorization);
      assertEquals(401, replay.status(), "the same nonce and nc again");
      assertTrue(
          challenges(replay).stream().noneMatch(h -> h.contains("stale=true")),
          challenges(replay).toString());
      // A replay proves nothing about alice: a refusal in the audit, not a failed logon of hers,
      // so a captured header cannot be used to lock her out.
      assertEquals(failuresBefore, audited("logon failed"), "a replay is not a failed logon");
      assertEquals(
          refusalsBefore + 1, audited("refused credentials of account \"alice\" as not a guess"));
    }
  }

  @Test
  void aDisableAndEnableKeepsTheNoncesAndTheirCountsInTheHostsStateService() throws Exception {
    try (Challenged c = challenged("SHA-256")) {
      String first = c.next();
      assertEquals(200, c.status(first));

      // A new life of the plug-in (as a replaced version starts): its objects are new, its state
      // is the host's.
      host.plugins().disable("digest");
      host.plugins().enable("digest");

      assertEquals(200, c.status(c.next()), "the nonce of before is still good: no stale 401");
      RawHttpConnection.Response replay = c.answer(first);
      assertEquals(401, replay.status(), "and its used count is still refused");
      assertTrue(
          challenges(replay).stream().noneMatch(h -> h.contains("stale=true")),
          "refused as a replay, not as stale: " + challenges(replay));
    }
  }

  private static long audited(String text) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(text))
        .count();
  }

  @Test
  void anExpiredNonceIsStaleAndCurlRecoversOnItsOwn() throws Exception {
    try (Challenged c = challenged("SHA-256")) {
      clock.advance(NONCE_LIFETIME);
      assertEquals(200, c.status(c.next()), "a nonce as old as its lifetime is still fresh");
      clock.advance(Duration.ofMillis(1));
      RawHttpConnection.Response stale = c.answer(c.next());
      assertEquals(401, stale.status());
      assertTrue(
          challenges(stale).stream().anyMatch(h -> h.contains("stale=true")),
          challenges(stale).toString());
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
}
