package org.authhost.host.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Now pane's figures, on the fake clock: rates over their windows, from the counters. */
class LiveFiguresTest {
  final MutableClock clock = new MutableClock();
  final HostMetrics metrics = new HostMetrics();
  final AtomicInteger connections = new AtomicInteger();
  final LiveFigures figures = new LiveFigures(metrics, connections::get, clock, clock);

  @BeforeEach
  void start() throws Exception {
    figures.start();
  }

  @AfterEach
  void stop() throws Exception {
    figures.stop();
  }

  void answer(String front, int status, int times) {
    for (int i = 0; i < times; i++) {
      metrics.answers(front).count(status);
    }
  }

  @Test
  void requestsPerSecondIsTheLastFiveSecondsOfEveryFront() {
    // 10 answers a second for 10 s: the window holds 50 of them.
    for (int s = 0; s < 10; s++) {
      answer(HostMetrics.HTTP, 200, 6);
      answer(HostMetrics.RTSP, 401, 2);
      answer("auth_request", 403, 2);
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(10.0, figures.now().requestsPerSecond(), 1e-9);

    // Then 100 in one burst, and quiet: the burst counts while it is in the window, then not.
    answer(HostMetrics.HTTP, 200, 100);
    assertEquals((50 + 100) / 5.0, figures.now().requestsPerSecond(), 1e-9);
    clock.advance(Duration.ofSeconds(5));
    assertEquals(100 / 5.0, figures.now().requestsPerSecond(), 1e-9);
    clock.advance(Duration.ofSeconds(1));
    assertEquals(0.0, figures.now().requestsPerSecond(), 1e-9);
  }

  @Test
  void aHostYoungerThanTheWindowAveragesOverItsLife() {
    answer(HostMetrics.HTTP, 200, 4);
    clock.advance(Duration.ofSeconds(2));
    assertEquals(2.0, figures.now().requestsPerSecond(), 1e-9);
    // Half-way to the next reading: the rate is over the time that passed, not whole seconds.
    clock.advance(Duration.ofMillis(500));
    answer(HostMetrics.HTTP, 200, 1);
    assertEquals(2.0, figures.now().requestsPerSecond(), 1e-9);
  }

  @Test
  void logonsAreCountedOverTheLastMinuteByPluginAndResult() {
    metrics.logon("digest", LogonResult.CONTINUE);
    metrics.logon("digest", LogonResult.SUCCESS);
    clock.advance(Duration.ofSeconds(30));
    metrics.logon("basic", LogonResult.DENIED);
    metrics.logon("basic", LogonResult.DENIED);
    metrics.logon("digest", LogonResult.SUCCESS);
    assertEquals(
        List.of(
            new NowFigures.LogonRate("basic", "denied", 2),
            new NowFigures.LogonRate("digest", "success", 2),
            new NowFigures.LogonRate("digest", "continue", 1)),
        figures.now().logonsLastMinute());

    clock.advance(Duration.ofSeconds(31));
    assertEquals(
        List.of(
            new NowFigures.LogonRate("basic", "denied", 2),
            new NowFigures.LogonRate("digest", "success", 1)),
        figures.now().logonsLastMinute(),
        "the first two are more than a minute old");
    clock.advance(Duration.ofMinutes(1));
    assertEquals(List.of(), figures.now().logonsLastMinute());
  }

  @Test
  void connectionsAndHandshakesAreTheirCurrentValues() {
    connections.set(7);
    metrics.handshakeBegun();
    metrics.handshakeBegun();
    metrics.handshakeEnded();
    NowFigures now = figures.now();
    assertEquals(7, now.openConnections());
    assertEquals(1, now.handshakesInProgress());
    assertEquals(clock.instant(), now.at());
  }

  @Test
  void aStoppedFigureSamplesNoMore() throws Exception {
    int scheduled = clock.scheduledTasks();
    figures.stop();
    assertEquals(scheduled - 1, clock.scheduledTasks(), "its sampling is cancelled");
  }
}
