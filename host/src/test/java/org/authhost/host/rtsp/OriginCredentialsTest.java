package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** AuthHost's credentials towards an origin: Digest anywhere, Basic in clear to loopback only. */
class OriginCredentialsTest {
  @Test
  void anOriginWithoutUserInformationGetsNoCredentials() {
    assertNull(OriginCredentials.of(null, "127.0.0.1"));
    assertNull(OriginCredentials.of("", "192.0.2.50"));
  }

  @Test
  void basicGoesToALoopbackOriginOnly() {
    OriginCredentials local = OriginCredentials.of("relay:pw", "127.0.0.1");
    assertTrue(local.challenged(List.of("Basic realm=\"cam\"")));
    assertEquals("Basic cmVsYXk6cHc=", local.authorization("DESCRIBE", "rtsp://127.0.0.1/x"));

    OriginCredentials remote = OriginCredentials.of("relay:pw", "192.0.2.50");
    assertFalse(remote.challenged(List.of("Basic realm=\"cam\"")));
    assertTrue(remote.basicWithheld());
    assertNull(remote.authorization("DESCRIBE", "rtsp://192.0.2.50/x"));

    assertTrue(
        remote.challenged(List.of("Basic realm=\"cam\"", "Digest realm=\"cam\", nonce=\"n\"")));
    assertFalse(remote.basicWithheld());
    assertTrue(remote.authorization("DESCRIBE", "rtsp://192.0.2.50/x").startsWith("Digest "));
  }

  @Test
  void loopbackMeansThisMachineOnly() {
    for (String h : List.of("127.0.0.1", "127.1.2.3", "localhost", "::1")) {
      assertTrue(OriginCredentials.loopback(h), h);
    }
    for (String h : List.of("192.0.2.50", "cam.example", "127.example", "::2")) {
      assertFalse(OriginCredentials.loopback(h), h);
    }
  }
}
