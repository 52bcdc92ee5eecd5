package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * The idle time-out on the host's clock, below the socket: a read batch moves it (noted at its
 * first read), a flush moves it, and a connection with neither for the idle time is closed. Only
 * the fake clock moves.
 */
class IdleDeadlineTest {
  private static final Duration IDLE = Duration.ofMillis(1_000);
  private final MutableClock clock = new MutableClock();

  private EmbeddedChannel open() {
    return new EmbeddedChannel(new IdleDeadline(clock, clock, IDLE));
  }

  /** Advances the clock and runs what the deadline handed to the channel's loop. */
  private void advance(EmbeddedChannel ch, long millis) {
    clock.advance(Duration.ofMillis(millis));
    ch.runPendingTasks();
  }

  @Test
  void aConnectionWithNoTrafficIsClosedAfterTheIdleTime() {
    EmbeddedChannel ch = open();
    advance(ch, 999);
    assertTrue(ch.isOpen());
    advance(ch, 1);
    assertFalse(ch.isOpen());
  }

  @Test
  void aReadBatchMovesTheDeadline() {
    EmbeddedChannel ch = open();
    advance(ch, 600);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}), Unpooled.wrappedBuffer(new byte[] {2}));
    ch.releaseInbound();
    assertClosesASecondAfter(ch, "the batch");
  }

  @Test
  void eachReadBatchMovesTheDeadline() {
    EmbeddedChannel ch = open();
    advance(ch, 600);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
    advance(ch, 600);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {2}));
    ch.releaseInbound();
    assertClosesASecondAfter(ch, "the second batch");
  }

  @Test
  void aFlushMovesTheDeadline() {
    EmbeddedChannel ch = open();
    advance(ch, 600);
    ch.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1}));
    ch.releaseOutbound();
    assertClosesASecondAfter(ch, "the flush");
  }

  /** Open for 999 ms of idleness since {@code what}, closed at the 1,000th. */
  private void assertClosesASecondAfter(EmbeddedChannel ch, String what) {
    advance(ch, 999);
    assertTrue(ch.isOpen(), "idle for 999 ms since " + what);
    advance(ch, 1);
    assertFalse(ch.isOpen());
  }
}
