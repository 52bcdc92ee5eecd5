package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.RtspOrigin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One mistyped password in GStreamer's rtspsrc, with the default lockout (threshold 5): rtspsrc
 * sends its {@code user-pw} again on every 401, up to nine times, on one connection. Each retry is
 * the same octets (the Digest plug-in challenges a wrong RFC 2069 response again on its nonce), so
 * the host counts one failed logon: the player shows 401, not 429, the account is not locked, and
 * the right password plays next.
 */
class RtspWrongPasswordEndToEndTest {
  @TempDir static Path root;
  static RtspOrigin origin;
  static StreamingHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    origin = RtspHost.origin(root);
    host =
        RtspHost.start(
            root,
            """
            "digest": { "enabled": true, "properties": { "realm": "AuthHost" } }
            """,
            "\"accounts\": { \"digestRealms\": [\"AuthHost\"] }",
            RtspHost.cam(origin.port(), "\"digest\"", "Users"),
            List.of("authhost-plugin-digest.jar"),
            List.of("carol"));
    port = RtspHost.rtspPort(host);
  }

  @AfterAll
  static void stop() throws Exception {
    RtspHost.stop(host, origin);
  }

  @Test
  void oneWrongPasswordIsOneFailedLogonAnd401ThenTheRightOnePlays() throws Exception {
    BoundedProcess.Exit wrong = RtspEndToEndTest.gstreamer(root, port, "carol", "wrong");
    String out = wrong.output();
    assertNotEquals(0, wrong.status(), out);
    assertTrue(out.contains("Unauthorized (401)"), out);
    assertFalse(out.contains("429"), out);
    List<String> failed = host.audited("logon failed", "carol");
    assertEquals(1, failed.size(), "one failed logon toward the lockout: " + failed);
    assertFalse(
        host.awaitAudited(RtspEndToEndTest.BOUND, "sent again unchanged", "carol").isEmpty(),
        "rtspsrc did send it again");
    assertEquals(List.of(), host.audited("lockout:"));

    RtspEndToEndTest.assertGstreamerPlayed(
        RtspEndToEndTest.gstreamer(root, port, "carol", "pw-carol"));
  }
}
