package org.authhost.host.integrations;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.authhost.host.testing.RtspOrigin;

/**
 * A real host's RTSP front before a real origin (GStreamer's RTSP server): what the RTSP end-to-end
 * tests share, so that each keeps only its plug-in settings, points, accounts and assertions. The
 * host's audit is not summarized (every refusal is its own event) and both fronts listen on free
 * ports.
 */
final class RtspHost {
  /**
   * Lockout thresholds no test's refusals reach: a test that is refused on purpose must not lock
   * out the account or the address the next test uses.
   */
  static final String LENIENT_LOCKOUT =
      "\"security\": { \"lockout\": { \"threshold\": 50, \"addressThreshold\": 500 } }";

  private RtspHost() {}

  /**
   * The point {@code cam} ({@code /cam/}) to the origin on {@code originPort}, offering {@code
   * plugins} (JSON strings, e.g. {@code "\"digest\""}), readable by {@code reader} alone.
   */
  static String cam(int originPort, String plugins, String reader) {
    return """
        { "name": "cam", "prefix": "/cam/", "origin": "rtsp://127.0.0.1:%d/",
          "plugins": [%s], "acl": [ { "principal": "%s", "rights": ["read"] } ] }
        """
        .formatted(originPort, plugins, reader);
  }

  /**
   * An origin in {@code root/origin}; the machine's tools are checked first, so a missing GStreamer
   * is a skip (a failure under {@code AUTHHOST_REQUIRE_RTSP}).
   */
  static RtspOrigin origin(Path root) throws Exception {
    RtspOrigin.requireTools();
    return RtspOrigin.start(root.resolve("origin"));
  }

  /**
   * A host in {@code root/host} whose plug-ins have the settings members {@code settings}, whose
   * config has the top-level {@code members} (security, accounts; may be empty) and the publishing
   * points {@code points}, with the distribution's {@code pluginJars} and the {@code accounts},
   * each with the password {@code pw-NAME}.
   */
  static StreamingHost start(
      Path root,
      String settings,
      String members,
      String points,
      List<String> pluginJars,
      List<String> accounts)
      throws Exception {
    String json =
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "settings": { @SETTINGS@ } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "rtsp": { "port": 0 },
          @MEMBERS@
          "publishingPoints": [ @POINTS@ ]
        }
        """
            // replace, not format: the parts are JSON with quotes and maybe a '%' of their own
            .replace("@SETTINGS@", settings)
            .replace("@MEMBERS@", members.isBlank() ? "" : members + ",")
            .replace("@POINTS@", points);
    String[] pairs = accounts.stream().flatMap(a -> Stream.of(a, "pw-" + a)).toArray(String[]::new);
    return StreamingHost.start(root.resolve("host"), json, pluginJars, pairs);
  }

  /**
   * Stops {@code host}, then closes the {@code parts} it stood before (origins, taps, a provider),
   * each even when one before it failed, those the set-up did not get to start (null) skipped.
   */
  static void stop(StreamingHost host, AutoCloseable... parts) throws Exception {
    List<Teardown.Step> steps = new ArrayList<>();
    steps.add(Teardown.ifStarted(host, StreamingHost::stop));
    for (AutoCloseable part : parts) {
      steps.add(Teardown.ifStarted(part, AutoCloseable::close));
    }
    Teardown.inOrder(steps.toArray(Teardown.Step[]::new));
  }

  /** The {@code rtsp://} port of {@code host}. */
  static int rtspPort(StreamingHost host) {
    return host.host().rtsp().plainPort();
  }
}
