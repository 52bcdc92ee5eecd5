package org.authhost.host.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A bound handshake waiting for the client's next leg is counted once, and its count ends once:
 * when the leg arrives, or when the connection closes first (the client gave up).
 */
class ClientConnectionHandshakeTest {
  final AtomicInteger waiting = new AtomicInteger();
  final ClientConnection connection =
      new ClientConnection(new InetSocketAddress("127.0.0.1", 50_000), false);

  boolean await() {
    boolean counted = connection.awaitNextLeg(waiting::decrementAndGet);
    if (counted) {
      waiting.incrementAndGet();
    }
    return counted;
  }

  @Test
  void theNextLegEndsTheWait() {
    assertTrue(await());
    assertFalse(await(), "a second challenge on the same connection is the same wait");
    assertEquals(1, waiting.get());
    connection.nextLegArrived();
    assertEquals(0, waiting.get());
    connection.nextLegArrived();
    connection.close();
    assertEquals(0, waiting.get(), "ended once");
  }

  @Test
  void aConnectionClosedMidHandshakeEndsTheWait() {
    assertTrue(await());
    connection.close();
    assertEquals(0, waiting.get());
    assertFalse(await(), "a closed connection waits for nothing");
    assertEquals(0, waiting.get());
  }
}
