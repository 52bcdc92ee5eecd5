package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.ThrowawayKdc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Negotiate plug-in through the running host, against a throw-away MIT KDC, with curl
 * {@code --negotiate} and with tokens sent by hand.
 *
 * <p>{@code java.security.krb5.conf} is per JVM and this JVM runs many test classes: the krb5.conf
 * reaches the JDK only through the plug-in's {@code krb5Config} setting, and no other test class
 * uses Kerberos.
 */
class NegotiateServingTest {
  @TempDir
  static Path root;

  static ThrowawayKdc kdc;
  static AuthHost host;
  static int port;
  static Path aliceCache;
  static Path carolCache;

  @BeforeAll
  static void start() throws Exception {
    kdc = ThrowawayKdc.start(root.resolve("kdc")); // skipped (or failed on CI) without MIT Kerberos
    kdc.addUser("alice", "alice-krb-pw");
    kdc.addUser("carol", "carol-krb-pw"); // a principal with no local account
    aliceCache = kdc.kinit("alice", "alice-krb-pw");
    carolCache = kdc.kinit("carol", "carol-krb-pw");

    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello, negotiate\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    Files.copy(PluginJar.builtinPlugin("authhost-plugin-negotiate.jar"), plugins.resolve("negotiate.jar"));
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(config.resolve("host.json"), """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "settings": { "negotiate": { "enabled": true, "properties": {
              "servicePrincipal": "%s", "keytab": "%s", "krb5Config": "%s", "allowNtlm": "false" } } }
          },
          "http": { "port": 0 },
          "security": { "lockout": { "threshold": 50, "addressThreshold": 500 } },
          "publishingPoints": [ { "name": "n", "prefix": "/n/", "directory": "../media", "plugins": ["negotiate"] } ]
        }
        """.formatted(kdc.servicePrincipal(), kdc.keytab(), kdc.krb5Conf()));
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream("pw-alice\n".getBytes(StandardCharsets.UTF_8)));
      assertEquals(0, Main.commandLine().execute("accounts", "add", "alice", "--password-stdin",
          "--config", config.toString()));
    } finally {
      System.setIn(stdin);
    }
    host = AuthHost.create(ConfigLoader.load(config));
    host.start();
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
    if (kdc != null) {
      kdc.close();
    }
  }

  /** One curl run: the final status, the body, and curl's -v trace. */
  record Run(int status, String body, String verbose) {
    List<String> sent(String prefix) {
      return verbose.lines().filter(l -> l.startsWith("> " + prefix)).map(l -> l.substring(2).strip()).toList();
    }

    List<String> received(String prefix) {
      return verbose.lines().filter(l -> l.regionMatches(true, 0, "< " + prefix, 0, prefix.length() + 2))
          .map(l -> l.substring(2).strip()).toList();
    }
  }

  static Run curl(Path cache, String... args) throws Exception {
    Path body = Files.createTempFile(root, "body", ".txt");
    List<String> command = new ArrayList<>(List.of("curl", "-q", "-s", "-S", "-v", "--max-time", "20", "-o",
        body.toString(), "-w", "%{http_code}"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(kdc.environment(cache));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(Integer.parseInt(out.strip()), Files.readString(body), err);
  }

  static String url() {
    return "http://localhost:" + port + "/n/hello.txt";
  }

  static long audited(String text) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(text)).count();
  }

  static List<String> pluginEvents() {
    return host.eventLog().query(EventQuery.all().withSource("negotiate")).stream().map(e -> e.text()).toList();
  }

  @Test
  void curlWithATicketGetsTheFileAndTheServersMutualToken() throws Exception {
    Run r = curl(aliceCache, "--negotiate", "-u", ":", url());
    assertEquals(200, r.status(), r.verbose() + "\nKDC log:\n" + kdc.log());
    assertEquals("hello, negotiate\n", r.body());
    List<String> sent = r.sent("Authorization: Negotiate ");
    assertEquals(1, sent.size(), "curl sends its token on the first request: " + r.verbose());
    assertTrue(sent.get(0).startsWith("Authorization: Negotiate YII"), "a SPNEGO NegTokenInit: " + sent);
    List<String> mutual = r.received("WWW-Authenticate: Negotiate ");
    assertEquals(1, mutual.size(), r.verbose());
    assertTrue(mutual.get(0).matches("(?i)WWW-Authenticate: Negotiate oY[A-Za-z0-9+/=]{20,}"),
        "the 200 carries the acceptor's NegTokenResp: " + mutual);
    assertTrue(audited("logon succeeded") > 0 && host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE))
        .stream().anyMatch(e -> e.text().contains("account=") && e.text().contains("alice")
            && e.text().contains("protocol=Negotiate")), "the logon is audited as alice");
  }

  @Test
  void withoutATicketCurlEndsAtABareNegotiateChallenge() throws Exception {
    Run r = curl(null, "--negotiate", "-u", ":", url());
    assertEquals(401, r.status(), r.verbose());
    assertEquals(List.of("WWW-Authenticate: Negotiate"), r.received("WWW-Authenticate:"), r.verbose());
  }

  @Test
  void aReplayedAuthorizationIsRefusedAndAudited() throws Exception {
    Run r = curl(aliceCache, "--negotiate", "-u", ":", url());
    assertEquals(200, r.status(), r.verbose());
    String authorization = r.sent("Authorization: Negotiate ").get(0).substring("Authorization: ".length());
    long failedBefore = audited("logon failed");
    Response replay = get(authorization);
    assertEquals(401, replay.status(), "the same AP-REQ a second time");
    assertEquals(List.of("Negotiate"), replay.challenges());
    assertEquals(failedBefore + 1, audited("logon failed"), "a replay is audited as a failed logon");
    assertTrue(pluginEvents().stream().anyMatch(t -> t.contains("replay")), pluginEvents().toString());
  }

  @Test
  void aPrincipalWithoutALocalAccountIsRefused() throws Exception {
    Run r = curl(carolCache, "--negotiate", "-u", ":", url());
    assertEquals(401, r.status(), r.verbose());
    assertTrue(pluginEvents().stream().anyMatch(t -> t.contains("carol@" + ThrowawayKdc.REALM)
        && t.contains("not a local account")), pluginEvents().toString());
  }

  @Test
  void garbageUnderNegotiateIsRefusedNotAFault() throws Exception {
    for (String value : List.of("Negotiate !!!", "Negotiate YIIBAA==", "Negotiate oQcwBaADCgEA")) {
      Response r = get(value);
      assertEquals(401, r.status(), value);
    }
    Response ok = get(null);
    assertEquals(401, ok.status());
    assertEquals(List.of("Negotiate"), ok.challenges(), "still in service");
  }

  private static Response get(String authorization) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /n/hello.txt HTTP/1.1\r\nHost: localhost\r\n"
          + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      return read(in);
    }
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
