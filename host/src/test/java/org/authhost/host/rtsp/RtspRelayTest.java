package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelException;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.Verdict;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay below the socket, its origin side an EmbeddedChannel too, in a host that has the
 * signed-url plug-in loaded (so its {@code ah_} parameters are URL credentials): what the origin is
 * sent, the connection's URL credentials carried to later requests, and back-pressure both ways.
 */
class RtspRelayTest {
  @TempDir static Path root;
  static AuthHost host;
  static final String CAM = "rtsp://127.0.0.1:8554/cam/test";

  @BeforeAll
  static void start() throws Exception {
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-signed-url.jar"), plugins.resolve("signed.jar"));
    Files.writeString(root.resolve("keys"), "k1=k1-0123456789abcdef0123456789abcdef\n");
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "settings": {
            "signed-url": { "capabilities": ["token-without-credential"],
              "properties": { "account": "carol", "keysFile": "%s" } } } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": -1 },
          "publishingPoints": [
            { "name": "cam", "prefix": "/cam/", "origin": "rtsp://127.0.0.1:1/",
              "plugins": ["signed-url"] }
          ]
        }
        """
            .formatted(root.resolve("keys")));
    TestHosts.addAccount(config, "carol", "pw-carol");
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(new MutableClock()));
    host.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  /** Serves every request as carol; keeps the request target each attempt named. */
  static Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> serveKeeping(
      List<String> targets) {
    return a -> {
      targets.add(a.command().requestTarget());
      return CompletableFuture.completedFuture(new Verdict.Serve(a.point(), "carol", List.of()));
    };
  }

  /** A transport whose sockets, of either family, cannot be made. */
  private static org.authhost.host.http.Transport noSocketToBeHad() {
    io.netty.channel.ChannelFactory<io.netty.channel.Channel> none =
        () -> {
          throw new ChannelException("too many open files");
        };
    org.authhost.host.http.Transport nio = org.authhost.host.http.Transport.nio();
    return new org.authhost.host.http.Transport(
        "none", nio.serverChannel(), none, none, nio.groups());
  }

  /**
   * An origin socket that cannot be made (no file descriptor left) is an unreachable origin: the
   * waiting request is answered 502 and the connection ends, nothing is left waiting.
   */
  @Test
  void anOriginSocketThatCannotBeMadeIsAnUnreachableOrigin() {
    RtspTestChannel ch =
        RtspTestChannel.connectingWith(
            host.rtsp(),
            "127.0.0.1",
            serveKeeping(new ArrayList<>()),
            RtspRelay.sockets(RtspFront.MARKS, noSocketToBeHad()));
    ch.send(RtspHandlersTest.request("DESCRIBE", CAM, 1));
    String answers = ch.answers();
    assertTrue(answers.startsWith("RTSP/1.0 502 Bad Gateway\r\n"), answers);
    assertTrue(answers.contains("cseq: 1\r\n"), answers);
    ch.runPendingTasks();
    assertFalse(ch.isOpen(), "the connection ends with its answer");
  }

  @Test
  void urlCredentialsNeverReachTheOriginInTheRequestLineOrAnyHeader() {
    List<String> targets = new ArrayList<>();
    List<EmbeddedChannel> origins = new ArrayList<>();
    RtspTestChannel ch =
        RtspTestChannel.relayed(host.rtsp(), "127.0.0.1", serveKeeping(targets), origins);
    ch.send(
        RtspHandlersTest.request(
            "DESCRIBE",
            CAM + "?keep=1&ah_prefix=/cam/&ah_sig=SIG",
            1,
            "Content-Base",
            CAM + "/?ah_sig=SIG&x=2",
            "Referer",
            "rtsp://127.0.0.1:8554/cam/?%61h_key=k1"));
    assertEquals(1, origins.size(), "one origin connection");
    String sent = RtspTestChannel.written(origins.get(0));
    assertTrue(sent.startsWith("DESCRIBE rtsp://127.0.0.1:1/test?keep=1 RTSP/1.0\r\n"), sent);
    assertTrue(sent.contains("Content-Base: " + CAM + "/?x=2\r\n"), sent);
    assertTrue(sent.contains("Referer: rtsp://127.0.0.1:8554/cam/\r\n"), sent);
    assertFalse(sent.contains("ah_") || sent.contains("%61h") || sent.contains("SIG"), sent);
    assertTrue(targets.get(0).contains("ah_sig=SIG"), "the plug-in is offered them: " + targets);
  }

  /**
   * A URL credential in the body (an ANNOUNCE's SDP, as a publisher writes its own URL into it) or
   * in a header that holds several URLs is removed too; the rest of the body is sent as it was,
   * with its new length, and a body without any goes byte for byte.
   */
  @Test
  void urlCredentialsInABodyOrAListOfUrlsNeverReachTheOrigin() {
    List<EmbeddedChannel> origins = new ArrayList<>();
    RtspTestChannel ch =
        RtspTestChannel.relayed(host.rtsp(), "127.0.0.1", serveKeeping(new ArrayList<>()), origins);
    String sdp =
        "v=0\r\n"
            + "o=- 0 0 IN IP4 127.0.0.1\r\n"
            + "s=cam?\r\n"
            + "u="
            + CAM
            + "?ah_prefix=/cam/&ah_sig=SIG1\r\n"
            + "a=control:"
            + CAM
            + "?keep=1&ah_sig=SIG2\r\n"
            + "m=video 0 RTP/AVP 96\r\n"
            + "a=control:\""
            + CAM
            + "/streamid=0?ah_key=k1\"\r\n";
    ch.send(
        RtspHandlersTest.request(
                "ANNOUNCE",
                CAM + "?ah_prefix=/cam/&ah_sig=SIG",
                1,
                "Content-Type",
                "application/sdp",
                "Content-Length",
                String.valueOf(sdp.length()),
                "RTP-Info",
                "url=" + CAM + "/a?ah_sig=S3,url=" + CAM + "/b?x=1&ah_sig=S4")
            + sdp);
    String sent = RtspTestChannel.written(origins.get(0));
    assertFalse(sent.contains("ah_") || sent.contains("SIG") || sent.contains("S3"), sent);
    String body = sent.substring(sent.indexOf("\r\n\r\n") + 4);
    assertEquals(
        "v=0\r\n"
            + "o=- 0 0 IN IP4 127.0.0.1\r\n"
            + "s=cam?\r\n"
            + "u="
            + CAM
            + "\r\n"
            + "a=control:"
            + CAM
            + "?keep=1\r\n"
            + "m=video 0 RTP/AVP 96\r\n"
            + "a=control:\""
            + CAM
            + "/streamid=0\"\r\n",
        body);
    assertTrue(sent.toLowerCase().contains("content-length: " + body.length() + "\r\n"), sent);
    assertTrue(sent.contains("RTP-Info: url=" + CAM + "/a,url=" + CAM + "/b?x=1\r\n"), sent);

    byte[] binary = {0, '?', 1, (byte) 0xff, 'a', 'h', '_', 'x'};
    RtspTestChannel other =
        RtspTestChannel.relayed(host.rtsp(), "127.0.0.1", serveKeeping(new ArrayList<>()), origins);
    other.send(RtspHandlersTest.request("SET_PARAMETER", CAM, 1, "Content-Length", "8"));
    other.send(binary);
    String kept = RtspTestChannel.written(origins.get(1));
    assertTrue(
        kept.endsWith(new String(binary, StandardCharsets.ISO_8859_1)), "byte for byte: " + kept);
  }

  /**
   * A later request with no credential of its own (a SETUP built from Content-Base) is checked with
   * the URL credentials the connection was served with, on its own URL; still never sent.
   */
  @Test
  void aServedUrlCredentialIsCheckedAgainOnTheConnectionsLaterRequests() {
    List<String> targets = new ArrayList<>();
    List<EmbeddedChannel> origins = new ArrayList<>();
    RtspTestChannel ch =
        RtspTestChannel.relayed(host.rtsp(), "127.0.0.1", serveKeeping(targets), origins);
    ch.send(RtspHandlersTest.request("DESCRIBE", CAM + "?ah_prefix=/cam/&ah_sig=SIG", 1));
    ch.send(
        RtspHandlersTest.request(
            "SETUP", CAM + "/stream=0", 2, "Transport", "RTP/AVP/TCP;unicast;interleaved=0-1"));
    assertEquals(2, targets.size(), String.valueOf(targets));
    assertEquals(CAM + "/stream=0?ah_prefix=/cam/&ah_sig=SIG", targets.get(1));
    String sent = RtspTestChannel.written(origins.get(0));
    assertTrue(sent.contains("SETUP rtsp://127.0.0.1:1/test/stream=0 RTSP/1.0\r\n"), sent);
    assertFalse(sent.contains("ah_"), sent);
  }

  /**
   * What goes to the origin is a copy: the client's credentials and hop-by-hop headers are left out
   * of it, and the request the plug-ins were given (its headers, read lazily through the command
   * context) still says what the client sent, after the relay has sent it on.
   */
  @Test
  void theOriginGetsACopyWithoutTheClientsCredentialsAndThePluginsViewIsUnchanged() {
    List<EmbeddedChannel> origins = new ArrayList<>();
    List<AuthenticationDriver.Attempt> asked = new ArrayList<>();
    RtspTestChannel ch = servedAsCarol(asked, origins);
    ch.send(
        RtspHandlersTest.request(
            "DESCRIBE",
            CAM,
            1,
            "Authorization",
            "Digest username=\"carol\"",
            "proxy-AUTHORIZATION",
            "Basic x",
            "Connection",
            "keep-alive",
            "Accept",
            "application/sdp"));
    String sent = RtspTestChannel.written(origins.get(0));
    assertTrue(sent.startsWith("DESCRIBE rtsp://127.0.0.1:1/test RTSP/1.0\r\n"), sent);
    assertTrue(sent.contains("Accept: application/sdp\r\n"), sent);
    assertFalse(
        sent.toLowerCase(java.util.Locale.ROOT).contains("authorization")
            || sent.contains("Connection"),
        sent);
    assertEquals(
        "Digest username=\"carol\"",
        asked.get(0).command().header("authorization").orElse(null),
        "the plug-ins' view of the request after it was relayed");
    assertEquals("keep-alive", asked.get(0).command().header("connection").orElse(null));
  }

  /**
   * A SETUP offering UDP and TCP goes to the origin with its TCP choice only, and the request the
   * plug-ins were given still offers both (review REV-Q: the narrowing was written into it).
   */
  @Test
  void aSetupsTransportIsNarrowedInTheOriginsCopyOnly() {
    List<EmbeddedChannel> origins = new ArrayList<>();
    List<AuthenticationDriver.Attempt> asked = new ArrayList<>();
    String both = "RTP/AVP;unicast;client_port=5000-5001,RTP/AVP/TCP;unicast;interleaved=0-1";
    RtspTestChannel ch = servedAsCarol(asked, origins);
    ch.send(RtspHandlersTest.request("SETUP", CAM + "/stream=0", 1, "Transport", both));
    String sent = RtspTestChannel.written(origins.get(0));
    assertTrue(
        sent.toLowerCase(java.util.Locale.ROOT)
            .contains("\r\ntransport: rtp/avp/tcp;unicast;interleaved=0-1\r\n"),
        sent);
    assertFalse(sent.contains("client_port"), sent);
    assertEquals(both, asked.get(0).command().header("transport").orElse(null));
  }

  /**
   * The origin connection is made when the first request names the point, before that request is
   * authorized; nothing is sent to it until one is.
   */
  @Test
  void theOriginIsConnectedWhileTheFirstRequestIsStillBeingDecided() {
    List<EmbeddedChannel> origins = new ArrayList<>();
    CompletableFuture<Verdict> pending = new CompletableFuture<>();
    List<AuthenticationDriver.Attempt> asked = new ArrayList<>();
    RtspTestChannel ch =
        RtspTestChannel.relayed(
            host.rtsp(),
            "127.0.0.1",
            a -> {
              asked.add(a);
              return pending;
            },
            origins);
    ch.send(RtspHandlersTest.request("DESCRIBE", CAM, 1));
    assertEquals(1, origins.size(), "connected before the verdict");
    assertEquals("", RtspTestChannel.written(origins.get(0)));
    pending.complete(new Verdict.Serve(asked.get(0).point(), "carol", List.of()));
    ch.runPendingTasks();
    assertTrue(
        RtspTestChannel.written(origins.get(0)).startsWith("DESCRIBE rtsp://127.0.0.1:1/test "));
  }

  /** Counts the closes asked of the channel whose pipeline it heads. */
  private static final class Closes extends io.netty.channel.ChannelOutboundHandlerAdapter {
    int count;

    @Override
    public void close(
        io.netty.channel.ChannelHandlerContext ctx, io.netty.channel.ChannelPromise promise)
        throws Exception {
      count++;
      super.close(ctx, promise);
    }
  }

  /**
   * A session's end closes each side once, whichever side ends it: a close of a channel already
   * closed still walks its pipeline and makes Netty's exception for the writes it fails.
   */
  @Test
  void aSessionsEndClosesEachSideOnce() {
    for (boolean clientEnds : List.of(true, false)) {
      List<EmbeddedChannel> origins = new ArrayList<>();
      RtspTestChannel ch =
          RtspTestChannel.relayed(
              host.rtsp(), "127.0.0.1", serveKeeping(new ArrayList<>()), origins);
      Closes clientCloses = new Closes();
      ch.pipeline().addFirst(clientCloses);
      ch.send(RtspHandlersTest.request("DESCRIBE", CAM, 1));
      EmbeddedChannel origin = origins.get(0);
      Closes originCloses = new Closes();
      origin.pipeline().addFirst(originCloses);
      if (clientEnds) {
        ch.close();
      } else {
        origin.close();
      }
      ch.runPendingTasks();
      origin.runPendingTasks();
      assertFalse(ch.isOpen(), "client ends: " + clientEnds);
      assertFalse(origin.isOpen(), "client ends: " + clientEnds);
      assertEquals(1, clientCloses.count, "client ends: " + clientEnds);
      assertEquals(1, originCloses.count, "client ends: " + clientEnds);
    }
  }

  /**
   * Interleaved data passes once the origin has answered a SETUP with a session (bound to this
   * connection by the relay), not merely after a SETUP was sent.
   */
  @Test
  void framesPassOnlyOnceTheOriginSetUpASession() {
    List<EmbeddedChannel> origins = new ArrayList<>();
    RtspTestChannel ch =
        RtspTestChannel.relayed(host.rtsp(), "127.0.0.1", serveKeeping(new ArrayList<>()), origins);
    ch.send(
        RtspHandlersTest.request(
            "SETUP", CAM + "/stream=0", 1, "Transport", "RTP/AVP/TCP;unicast;interleaved=0-1"));
    EmbeddedChannel origin = origins.get(0);
    assertTrue(RtspTestChannel.written(origin).startsWith("SETUP "));
    origin.writeInbound(
        Unpooled.copiedBuffer(
            "RTSP/1.0 200 OK\r\nCSeq: 7\r\nSession: S1;timeout=60\r\n"
                + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n",
            StandardCharsets.ISO_8859_1));
    String answer = ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 200 OK\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 1\r\n"), answer);
    ch.send(new byte[] {'$', 0, 0, 2, 7, 8});
    assertTrue(ch.isActive());
    assertEquals(
        new String(new byte[] {'$', 0, 0, 2, 7, 8}, StandardCharsets.ISO_8859_1),
        RtspTestChannel.written(origin));
  }

  @Test
  void aClientThatStopsReadingStopsTheOriginBeingReadAndTheOtherWayRound() {
    List<EmbeddedChannel> origins = new ArrayList<>();
    RtspTestChannel ch =
        RtspTestChannel.relayed(host.rtsp(), "127.0.0.1", serveKeeping(new ArrayList<>()), origins);
    ch.send(RtspHandlersTest.request("DESCRIBE", CAM, 1));
    EmbeddedChannel origin = origins.get(0);
    RtspTestChannel.written(origin);
    assertTrue(origin.config().isAutoRead());

    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    ch.pipeline().firstContext().write(Unpooled.wrappedBuffer(new byte[64]));
    assertFalse(ch.isWritable());
    assertFalse(origin.config().isAutoRead(), "the client cannot take more: the origin waits");
    assertFalse(ch.config().isAutoRead(), "nor is the client read: its answers would pile up");
    ch.pipeline().firstContext().flush();
    assertTrue(ch.isWritable());
    assertTrue(origin.config().isAutoRead(), "the client drained: the origin is read again");
    assertTrue(ch.config().isAutoRead());

    origin.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    origin.pipeline().firstContext().write(Unpooled.wrappedBuffer(new byte[64]));
    assertFalse(origin.isWritable());
    assertFalse(ch.config().isAutoRead(), "the origin cannot take more: the client waits");
    origin.pipeline().firstContext().flush();
    assertTrue(ch.config().isAutoRead());
    ch.answers();
    RtspTestChannel.written(origin);
  }

  /** An origin given as an IP literal is connected to as it is; a name is left to the resolver. */
  @Test
  void anOriginsLiteralAddressIsNotResolvedAgainPerSession() {
    java.net.InetSocketAddress v4 = RtspRelay.address("127.0.0.1", 8554);
    assertFalse(v4.isUnresolved());
    assertEquals("127.0.0.1", v4.getAddress().getHostAddress());
    assertEquals(8554, v4.getPort());
    java.net.InetSocketAddress v6 = RtspRelay.address("::1", 554);
    assertFalse(v6.isUnresolved());
    assertTrue(v6.getAddress().isLoopbackAddress(), String.valueOf(v6));
    java.net.InetSocketAddress named = RtspRelay.address("camera.example", 554);
    assertTrue(named.isUnresolved(), "a name is resolved by Netty's resolver at the connect");
    assertEquals("camera.example", named.getHostString());
  }

  /**
   * The front and the relay set no TCP_NODELAY option of their own: the socket channels of both
   * transports set it as they are made (accepted and connected ones alike), which the relay's added
   * latency depends on (review REV-U R2).
   */
  @Test
  void theSocketsTheRelayMakesHaveTcpNoDelayWithoutAnOption() {
    for (org.authhost.host.http.Transport t :
        List.of(
            org.authhost.host.http.Transport.nio(),
            org.authhost.host.http.Transport.pick("RtspRelayTest"))) {
      for (io.netty.channel.ChannelFactory<? extends io.netty.channel.Channel> channels :
          List.of(t.socketChannels(), t.ipv4SocketChannels())) {
        io.netty.channel.Channel ch = channels.newChannel();
        try {
          assertTrue(ch.config().getOption(io.netty.channel.ChannelOption.TCP_NODELAY), t.name());
        } finally {
          ch.unsafe().closeForcibly();
        }
      }
    }
  }

  /** The origin's answer to the first DESCRIBE of a relayed connection served as carol. */
  private String answeredAsCarol(String originAnswer) {
    List<EmbeddedChannel> origins = new ArrayList<>();
    RtspTestChannel ch =
        RtspTestChannel.relayed(
            host.rtsp(),
            "127.0.0.1",
            a ->
                CompletableFuture.completedFuture(
                    new Verdict.Serve(
                        a.point(),
                        "carol",
                        List.of(java.util.Map.entry("Authentication-Info", "rspauth=\"R\"")))),
            origins);
    ch.send(RtspHandlersTest.request("DESCRIBE", CAM, 3));
    EmbeddedChannel origin = origins.get(0);
    assertTrue(RtspTestChannel.written(origin).startsWith("DESCRIBE "));
    origin.writeInbound(Unpooled.copiedBuffer(originAnswer, StandardCharsets.ISO_8859_1));
    return ch.answers();
  }

  /**
   * The origin's answer goes to the client as its bytes, but for what the relay changes: the
   * origin's challenge, its hop-by-hop headers, CSeq and length are not the client's; its absolute
   * URLs (Content-Base, RTP-Info, the SDP's a=control) become the client-facing ones, with the
   * body's new length; the authentication's Authentication-Info is added; the rest (a folded header
   * too) is kept as it came.
   */
  @Test
  void theOriginsAnswerIsTheClientsWithOnlyWhatTheRelayChangesRewritten() {
    String sdp =
        "v=0\r\na=control:rtsp://127.0.0.1:1/test/\r\nm=video 0 RTP/AVP 96\r\n"
            + "a=control:rtsp://127.0.0.1:1/test/stream=0\r\n";
    String answer =
        answeredAsCarol(
            "RTSP/1.0 200 OK\r\nCSeq: 9\r\nWWW-Authenticate: Digest realm=\"origin\"\r\n"
                + "Connection: close\r\nTransfer-Encoding: identity\r\n"
                + "Content-Base: rtsp://127.0.0.1:1/test/\r\n"
                + "RTP-Info: url=rtsp://127.0.0.1:1/test/stream=0;seq=1\r\n"
                + "X-Folded: a\r\n  b\r\nServer: GStreamer RTSP server\r\n"
                + "content-type: Application/SDP\r\nContent-Length: "
                + sdp.length()
                + "\r\n\r\n"
                + sdp);
    String head = answer.substring(0, answer.indexOf("\r\n\r\n") + 4);
    String body = answer.substring(head.length());
    assertTrue(head.startsWith("RTSP/1.0 200 OK\r\n"), head);
    assertTrue(head.contains("\r\nCSeq: 3\r\n") && !head.contains("CSeq: 9"), head);
    for (String gone : List.of("WWW-Authenticate", "Connection", "Transfer-Encoding", ":1/")) {
      assertFalse(head.contains(gone), gone + " in " + head);
    }
    assertTrue(head.contains("\r\nContent-Base: rtsp://127.0.0.1:8554/cam/test/\r\n"), head);
    assertTrue(
        head.contains("\r\nRTP-Info: url=rtsp://127.0.0.1:8554/cam/test/stream=0;seq=1\r\n"), head);
    assertTrue(head.contains("\r\nX-Folded: a\r\n  b\r\nServer: GStreamer RTSP server\r\n"), head);
    assertTrue(head.contains("\r\ncontent-type: Application/SDP\r\n"), head);
    assertTrue(head.contains("\r\nAuthentication-Info: rspauth=\"R\"\r\n"), head);
    assertEquals(sdp.replace("127.0.0.1:1/", "127.0.0.1:8554/cam/"), body);
    assertTrue(head.contains("\r\nContent-Length: " + body.length() + "\r\n"), head);
    assertEquals(1, head.split("(?i)content-length").length - 1, head);
  }

  /**
   * An answer whose head holds a bare CR, a NUL or a line with no header is refused, not relayed.
   */
  @Test
  void anAnswerWithABrokenHeadIsTheOriginFailingNotRelayed() {
    for (String broken :
        List.of(
            "RTSP/1.0 200 OK\r\nCSeq: 3\r\nX-Bad: a\rRTSP/1.0 200 OK\r\n\r\n",
            "RTSP/1.0 200 OK\r\nCSeq: 3\r\nX-Bad: a\0b\r\n\r\n",
            "RTSP/1.0 200 OK\r\nCSeq: 3\r\nno header here\r\n\r\n",
            "RTSP/1.0 2000 OK\r\nCSeq: 3\r\n\r\n",
            "RTSP/1.0 200 OK\r\n  folded before any header\r\n\r\n",
            "RTSP/1.0 200 OK\r\nCSeq: 3\nX-Bare-LF: as Netty's decoder refused it\r\n\r\n",
            "RTSP/1.0 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nX")) {
      String answer = answeredAsCarol(broken);
      assertTrue(answer.startsWith("RTSP/1.0 502 "), broken + " -> " + answer);
      assertFalse(answer.contains("X-Bad") || answer.contains("RTSP/1.0 200"), answer);
    }
  }

  /**
   * A request from the origin (a server-to-client GET_PARAMETER) is not relayed, and the answer
   * after it still is, to the request it answers.
   */
  @Test
  void aRequestFromTheOriginIsNotRelayedAndTheNextAnswerIs() {
    String answer =
        answeredAsCarol(
            "GET_PARAMETER rtsp://127.0.0.1:1/test RTSP/1.0\r\nCSeq: 1\r\n\r\n"
                + "RTSP/1.0 404 Not Found\r\nCSeq: 9\r\n\r\n");
    assertEquals(
        "RTSP/1.0 404 Not Found\r\nCSeq: 3\r\nAuthentication-Info: rspauth=\"R\"\r\n\r\n", answer);
  }

  /** A relayed connection whose every request is served as carol, the attempts kept in asked. */
  private RtspTestChannel servedAsCarol(
      List<AuthenticationDriver.Attempt> asked, List<EmbeddedChannel> origins) {
    return RtspTestChannel.relayed(
        host.rtsp(),
        "127.0.0.1",
        a -> {
          asked.add(a);
          return CompletableFuture.completedFuture(
              new Verdict.Serve(a.point(), "carol", List.of()));
        },
        origins);
  }
}
