package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.bench.NtlmClient;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.plugins.PluginView;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection-bound handshake (as NTLM's and Negotiate's) across a plug-in replacement, over real
 * sockets: the handshake begun on the old version completes on it and the connection stays its
 * logon, while new connections get the new version; the connection is closed when the old version's
 * drain time runs out.
 */
class PluginReloadServingTest {
  @TempDir Path root;

  private final MutableClock clock = new MutableClock();
  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  private Path install(String version) throws Exception {
    Path built =
        PluginJar.of("versioned", "org.authhost.testplugins.versioned.VersionedPlugin")
            .with("version", version)
            .writeTo(root.resolve("build-" + version), "versioned.jar");
    return Files.move(
        built,
        root.resolve("plugins/versioned.jar"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The built-in NTLM JAR with its descriptor's version made one part newer, renamed over the
   * original in the plug-in folder.
   */
  private Path newerNtlm(Path plugins) throws Exception {
    Path temp = plugins.resolve(".ntlm.jar.tmp");
    try (ZipInputStream in =
            new ZipInputStream(
                Files.newInputStream(PluginJar.builtinPlugin("authhost-plugin-ntlm.jar")));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(temp))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] bytes = in.readAllBytes();
        if (e.getName().equals("META-INF/authhost-plugin.properties")) {
          bytes =
              new String(bytes, StandardCharsets.UTF_8)
                  .replaceFirst("(?m)^version=(.*)$", "version=$1.1")
                  .getBytes(StandardCharsets.UTF_8);
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(bytes);
        out.closeEntry();
      }
    }
    return Files.move(
        temp,
        plugins.resolve("authhost-plugin-ntlm.jar"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void anNtlmHandshakeBegunBeforeAReplacementCompletesOnTheOldVersion() throws Exception {
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-ntlm.jar",
            "hello, ntlm\n",
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": {
                "directory": "../plugins",
                "rescanSeconds": 0,
                "settings": { "ntlm": { "properties": { "netbiosDomain": "AUTHTEST" } } }
              },
              "http": { "port": 0, "idleTimeoutMillis": 86400000 },
              "publishingPoints": [
                { "name": "n", "prefix": "/n/", "directory": "../media", "plugins": ["ntlm"] }
              ]
            }
            """,
            FakeTime.of(clock));
    int port = host.http().plainPort();
    String before = host.plugins().plugin("ntlm").orElseThrow().version();
    NtlmClient alice = new NtlmClient("alice", "", "pw-alice");
    byte[] negotiate = NtlmClient.negotiate(true);
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      Response first = c.get("/n/hello.txt", ntlm(negotiate));
      assertEquals(401, first.status());
      byte[] challenge = Base64.getDecoder().decode(first.challengeData("NTLM"));

      newerNtlm(root.resolve("plugins"));
      host.plugins().reloads().reload(null);
      assertEquals(before + ".1", host.plugins().plugin("ntlm").orElseThrow().version());
      assertTrue(
          host.plugins().plugins().stream()
              .anyMatch(v -> v.version().equals(before) && v.state().equals(PluginView.DRAINING)));

      // The CHALLENGE came from the old version's context: only it can check the answer.
      Response done =
          c.get(
              "/n/hello.txt",
              ntlm(alice.authenticate(negotiate, challenge, NtlmClient.Response.NTLMV2_WITH_MIC)));
      assertEquals(200, done.status(), done.headers().toString());
      assertEquals("hello, ntlm\n", done.bodyText());
    }
    // A handshake begun now runs on the new version from start to end.
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      Response first = c.get("/n/hello.txt", ntlm(negotiate));
      byte[] challenge = Base64.getDecoder().decode(first.challengeData("NTLM"));
      Response done =
          c.get(
              "/n/hello.txt",
              ntlm(alice.authenticate(negotiate, challenge, NtlmClient.Response.NTLMV2_WITH_MIC)));
      assertEquals(200, done.status(), done.headers().toString());
    }
  }

  private static String ntlm(byte[] message) {
    return "NTLM " + Base64.getEncoder().encodeToString(message);
  }

  @Test
  void aHandshakeBegunOnTheOldVersionCompletesOnItAndItsConnectionIsClosedAtTheDrainTimeOut()
      throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Files.createDirectories(root.resolve("plugins"));
    install("1.0.0");
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "rescanSeconds": 0,
            "drainSeconds": 30,
            "settings": { "versioned": { "properties": { "connectionBound": "true" } } }
          },
          "http": { "port": 0, "idleTimeoutMillis": 86400000 },
          "publishingPoints": [
            { "name": "v", "prefix": "/v/", "directory": "../media", "plugins": ["versioned"] }
          ]
        }
        """);
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    int port = host.http().plainPort();

    try (RawHttpConnection old = new RawHttpConnection("127.0.0.1", port)) {
      Response first = old.get("/v/hello.txt", "Versioned hello");
      assertEquals(401, first.status());
      assertTrue(
          first.headers().contains("WWW-Authenticate: Versioned round-2 v=1.0.0"),
          first.headers().toString());

      install("2.0.0");
      host.plugins().reloads().reload(null);

      try (RawHttpConnection fresh = new RawHttpConnection("127.0.0.1", port)) {
        Response challenge = fresh.get("/v/hello.txt", null);
        assertEquals(401, challenge.status());
        assertTrue(
            challenge.headers().contains("WWW-Authenticate: Versioned v=2.0.0"),
            "a new connection gets the new version: " + challenge.headers());
      }

      Response second = old.get("/v/hello.txt", "Versioned proof");
      assertEquals(200, second.status(), "the handshake completes on the version it began on");
      assertTrue(
          second.headers().contains("WWW-Authenticate: Versioned served-by=1.0.0"),
          second.headers().toString());
      assertEquals(200, old.get("/v/hello.txt", null).status(), "and stays that logon");
      assertTrue(
          host.plugins().plugins().stream()
              .anyMatch(
                  v ->
                      v.id().equals("versioned")
                          && v.version().equals("1.0.0")
                          && v.state().equals(PluginView.DRAINING)),
          "the old version drains while a connection is bound to it");

      clock.advance(Duration.ofSeconds(30));
      assertTrue(old.closedByServer(), "closed when the drain time ran out");
    }
    assertTrue(
        host.eventLog().query(EventQuery.all().withLevel(EventLevel.WARNING)).stream()
            .anyMatch(
                e ->
                    e.source().equals(HostEvents.aboutPlugin("versioned"))
                        && e.text().contains("drain time")),
        "with an event");
  }
}
