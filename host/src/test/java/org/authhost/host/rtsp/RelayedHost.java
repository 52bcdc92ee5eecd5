package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.Logon;
import org.authhost.host.authn.Verdict;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;

/**
 * A real host for the RTSP relay's tests below the socket: the distribution's plug-ins, accounts
 * made as an operator makes them, the host's clock a fake one, no HTTP front, and one publishing
 * point {@code cam} whose origin ({@code rtsp://127.0.0.1:1/}) is an {@link EmbeddedChannel} per
 * client connection ({@link Client}). What those tests share, so that each keeps only its plug-in
 * settings and assertions.
 */
final class RelayedHost {
  static final String CAM = "rtsp://127.0.0.1:8554/cam/test";
  static final String TCP = "RTP/AVP/TCP;unicast;interleaved=0-1";

  private RelayedHost() {}

  /** Starts a host on {@code clock} with the config folder {@code config}. */
  static AuthHost start(Path config, MutableClock clock) throws Exception {
    AuthHost host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    return host;
  }

  /**
   * The config folder {@code root/config} of a host: the built-in {@code pluginJars}, the plug-ins'
   * settings members {@code settings}, the top-level {@code members} (accounts, security; may be
   * empty), the point {@code cam} for {@code pointPlugins} with the ACL entries {@code acl}, and
   * the {@code accounts} (each with the password {@code pw-NAME}).
   */
  static Path configure(
      Path root,
      List<String> pluginJars,
      String settings,
      String members,
      String pointPlugins,
      String acl,
      List<String> accounts)
      throws Exception {
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    for (String jar : pluginJars) {
      Files.copy(PluginJar.builtinPlugin(jar), plugins.resolve(jar));
    }
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "settings": { @SETTINGS@ } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": -1 },
          @MEMBERS@
          "publishingPoints": [
            { "name": "cam", "prefix": "/cam/", "origin": "rtsp://127.0.0.1:1/",
              "plugins": [@PLUGINS@], "acl": [ @ACL@ ] }
          ]
        }
        """
            // replace, not format: the parts are JSON of their own
            .replace("@SETTINGS@", settings)
            .replace("@MEMBERS@", members.isBlank() ? "" : members + ",")
            .replace("@PLUGINS@", pointPlugins)
            .replace("@ACL@", acl));
    for (String account : accounts) {
      TestHosts.addAccount(config, account, "pw-" + account);
    }
    return config;
  }

  /** The audit events of {@code host} whose text holds every one of {@code parts}. */
  static List<EventRecord> audited(AuthHost host, String... parts) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> List.of(parts).stream().allMatch(e.text()::contains))
        .toList();
  }

  /** One client connection through the host's RTSP front, and the origin connection it opens. */
  static class Client {
    final List<EmbeddedChannel> origins = new ArrayList<>();
    final RtspTestChannel ch;
    int cseq;

    /** A client whose requests in a session are reauthorized inline by the host's driver. */
    Client(AuthHost host) {
      this(host, RtspTestChannel.inlineReauthorize(host.rtsp().driver()));
    }

    Client(
        AuthHost host,
        BiFunction<AuthenticationDriver.Attempt, Logon, CompletableFuture<Verdict>> reauthorize) {
      this.ch =
          RtspTestChannel.relayed(
              host.rtsp(),
              "127.0.0.1",
              RtspTestChannel.inline(host.rtsp().driver()),
              reauthorize,
              origins);
    }

    /** What the origin was sent since last asked. */
    String origin() {
      return RtspTestChannel.written(origins.get(0));
    }

    /** The origin answers 200 with {@code headers} (each ending in CRLF). */
    void originAnswers(String headers) {
      origins
          .get(0)
          .writeInbound(
              Unpooled.copiedBuffer(
                  "RTSP/1.0 200 OK\r\nCSeq: 1\r\n" + headers + "\r\n",
                  StandardCharsets.ISO_8859_1));
      ch.runPendingTasks();
    }

    /** A keep-alive without credentials in session S1 goes to the origin and is answered 200. */
    void keepAliveIsServed() {
      int asked = ++cseq;
      ch.send(RtspHandlersTest.request("GET_PARAMETER", CAM + "/", asked, "Session", "S1"));
      String sent = origin();
      assertTrue(sent.startsWith("GET_PARAMETER rtsp://127.0.0.1:1/test/ "), sent);
      originAnswers("Session: S1\r\n");
      String answer = ch.answers();
      assertTrue(answer.startsWith("RTSP/1.0 200 OK\r\n"), answer);
    }
  }
}
