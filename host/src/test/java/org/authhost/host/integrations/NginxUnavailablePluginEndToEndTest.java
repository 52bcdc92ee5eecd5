package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.authhost.host.testing.PrivateNginx;
import org.authhost.host.testing.StreamingTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plug-in taken out of service while real nginx asks about its point: the client gets 403 with
 * the reason and when to try again, never the 500 nginx makes of any status but 2xx, 401 and 403. A
 * class of its own: the plug-in stays disabled.
 */
class NginxUnavailablePluginEndToEndTest {
  @TempDir static Path root;

  static StreamingHost host;
  static PrivateNginx nginx;

  @BeforeAll
  static void start() throws Exception {
    StreamingTools.nginx();
    host =
        StreamingHost.start(
            root.resolve("host"),
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins" },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "integrations": {
                "nginxAuthRequest": { "path": "/.authhost/nginx", "points": ["hls"],
                                      "identityHeader": "X-AuthHost-User" }
              },
              "publishingPoints": [ { "name": "hls", "prefix": "/hls/", "plugins": ["basic"] } ]
            }
            """,
            List.of("authhost-plugin-basic.jar"),
            "alice",
            "pw-alice");
    Path prefix = root.resolve("nginx");
    Files.createDirectories(prefix.resolve("html/hls"));
    Files.writeString(prefix.resolve("html/hls/a.txt"), "a\n");
    nginx = NginxRecipe.startWithoutApp(prefix, host.port());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (nginx != null) {
        nginx.close();
      }
    } finally {
      if (host != null) {
        host.stop();
      }
    }
  }

  @Test
  void aDisabledPluginGives403WithTheReasonNot500() throws Exception {
    String url = "http://127.0.0.1:" + nginx.port("http") + "/hls/a.txt";
    assertEquals(200, CurlRun.run(root, "-u", "alice:pw-alice", url).status());

    host.disablePlugin("basic");

    CurlRun r = CurlRun.run(root, "-u", "alice:pw-alice", url);
    assertEquals(403, r.status(), r.verbose() + nginx.errorLog());
    assertEquals(
        List.of("X-AuthHost-Reason: unavailable"), r.received("X-AuthHost-Reason:"), r.verbose());
    List<String> retry = r.received("Retry-After:");
    assertEquals(1, retry.size(), r.verbose());
    assertTrue(retry.get(0).matches("(?i)Retry-After: [1-9][0-9]*"), retry.toString());
    assertFalse(
        nginx.errorLog().contains("auth request unexpected status"),
        "nginx got only statuses it passes on: " + nginx.errorLog());
  }
}
