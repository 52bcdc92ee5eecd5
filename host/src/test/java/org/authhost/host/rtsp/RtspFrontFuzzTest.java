package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.plugins.PluginStatus;
import org.authhost.host.plugins.PluginView;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Coverage-guided fuzzing of the RTSP front: the framer alone, and raw bytes into one connection's
 * handlers (framer, Netty's RTSP codec, checks, routing, a real host's driver with the real Digest
 * and Basic plug-ins, session binding, SETUP checks) on an {@link EmbeddedChannel}.
 *
 * <p>The oracles: the framer hands on only whole messages, frames and one framing error, never more
 * bytes than came in; the front lets no exception reach the end of the pipeline, answers every
 * request with its status line and never a 5xx but RTSP's 501 (an unknown method) and 503 (a SETUP
 * flood), and leaves no plug-in in ERROR.
 */
class RtspFrontFuzzTest {
  static final Pattern STATUS = Pattern.compile("RTSP/1\\.0 (\\d{3}) ");
  static final Set<Integer> FIVE_HUNDREDS_ALLOWED = Set.of(501, 503);

  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static final Logger echo = (Logger) LoggerFactory.getLogger("authhost.events");
  static Level echoLevel;

  @BeforeAll
  static void start() throws Exception {
    echoLevel = echo.getLevel();
    echo.setLevel(Level.ERROR);
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    for (String name : List.of("basic", "digest")) {
      Files.copy(
          PluginJar.builtinPlugin("authhost-plugin-" + name + ".jar"),
          plugins.resolve(name + ".jar"));
    }
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "fuzzhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins",
            "settings": { "digest": { "enabled": true, "properties": {
              "realm": "AuthHost", "algorithms": "MD5", "legacy": "true" } },
                          "basic": { "enabled": true } } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": -1 },
          "accounts": { "digestRealms": ["AuthHost"] },
          "security": { "lockout": { "threshold": 0 } },
          "publishingPoints": [
            { "name": "cam", "prefix": "/cam/", "origin": "rtsp://127.0.0.1:1/",
              "plugins": ["digest", "basic"] }
          ]
        }
        """);
    TestHosts.addAccount(config, "alice", "pw-alice");
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
  }

  @AfterAll
  static void stop() throws Exception {
    echo.setLevel(echoLevel);
    if (host != null) {
      host.stop();
    }
  }

  @FuzzTest(maxDuration = "")
  void framer(byte[] bytes) {
    EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer(1024, 4096));
    List<Object> out = new ArrayList<>();
    try {
      // In two reads, so that a message or frame split across reads is framed too.
      int half = bytes.length / 2;
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, half));
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, half, bytes.length - half));
      Object o;
      while ((o = ch.readInbound()) != null) {
        out.add(o);
      }
      ch.checkException();
      long framed = 0;
      boolean failed = false;
      for (Object m : out) {
        assertTrue(!failed, "nothing comes after a framing error: " + out);
        if (m instanceof ByteBuf buf) {
          framed += buf.readableBytes();
          String text = buf.toString(StandardCharsets.ISO_8859_1);
          assertTrue(text.contains("\n\n") || text.contains("\n\r\n"), "a whole head: " + text);
        } else if (m instanceof InterleavedFrame f) {
          framed += 4 + f.content().readableBytes();
          assertTrue(f.content().readableBytes() <= 65_535);
        } else {
          assertTrue(m instanceof FramingError, "unexpected " + m);
          failed = true;
        }
      }
      assertTrue(framed <= bytes.length, framed + " bytes framed from " + bytes.length);
    } finally {
      out.forEach(ReferenceCountUtil::release);
      ch.finishAndReleaseAll();
    }
  }

  /**
   * What the origin sends, framed and made the client's ({@link OriginAnswer}, {@link
   * RelayedAnswer}): never an exception, and every answer relayed is one whole RTSP answer for the
   * client, each head line ended by CR LF with no control character in it (no bare CR or LF a
   * client could split on), the client's CSeq once, and a Content-Length that is its body's.
   */
  @FuzzTest(maxDuration = "")
  void originAnswers(byte[] bytes) {
    EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer(4096, 4096));
    OriginUrls urls = RelayedAnswerTest.camUrls();
    List<Object> out = new ArrayList<>();
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
      Object o;
      while ((o = ch.readInbound()) != null) {
        out.add(o);
      }
      for (Object m : out) {
        if (!(m instanceof ByteBuf message) || !OriginAnswer.isAnswer(message)) {
          continue;
        }
        OriginAnswer answer = OriginAnswer.read(message);
        if (answer == null) {
          continue;
        }
        EncodedAnswer relayed =
            RelayedAnswer.of(
                answer,
                "7",
                List.of(Map.entry("Authentication-Info", "rspauth=\"r\"")),
                urls,
                ByteBufAllocator.DEFAULT);
        try {
          assertWholeAnswer(relayed.content().toString(StandardCharsets.ISO_8859_1));
        } finally {
          relayed.release();
        }
      }
    } finally {
      out.forEach(ReferenceCountUtil::release);
      ch.finishAndReleaseAll();
    }
  }

  static void assertWholeAnswer(String text) {
    int end = text.indexOf("\r\n\r\n");
    assertTrue(end > 0 && text.startsWith("RTSP/1.0 "), text);
    String head = text.substring(0, end + 2);
    int cseqs = 0;
    int length = 0;
    for (String line : head.split("\r\n", -1)) {
      for (char c : line.toCharArray()) {
        assertTrue(c >= 0x20 && c != 0x7f || c == '\t', "a control character in " + text);
      }
      cseqs += line.regionMatches(true, 0, "cseq:", 0, 5) ? 1 : 0;
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    assertTrue(head.contains("\r\nCSeq: 7\r\n") && cseqs == 1, text);
    assertEquals(text.length() - end - 4, length, text);
  }

  /**
   * The plain requests' reader against Netty's codec: every message the framer hands on that the
   * reader reads, Netty's RtspDecoder and aggregator read the same (review REV-U R3).
   */
  @FuzzTest(maxDuration = "")
  void requestReader(byte[] bytes) {
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new RtspFramer(
                RtspRequestReaderTest.MAX_LINE + RtspRequestReaderTest.MAX_HEADERS, 4096));
    RtspRequestReader reader =
        new RtspRequestReader(
            RtspRequestReaderTest.MAX_LINE, RtspRequestReaderTest.MAX_HEADERS, 4096);
    List<Object> out = new ArrayList<>();
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
      Object o;
      while ((o = ch.readInbound()) != null) {
        out.add(o);
      }
      for (Object m : out) {
        if (m instanceof ByteBuf message) {
          RtspRequestReaderTest.readAsNettyReads(
              reader, message.toString(StandardCharsets.ISO_8859_1));
        }
      }
    } finally {
      out.forEach(ReferenceCountUtil::release);
      ch.finishAndReleaseAll();
    }
  }

  @FuzzTest(maxDuration = "")
  void requests(byte[] bytes) {
    RtspTestChannel ch =
        RtspTestChannel.open(
            host.rtsp(), "192.0.2.7", RtspTestChannel.inline(host.rtsp().driver()));
    List<Throwable> exceptions = new ArrayList<>();
    ch.pipeline()
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                exceptions.add(cause);
              }
            });
    String answers;
    try {
      ch.send(bytes);
      answers = ch.answers();
      ch.checkException();
    } finally {
      ch.finishAndReleaseAll();
    }
    assertEquals(List.of(), exceptions);
    Matcher m = STATUS.matcher(answers);
    while (m.find()) {
      int status = Integer.parseInt(m.group(1));
      assertTrue(
          status < 500 || FIVE_HUNDREDS_ALLOWED.contains(status), "a " + status + ": " + answers);
    }
    for (PluginView p : host.plugins().plugins()) {
      assertEquals(0, p.status() & PluginStatus.ERROR, p.id() + " is in ERROR: " + p.errorText());
    }
  }
}
