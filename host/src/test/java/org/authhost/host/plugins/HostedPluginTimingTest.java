package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.Map;
import org.authhost.host.metrics.HostMetrics;
import org.junit.jupiter.api.Test;

/**
 * Where the guard counts a plug-in's call times: found once per plug-in, in the guard's metrics.
 */
class HostedPluginTimingTest {
  @Test
  void thePluginKeepsItsSeriesOfTheMetricsAskedAndAnotherMetricsGetsItsOwn() {
    HostedPlugin plugin =
        new HostedPlugin(
            new PluginDescriptor("p", "1.0", ApiVersion.of("1.0"), "none", "", Path.of("p.jar")),
            new HostNamedValues("p", Map.of()));
    HostMetrics host = new HostMetrics();
    assertSame(host.pluginCalls("p"), plugin.timing(host));
    assertSame(plugin.timing(host), plugin.timing(host));
    HostMetrics other = new HostMetrics();
    assertSame(other.pluginCalls("p"), plugin.timing(other), "not the first metrics' series");
    assertNotSame(host.pluginCalls("p"), plugin.timing(other));
    assertSame(host.pluginCalls("p"), plugin.timing(host), "and back");
  }
}
