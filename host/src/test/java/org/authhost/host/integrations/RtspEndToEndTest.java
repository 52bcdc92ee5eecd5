package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.ChallengeTap;
import org.authhost.host.testing.RtspOrigin;
import org.authhost.host.testing.SignedLinks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real RTSP clients (ffmpeg, ffprobe, GStreamer's rtspsrc) through a real host's RTSP front to a
 * real origin (GStreamer's RTSP server): Digest with the distribution's plug-in, the wrong password
 * refused, ffmpeg's fall-back to TCP after 461, publishing with RECORD, and an origin that demands
 * credentials of its own. Each client speaks Digest as it ships, against the Digest plug-in's
 * defaults (SHA-256,MD5; to RTSP clients MD5 goes last; no "legacy" switch), and pays at most one
 * challenge per connection ({@link ChallengeTap}). VLC is not among them: Debian's VLC is built
 * with {@code --disable-live555}, so its only RTSP access modules are SAT>IP and RealRTSP, and it
 * cannot play a standard RTSP stream from any server here, direct or through AuthHost.
 */
class RtspEndToEndTest {
  static final Duration BOUND = Duration.ofSeconds(60);
  static final Pattern FRAMES = Pattern.compile("frame=\\s*(\\d+)");
  @TempDir static Path root;

  static RtspOrigin origin;
  static RtspOrigin lockedOrigin;

  /** Between the host and {@link #origin} for the signed point: what the origin was sent. */
  static ChallengeTap originTap;

  static final String KEY = "k1-0123456789abcdef0123456789abcdef";
  static StreamingHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    origin = RtspHost.origin(root);
    lockedOrigin = RtspOrigin.start(root.resolve("locked-origin"), "relay", "origin-pw");
    originTap = ChallengeTap.to(origin.port());
    Files.writeString(root.resolve("keys"), "k1=" + KEY + "\n");
    host =
        RtspHost.start(
            root,
            """
            "digest": { "enabled": true, "properties": { "realm": "AuthHost" } },
            "signed-url": { "capabilities": ["token-without-credential"],
              "properties": { "account": "carol", "keysFile": "%s" } }
            """
                .formatted(root.resolve("keys")),
            "\"accounts\": { \"digestRealms\": [\"AuthHost\"] }, " + RtspHost.LENIENT_LOCKOUT,
            """
            { "name": "cam", "prefix": "/cam/", "origin": "rtsp://127.0.0.1:%d/",
              "plugins": ["digest"] },
            { "name": "pub", "prefix": "/pub/", "origin": "rtsp://127.0.0.1:%1$d/",
              "plugins": ["digest"],
              "acl": [ { "principal": "alice", "rights": ["read", "write"] } ] },
            { "name": "locked", "prefix": "/locked/",
              "origin": "rtsp://relay:origin-pw@127.0.0.1:%d/", "plugins": ["digest"] },
            { "name": "signed", "prefix": "/signed/", "origin": "rtsp://127.0.0.1:%d/",
              "plugins": ["signed-url"] }
            """
                .formatted(origin.port(), lockedOrigin.port(), originTap.port()),
            List.of("authhost-plugin-digest.jar", "authhost-plugin-signed-url.jar"),
            List.of("alice", "bob", "carol"));
    port = RtspHost.rtspPort(host);
  }

  @AfterAll
  static void stop() throws Exception {
    RtspHost.stop(host, originTap, origin, lockedOrigin);
  }

  static String url(String user, String password, String path) {
    return url(port, user, password, path);
  }

  static String url(int port, String user, String password, String path) {
    return "rtsp://" + user + ":" + password + "@127.0.0.1:" + port + path;
  }

  /**
   * A client that sends {@code Authorization} on every request pays one challenge per connection
   * (the first request's), never a {@code stale} round trip per request: at most one 401 on each
   * connection, and the tap did see the one challenge (else it would count nothing at all).
   */
  static void assertOneChallengePerConnection(ChallengeTap tap, String output) {
    List<Integer> challenges = tap.challengesPerConnection();
    assertFalse(challenges.isEmpty(), "no connection went through the tap: " + output);
    assertTrue(
        challenges.stream().allMatch(n -> n <= 1),
        "401 answers per connection: " + challenges + "\n" + output);
    assertTrue(challenges.stream().anyMatch(n -> n == 1), challenges + "\n" + output);
  }

  static BoundedProcess.Exit ffmpegPlay(String url, String... transport) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "info"));
    command.addAll(List.of(transport));
    command.addAll(List.of("-i", url, "-frames:v", "25", "-f", "null", "-"));
    return BoundedProcess.run(root, BOUND, command);
  }

  static int frames(String output) {
    Matcher m = FRAMES.matcher(output);
    int last = -1;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    return last;
  }

  @Test
  void ffmpegPlaysWithDigestAndDecodesFrames() throws Exception {
    try (ChallengeTap tap = ChallengeTap.to(port)) {
      BoundedProcess.Exit run =
          ffmpegPlay(url(tap.port(), "alice", "pw-alice", "/cam/test"), "-rtsp_transport", "tcp");
      assertEquals(0, run.status(), run.output());
      assertTrue(frames(run.output()) >= 25, run.output());
      assertOneChallengePerConnection(tap, run.output());
    }
    assertFalse(host.awaitAudited(BOUND, "logon succeeded", "alice", "point=cam").isEmpty());
  }

  @Test
  void ffmpegWithTheWrongPasswordIsRefused() throws Exception {
    int before = host.audited("logon failed", "alice", "point=cam").size();
    BoundedProcess.Exit run =
        ffmpegPlay(url("alice", "wrong", "/cam/test"), "-rtsp_transport", "tcp");
    assertNotEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("401"), run.output());
    assertTrue(frames(run.output()) <= 0, run.output());
    assertTrue(
        host.awaitMoreAudited(before, BOUND, "logon failed", "alice", "point=cam").size() > before);
  }

  @Test
  void ffprobeFindsTheStreamWithDigest() throws Exception {
    try (ChallengeTap tap = ChallengeTap.to(port)) {
      BoundedProcess.Exit run =
          BoundedProcess.run(
              root,
              BOUND,
              List.of(
                  "ffprobe",
                  "-v",
                  "error",
                  "-rtsp_transport",
                  "tcp",
                  "-show_entries",
                  "stream=codec_name",
                  url(tap.port(), "alice", "pw-alice", "/cam/test")));
      assertEquals(0, run.status(), run.output());
      assertTrue(run.output().contains("codec_name=h264"), run.output());
      assertOneChallengePerConnection(tap, run.output());
    }
  }

  @Test
  void ffprobeWithTheWrongPasswordIsRefused() throws Exception {
    BoundedProcess.Exit run =
        BoundedProcess.run(
            root,
            BOUND,
            List.of(
                "ffprobe",
                "-v",
                "error",
                "-rtsp_transport",
                "tcp",
                url("bob", "wrong", "/cam/test")));
    assertNotEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("401"), run.output());
    assertFalse(host.awaitAudited(BOUND, "logon failed", "bob", "point=cam").isEmpty());
  }

  @Test
  void ffmpegWithoutTcpFallsBackAfter461() throws Exception {
    BoundedProcess.Exit run = ffmpegPlay(url("alice", "pw-alice", "/cam/test"));
    assertEquals(0, run.status(), run.output());
    assertTrue(frames(run.output()) >= 25, run.output());
  }

  @Test
  void ffmpegPublishesWithRecord() throws Exception {
    BoundedProcess.Exit run =
        BoundedProcess.run(
            root,
            BOUND,
            List.of(
                "ffmpeg",
                "-nostdin",
                "-v",
                "info",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=320x240:rate=25",
                "-t",
                "2",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-tune",
                "zerolatency",
                "-f",
                "rtsp",
                "-rtsp_transport",
                "tcp",
                url("alice", "pw-alice", "/pub/publish")));
    assertEquals(0, run.status(), run.output());
    assertTrue(frames(run.output()) >= 40, run.output());
  }

  /**
   * GStreamer publishes too: rtspclientsink answers the Digest challenge (the RFC 2069 form, as
   * rtspsrc does) on every request of its ANNOUNCE, SETUP and RECORD, and sends its stream over
   * TCP.
   */
  @Test
  void gstreamerPublishesWithRecord() throws Exception {
    BoundedProcess.Exit run = gstreamerPublish("alice", "pw-alice");
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("Got EOS"), run.output());
    assertFalse(run.output().contains("ERROR"), run.output());
  }

  @Test
  void gstreamerPublishingWithTheWrongPasswordIsRefused() throws Exception {
    BoundedProcess.Exit run = gstreamerPublish("alice", "wrong");
    assertNotEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("Unauthorized"), run.output());
  }

  /** rtspclientsink sending two seconds of an H.264 test pattern to {@code /pub/publish}. */
  static BoundedProcess.Exit gstreamerPublish(String user, String password) throws Exception {
    return BoundedProcess.run(
        root,
        BOUND,
        List.of(
            "gst-launch-1.0",
            "-e",
            "videotestsrc",
            "num-buffers=50",
            "!",
            "video/x-raw,width=320,height=240,framerate=25/1",
            "!",
            "x264enc",
            "tune=zerolatency",
            "speed-preset=ultrafast",
            "!",
            "rtspclientsink",
            "location=rtsp://127.0.0.1:" + port + "/pub/publish",
            "user-id=" + user,
            "user-pw=" + password,
            "protocols=tcp"));
  }

  @Test
  void publishingNeedsTheWriteRight() throws Exception {
    BoundedProcess.Exit run =
        BoundedProcess.run(
            root,
            BOUND,
            List.of(
                "ffmpeg",
                "-nostdin",
                "-v",
                "info",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=320x240:rate=25",
                "-t",
                "1",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-f",
                "rtsp",
                "-rtsp_transport",
                "tcp",
                url("bob", "pw-bob", "/cam/publish")));
    assertNotEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("403"), run.output());
  }

  /**
   * A signed URL (the signed-url plug-in's query parameters, API 1.4 URL credentials) plays through
   * the RTSP front: ffprobe's later requests (SETUP, PLAY) are made from the origin's Content-Base,
   * without the query, and are checked with the connection's signature on their own URLs. The
   * origin is never sent an {@code ah_} parameter, and the audit never shows the signature.
   */
  @Test
  void ffprobePlaysASignedUrlAndTheOriginNeverSeesIt() throws Exception {
    String query = signed("k1", KEY, "/signed/test", Instant.now().getEpochSecond() + 600);
    BoundedProcess.Exit run =
        BoundedProcess.run(
            root,
            BOUND,
            List.of(
                "ffprobe",
                "-v",
                "error",
                "-rtsp_transport",
                "tcp",
                "-show_entries",
                "stream=codec_name",
                "rtsp://127.0.0.1:" + port + "/signed/test?keep=1&" + query));
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("codec_name=h264"), run.output());
    String sent = originTap.sent();
    assertTrue(
        sent.contains("DESCRIBE rtsp://127.0.0.1:" + originTap.port() + "/test?keep=1 "), sent);
    assertTrue(sent.contains("PLAY "), sent);
    assertFalse(sent.contains("ah_"), sent);
    assertFalse(host.awaitAudited(BOUND, "logon succeeded", "carol", "point=signed").isEmpty());
    assertTrue(host.audited("ah_sig").isEmpty(), String.valueOf(host.audited("ah_sig")));
  }

  @Test
  void aSignedUrlForAnotherPathIsRefused() throws Exception {
    String query = signed("k1", KEY, "/signed/other", Instant.now().getEpochSecond() + 600);
    BoundedProcess.Exit run =
        BoundedProcess.run(
            root,
            BOUND,
            List.of(
                "ffprobe",
                "-v",
                "error",
                "-rtsp_transport",
                "tcp",
                "rtsp://127.0.0.1:" + port + "/signed/test?" + query));
    assertNotEquals(0, run.status(), run.output());
  }

  /**
   * The query a platform appends (as the README's Java example signs it), unbound to an address.
   */
  static String signed(String key, String secret, String prefix, long expires) throws Exception {
    return SignedLinks.query(key, secret, prefix, expires, null);
  }

  /**
   * The session binding on real connections, through the relay's own binding on the origin's 200 to
   * SETUP: alice's Session used from a second connection (with alice's own credentials) is 454; on
   * her connection a PLAY without credentials is served in what her SETUP was granted, and a RECORD
   * without credentials is challenged.
   */
  @Test
  void aSessionBelongsToTheConnectionThatSetItUp() throws Exception {
    String base = "rtsp://127.0.0.1:" + port + "/cam/test";
    try (RawRtsp a = new RawRtsp(port, "alice", "pw-alice");
        RawRtsp b = new RawRtsp(port, "alice", "pw-alice")) {
      assertEquals(200, a.authenticated("DESCRIBE", base, "Accept: application/sdp").status());
      RawRtsp.Answer setup =
          a.authenticated(
              "SETUP", base + "/stream=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1");
      assertEquals(200, setup.status(), setup.head());
      String session = setup.header("session").split(";")[0].strip();

      RawRtsp.Answer stolen = b.authenticated("PLAY", base + "/", "Session: " + session);
      assertEquals(454, stolen.status(), stolen.head());

      RawRtsp.Answer play = a.send("PLAY", base + "/", null, "Session: " + session);
      assertEquals(200, play.status(), play.head());
      RawRtsp.Answer record = a.send("RECORD", base + "/", null, "Session: " + session);
      assertEquals(401, record.status(), record.head());
    }
  }

  /** A raw RTSP connection that answers Digest challenges in the RFC 2069 form. */
  static final class RawRtsp implements AutoCloseable {
    record Answer(int status, String head) {
      String header(String lowerName) {
        for (String line : head.split("\r\n")) {
          int colon = line.indexOf(':');
          if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(lowerName)) {
            return line.substring(colon + 1).strip();
          }
        }
        return null;
      }
    }

    private final java.net.Socket socket;
    private final java.io.DataInputStream in;
    private final String user;
    private String password;
    private String nonce;
    private int cseq;
    private long frames;

    RawRtsp(int port, String user, String password) throws Exception {
      socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(30_000);
      in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
      this.user = user;
      this.password = password;
    }

    /** Sends with credentials, answering one challenge first if there is one. */
    Answer authenticated(String method, String url, String... headers) throws Exception {
      Answer first = send(method, url, nonce == null ? null : digest(method, url), headers);
      if (first.status() != 401) {
        return first;
      }
      Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(first.head());
      assertTrue(m.find(), first.head());
      nonce = m.group(1);
      return send(method, url, digest(method, url), headers);
    }

    /** From now on, answers challenges with {@code password} (a client whose password changed). */
    void password(String password) {
      this.password = password;
    }

    /** Sends with credentials for the nonce it holds, without answering a challenge. */
    Answer withCredentials(String method, String url, String... headers) throws Exception {
      return send(method, url, digest(method, url), headers);
    }

    private String digest(String method, String url) throws Exception {
      String ha1 = md5(user + ":AuthHost:" + password);
      String ha2 = md5(method + ":" + url);
      return "Digest username=\""
          + user
          + "\", realm=\"AuthHost\", nonce=\""
          + nonce
          + "\", uri=\""
          + url
          + "\", response=\""
          + md5(ha1 + ":" + nonce + ":" + ha2)
          + "\"";
    }

    private static String md5(String s) throws Exception {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("MD5")
                  .digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** The interleaved frames skipped so far while reading answers. */
    long frames() {
      return frames;
    }

    /** Reads interleaved frames until {@code count} more have come (the stream flows). */
    void awaitFrames(int count) throws Exception {
      for (int i = 0; i < count; i++) {
        int first = in.read();
        if (first != '$') {
          throw new java.io.IOException("not a frame: " + first);
        }
        in.readUnsignedByte();
        in.skipNBytes(in.readUnsignedShort());
        frames++;
      }
    }

    /** The CSeq of the last request sent. */
    int cseq() {
      return cseq;
    }

    Answer send(String method, String url, String authorization, String... headers)
        throws Exception {
      StringBuilder r =
          new StringBuilder(method + " " + url + " RTSP/1.0\r\nCSeq: " + ++cseq + "\r\n");
      if (authorization != null) {
        r.append("Authorization: ").append(authorization).append("\r\n");
      }
      for (String h : headers) {
        r.append(h).append("\r\n");
      }
      socket.getOutputStream().write(r.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      return answer();
    }

    /** The next answer, past any interleaved frames. */
    private Answer answer() throws Exception {
      while (true) {
        int first = in.read();
        if (first < 0) {
          throw new java.io.EOFException("closed");
        }
        if (first == '$') {
          in.readUnsignedByte();
          in.skipNBytes(in.readUnsignedShort());
          frames++;
          continue;
        }
        if (first == '\r' || first == '\n') {
          continue;
        }
        StringBuilder head = new StringBuilder().append((char) first);
        while (!head.toString().endsWith("\r\n\r\n")) {
          int c = in.read();
          if (c < 0) {
            throw new java.io.EOFException("closed in a head: " + head);
          }
          head.append((char) c);
        }
        Answer a = new Answer(Integer.parseInt(head.toString().split(" ")[1]), head.toString());
        String length = a.header("content-length");
        if (length != null) {
          in.skipNBytes(Integer.parseInt(length));
        }
        return a;
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  /** GStreamer's rtspsrc speaks RFC 2069 Digest (no qop): accepted without any "legacy" switch. */
  @Test
  void gstreamerPlaysWithDigest() throws Exception {
    try (ChallengeTap tap = ChallengeTap.to(port)) {
      BoundedProcess.Exit run = gstreamer(root, tap.port(), "alice", "pw-alice");
      assertGstreamerPlayed(run);
      assertOneChallengePerConnection(tap, run.output());
    }
  }

  /**
   * Without {@code protocols=tcp} rtspsrc asks for UDP first, is answered 461, and goes on over TCP
   * by itself, as ffmpeg does: the setting saves a round trip, it is not needed.
   */
  @Test
  void gstreamerWithoutProtocolsTcpFallsBackAfter461() throws Exception {
    try (ChallengeTap tap = ChallengeTap.to(port)) {
      assertGstreamerPlayed(gstreamer(root, tap.port(), "alice", "pw-alice", ""));
      String sent = tap.sent();
      int udp = sent.indexOf("client_port=");
      assertTrue(udp >= 0, "it asked for UDP first: " + sent);
      assertTrue(sent.indexOf("RTP/AVP/TCP", udp) > udp, "then for TCP: " + sent);
    }
  }

  @Test
  void gstreamerWithTheWrongPasswordIsRefused() throws Exception {
    int before = host.audited("logon failed", "alice", "point=cam").size();
    BoundedProcess.Exit run = gstreamer(root, port, "alice", "wrong");
    assertNotEquals(0, run.status(), run.output());
    assertFalse(run.output().contains("Got EOS"), run.output());
    assertTrue(
        host.awaitMoreAudited(before, BOUND, "logon failed", "alice", "point=cam").size() > before);
  }

  /**
   * rtspsrc received its 50 buffers (EOS) with no error before the pipeline's shutdown. Not its
   * exit status: at shutdown rtspsrc sends PAUSE while its TEARDOWN is under way, and now and then
   * reads the end of the connection there and exits 1 after a complete play; it does so straight to
   * GStreamer's RTSP server too (2 runs in 16 here), so that error says nothing about AuthHost.
   */
  static void assertGstreamerPlayed(BoundedProcess.Exit run) {
    String out = run.output();
    int eos = out.indexOf("Got EOS from element");
    assertTrue(eos >= 0, out);
    int error = out.indexOf("ERROR");
    int shutdown = out.indexOf("Setting pipeline to NULL");
    assertTrue(
        run.status() == 0 || (error > eos && shutdown >= 0 && error > shutdown),
        "an error before the shutdown: " + out);
  }

  /** rtspsrc playing {@code /cam/test} through {@code port} as {@code user}, run in {@code dir}. */
  static BoundedProcess.Exit gstreamer(Path dir, int port, String user, String password)
      throws Exception {
    return gstreamer(dir, port, user, password, "protocols=tcp");
  }

  /** rtspsrc with {@code transport} (its {@code protocols=...}), or "" for its default. */
  static BoundedProcess.Exit gstreamer(
      Path dir, int port, String user, String password, String transport) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "gst-launch-1.0",
                "-e",
                "rtspsrc",
                "location=rtsp://127.0.0.1:" + port + "/cam/test",
                "user-id=" + user,
                "user-pw=" + password));
    if (!transport.isEmpty()) {
      command.add(transport);
    }
    command.addAll(List.of("!", "fakesink", "num-buffers=50"));
    return BoundedProcess.run(dir, BOUND, command);
  }

  @Test
  void anOriginThatChallengesGetsTheConfiguredCredentials() throws Exception {
    BoundedProcess.Exit run =
        ffmpegPlay(url("alice", "pw-alice", "/locked/test"), "-rtsp_transport", "tcp");
    assertEquals(0, run.status(), run.output());
    assertTrue(frames(run.output()) >= 25, run.output());
  }

  /**
   * The bench's load tool (bench/rtsp-load.py, a third client: RFC 2617 Digest with qop) sets up
   * two sessions through AuthHost and receives media on both: the tool the benchmark uses works.
   */
  @Test
  void theBenchToolSetsUpSessionsThroughAuthHost() throws Exception {
    BoundedProcess.Exit run = benchTool("--sessions", "2", "--seconds", "1");
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("\"set_up\": 2"), run.output());
    assertTrue(run.output().contains("\"failed\": 0"), run.output());
    Matcher packets = Pattern.compile("\"min\": (\\d+)").matcher(run.output());
    assertTrue(packets.find() && Integer.parseInt(packets.group(1)) > 0, run.output());
  }

  /**
   * The tool's sustained set-up (--total): nine sessions, three clients at a time, each a new
   * connection that meets one challenge and then has every request (OPTIONS, DESCRIBE, SETUP, PLAY)
   * verified with the Digest parts it made once for that challenge and a growing nc; and its CPU
   * watch reads the tool's own processes over the set-up.
   */
  @Test
  void theBenchToolSustainsSetUpsThroughAuthHostOneChallengeEach() throws Exception {
    BoundedProcess.Exit run = benchTool("--sessions", "3", "--total", "9", "--seconds", "0");
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("\"set_up\": 9"), run.output());
    assertTrue(run.output().contains("\"failed\": 0"), run.output());
    assertTrue(run.output().contains("\"total\": 9,"), run.output());
    assertTrue(run.output().contains("\"max_per_session\": 1"), run.output());
    assertTrue(run.output().contains("\"setups_per_second\": "), run.output());
    assertTrue(run.output().contains("\"workers\": {"), run.output());
    assertTrue(run.output().contains("\"preempted\": "), run.output());
  }

  /**
   * The tool's Digest parts kept for a challenge carry the password: a wrong one sets up nothing.
   */
  @Test
  void theBenchToolWithAWrongPasswordSetsUpNoSession() throws Exception {
    BoundedProcess.Exit run =
        benchTool(
            "--sessions",
            "2",
            "--total",
            "2",
            "--seconds",
            "0",
            "--user",
            "bob",
            "--password",
            "x");
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("\"set_up\": 0"), run.output());
    assertTrue(run.output().contains("\"failed\": 2"), run.output());
  }

  /**
   * bench/rtsp-load.py through AuthHost's /cam/ point as alice (a later --user or --password wins).
   */
  static BoundedProcess.Exit benchTool(String... options) throws Exception {
    Path tool = Path.of("..", "bench", "rtsp-load.py").toAbsolutePath().normalize();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "/usr/bin/python3",
                tool.toString(),
                "rtsp://127.0.0.1:" + port + "/cam/test",
                "--user",
                "alice",
                "--password",
                "pw-alice"));
    command.addAll(List.of(options));
    return BoundedProcess.run(root, BOUND, command);
  }
}
