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
import java.util.Arrays;
import java.util.Base64;
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
              "servicePrincipal": "%s", "keytab": "%s", "krb5Config": "%s" } } }
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
    // The plug-in set it for this JVM; the file goes with the temporary folder, so leave the next
    // test class the JDK's default rather than a path that no longer exists.
    System.clearProperty("java.security.krb5.conf");
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
  void concurrentClientsShareTheOneAcceptorCredential() throws Exception {
    curl(aliceCache, "--negotiate", "-u", ":", url()); // puts the service ticket into the cache first
    List<java.util.concurrent.Future<Run>> runs = new ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
    try {
      for (int i = 0; i < 12; i++) {
        runs.add(pool.submit(() -> curl(aliceCache, "--negotiate", "-u", ":", url())));
      }
      for (java.util.concurrent.Future<Run> run : runs) {
        Run r = run.get(60, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.verbose());
      }
    } finally {
      pool.shutdownNow();
    }
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

  @Test
  void aRawNtlmNegotiateUnderNegotiateGetsARawChallenge() throws Exception {
    // What Windows sends under Negotiate without a ticket (curl --ntlm cannot: it says "NTLM").
    Response r = get("Negotiate " + Base64.getEncoder().encodeToString(ntlmNegotiate()));
    assertEquals(401, r.status());
    assertEquals(1, r.challenges().size(), r.challenges().toString());
    assertTrue(r.challenges().get(0).matches("Negotiate TlRMTVNTUAAC[A-Za-z0-9+/=]+"), r.challenges().toString());
  }

  @Test
  void aFullRawNtlmHandshakeUnderNegotiateOnOneConnection() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(request("Negotiate " + Base64.getEncoder().encodeToString(ntlmNegotiate())));
      Response challenge = read(in);
      assertEquals(401, challenge.status());
      byte[] type2 = Base64.getDecoder().decode(challenge.challenges().get(0).substring("Negotiate ".length()));
      byte[] type3 = ntlmAuthenticate(type2, "alice", "pw-alice");
      socket.getOutputStream().write(request("Negotiate " + Base64.getEncoder().encodeToString(type3)));
      Response done = read(in);
      assertEquals(200, done.status(), pluginEvents().toString());
      assertEquals(List.of(), done.challenges(), "raw NTLM has no final token");
    }
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(request("Negotiate " + Base64.getEncoder().encodeToString(ntlmNegotiate())));
      byte[] type2 = Base64.getDecoder().decode(read(in).challenges().get(0).substring("Negotiate ".length()));
      socket.getOutputStream().write(request("Negotiate "
          + Base64.getEncoder().encodeToString(ntlmAuthenticate(type2, "alice", "wrong"))));
      assertEquals(401, read(in).status(), "the wrong password");
    }
  }

  /** curl's NTLM NEGOTIATE flags plus UNICODE: 32 bytes, no domain, workstation or version. */
  private static byte[] ntlmNegotiate() {
    byte[] m = new byte[32];
    System.arraycopy("NTLMSSP\0".getBytes(StandardCharsets.ISO_8859_1), 0, m, 0, 8);
    m[8] = 1;
    put32(m, 12, 0x00088207);
    return m;
  }

  /** A minimal NTLMv2 AUTHENTICATE (MS-NLMP §3.3.2) for a CHALLENGE, without MIC or key exchange. */
  private static byte[] ntlmAuthenticate(byte[] challenge, String user, String password) throws Exception {
    int flags = (int) u32(challenge, 20);
    byte[] serverChallenge = Arrays.copyOfRange(challenge, 24, 32);
    int infoLength = (challenge[40] & 0xFF) | (challenge[41] & 0xFF) << 8;
    byte[] targetInfo = Arrays.copyOfRange(challenge, (int) u32(challenge, 44), (int) u32(challenge, 44) + infoLength);
    byte[] time = new byte[8];
    for (int at = 0; at + 4 <= targetInfo.length;) {
      int id = (targetInfo[at] & 0xFF) | (targetInfo[at + 1] & 0xFF) << 8;
      int len = (targetInfo[at + 2] & 0xFF) | (targetInfo[at + 3] & 0xFF) << 8;
      if (id == 7) {
        time = Arrays.copyOfRange(targetInfo, at + 4, at + 12);
      }
      at += 4 + len;
    }
    byte[] utf16 = password.getBytes(StandardCharsets.UTF_16LE);
    org.bouncycastle.crypto.digests.MD4Digest md4 = new org.bouncycastle.crypto.digests.MD4Digest();
    md4.update(utf16, 0, utf16.length);
    byte[] ntHash = new byte[16];
    md4.doFinal(ntHash, 0);
    byte[] responseKey = hmacMd5(ntHash, user.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_16LE));
    java.io.ByteArrayOutputStream temp = new java.io.ByteArrayOutputStream();
    temp.writeBytes(new byte[] {1, 1, 0, 0, 0, 0, 0, 0});
    temp.writeBytes(time);
    temp.writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    temp.writeBytes(new byte[4]);
    temp.writeBytes(targetInfo);
    temp.writeBytes(new byte[4]);
    byte[] blob = temp.toByteArray();
    byte[] proof = hmacMd5(responseKey, serverChallenge, blob);
    byte[] nt = new byte[16 + blob.length];
    System.arraycopy(proof, 0, nt, 0, 16);
    System.arraycopy(blob, 0, nt, 16, blob.length);
    byte[] lm = new byte[24];
    byte[] name = user.getBytes(StandardCharsets.UTF_16LE);
    byte[] workstation = "WS".getBytes(StandardCharsets.UTF_16LE);
    byte[] m = new byte[64 + name.length + workstation.length + lm.length + nt.length];
    System.arraycopy("NTLMSSP\0".getBytes(StandardCharsets.ISO_8859_1), 0, m, 0, 8);
    m[8] = 3;
    int at = 64;
    at = field(m, 28, new byte[0], at);
    at = field(m, 36, name, at);
    at = field(m, 44, workstation, at);
    at = field(m, 12, lm, at);
    at = field(m, 20, nt, at);
    field(m, 52, new byte[0], at);
    put32(m, 60, flags);
    return m;
  }

  private static int field(byte[] m, int offset, byte[] value, int at) {
    m[offset] = (byte) value.length;
    m[offset + 1] = (byte) (value.length >>> 8);
    m[offset + 2] = m[offset];
    m[offset + 3] = m[offset + 1];
    put32(m, offset + 4, at);
    System.arraycopy(value, 0, m, at, value.length);
    return at + value.length;
  }

  private static byte[] hmacMd5(byte[] key, byte[]... parts) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacMD5");
    mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacMD5"));
    for (byte[] p : parts) {
      mac.update(p);
    }
    return mac.doFinal();
  }

  private static void put32(byte[] b, int at, int v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  private static long u32(byte[] b, int at) {
    return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
  }

  private static byte[] request(String authorization) {
    return ("GET /n/hello.txt HTTP/1.1\r\nHost: localhost\r\n"
        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Response get(String authorization) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request(authorization));
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
