package org.authhost.host.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A plug-in's call times as the guard keeps them: one object per plug-in, a series per method. */
class PluginCallTimesTest {
  private static PrometheusText scrape(HostMetrics metrics) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.scrape());
    return PrometheusText.parse(out.toString(StandardCharsets.UTF_8));
  }

  private static double count(PrometheusText text, String plugin, String method) {
    return text.value("authhost_plugin_call_seconds_count", "plugin", plugin, "method", method);
  }

  @Test
  void everyCallerOfOnePluginGetsTheSameSeriesAndAnEqualNameCountsInTheSameOne() throws Exception {
    HostMetrics metrics = new HostMetrics();
    PluginCallTimes digest = metrics.pluginCalls("digest");
    assertSame(digest, metrics.pluginCalls("digest"));
    digest.observe("Authenticate", 1_000);
    // A name built at run time, not the host's constant: equal, so the same series.
    digest.observe(new String("Authenticate".toCharArray()), 1_000);
    metrics.pluginCall("digest", "Authenticate", 1_000);
    metrics.pluginCalls("basic").observe("Authenticate", 1_000);

    PrometheusText text = scrape(metrics);
    assertEquals(3, count(text, "digest", "Authenticate"));
    assertEquals(1, count(text, "basic", "Authenticate"));
  }

  @Test
  void methodsPastTheFirstTableAndFromTwoThreadsAtOnceEachKeepTheirOwnCount() throws Exception {
    HostMetrics metrics = new HostMetrics();
    PluginCallTimes times = metrics.pluginCalls("p");
    // 40 methods: the table starts at 16 slots and is never more than half full, so it is
    // replaced three times while both threads add and count.
    CountDownLatch go = new CountDownLatch(1);
    Runnable caller =
        () -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          for (int round = 0; round < 50; round++) {
            for (int m = 0; m < 40; m++) {
              times.observe("Method" + m, m);
            }
          }
        };
    Thread one = new Thread(caller);
    Thread two = new Thread(caller);
    one.start();
    two.start();
    go.countDown();
    one.join();
    two.join();

    PrometheusText text = scrape(metrics);
    for (int m = 0; m < 40; m++) {
      assertEquals(100, count(text, "p", "Method" + m), "Method" + m);
      assertEquals(
          100 * m * 1e-9,
          text.value("authhost_plugin_call_seconds_sum", "plugin", "p", "method", "Method" + m),
          1e-12);
    }
  }
}
