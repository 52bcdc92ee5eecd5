package org.authhost.host.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CallTimesTest {
  @Test
  void eachCallFallsInTheFirstBucketThatHoldsItAndTheScrapeReadsThemCumulatively()
      throws Exception {
    HostMetrics metrics = new HostMetrics();
    metrics.pluginCall("digest", "Authenticate", 50_000); // on the 50 µs bound: in it
    metrics.pluginCall("digest", "Authenticate", 50_001); // just past it: the next one
    metrics.pluginCall("digest", "Authenticate", 31_000_000_000L); // past the last bound: +Inf
    metrics.pluginCall("digest", "Authenticate", -5); // a clock step back counts as 0
    metrics.pluginCall("digest", "Release", 2_000_000); // another method, its own series

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.scrape());
    PrometheusText text = PrometheusText.parse(out.toString(StandardCharsets.UTF_8));

    String[] authenticate = {"plugin", "digest", "method", "Authenticate"};
    assertEquals(4, text.value("authhost_plugin_call_seconds_count", authenticate));
    assertEquals(31.000100001, text.value("authhost_plugin_call_seconds_sum", authenticate), 1e-9);
    assertEquals(2, bucket(text, "5.0E-5", authenticate));
    assertEquals(3, bucket(text, "1.0E-4", authenticate));
    assertEquals(3, bucket(text, "30.0", authenticate));
    assertEquals(4, bucket(text, "+Inf", authenticate));
    String[] release = {"plugin", "digest", "method", "Release"};
    assertEquals(0, bucket(text, "0.001", release));
    assertEquals(1, bucket(text, "0.0025", release));
    assertEquals(1, text.value("authhost_plugin_call_seconds_count", release));
  }

  private static double bucket(PrometheusText text, String le, String... labels) {
    String[] all = new String[labels.length + 2];
    System.arraycopy(labels, 0, all, 0, labels.length);
    all[labels.length] = "le";
    all[labels.length + 1] = le;
    return text.value("authhost_plugin_call_seconds_bucket", all);
  }
}
