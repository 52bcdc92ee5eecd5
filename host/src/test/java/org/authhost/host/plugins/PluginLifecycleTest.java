package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventQuery;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.Test;

/** Status bits through enable / disable / failure, and heartbeats with the WMS floor. */
class PluginLifecycleTest extends HostTestBase {
  private void start(String settings) throws Exception {
    startHost(settings);
  }

  private long heartbeats() {
    return host.eventLog().query(EventQuery.all().withSource("heartbeat")).stream()
        .filter(e -> e.text().equals("heartbeat"))
        .count();
  }

  @Test
  void heartbeatsArriveAtThePeriodAndStopWhenDisabled() throws Exception {
    PluginJar.of("heartbeat", "org.authhost.testplugins.heartbeat.HeartbeatPlugin")
        .writeTo(root.resolve("plugins"), "heartbeat.jar");
    start(
        "\"settings\": { \"heartbeat\": { \"enabled\": true, \"properties\": { \"period\": \"150\" } } }");

    clock.advance(Duration.ofSeconds(1));
    assertEquals(6, heartbeats(), "heartbeats in 1 s at 150 ms: at 150, 300, ... 900 ms");

    int scheduled = clock.scheduledTasks();
    host.plugins().disable("heartbeat");
    assertEquals(scheduled - 1, clock.scheduledTasks(), "DisablePlugin cancels the heartbeat");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(6, heartbeats(), "heartbeats went on after DisablePlugin");
  }

  @Test
  void aPeriodOfOneHundredMillisecondsOrLessNeverFires() throws Exception {
    PluginJar.of("heartbeat", "org.authhost.testplugins.heartbeat.HeartbeatPlugin")
        .writeTo(root.resolve("plugins"), "heartbeat.jar");
    start(
        "\"settings\": { \"heartbeat\": { \"enabled\": true, \"properties\": { \"period\": \"100\" } } }");

    clock.advance(Duration.ofSeconds(1));
    assertEquals(0, heartbeats());
    assertNull(host.plugins().hosted("heartbeat").heartbeatInFlight(), "never called");
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ENABLED,
        host.plugins().plugin("heartbeat").orElseThrow().status());
  }

  @Test
  void operatorDisableAndEnableMoveTheStatusBitsAndTheOffer() throws Exception {
    PluginJar.of("good", "org.authhost.testplugins.TestPlugin")
        .writeTo(root.resolve("plugins"), "good.jar");
    PluginJar.of("off", "org.authhost.testplugins.TestPlugin")
        .writeTo(root.resolve("plugins"), "off.jar");
    start("\"order\": [\"off\", \"good\"], \"settings\": { \"off\": { \"enabled\": false } }");

    assertEquals(PluginStatus.LOADED, host.plugins().plugin("off").orElseThrow().status());
    assertEquals(List.of("good"), offered());

    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, host.plugins().enable("off").status());
    assertEquals(List.of("off", "good"), offered(), "configured order");

    assertEquals(PluginStatus.LOADED, host.plugins().disable("good").status());
    assertEquals(List.of("off"), offered());
    assertEquals(
        AuthenticationResult.ERROR,
        authenticate("good").result(),
        "a disabled plug-in fails closed");
  }

  @Test
  void enablingAPluginInErrorClearsErrorCodeAndErrorText() throws Exception {
    PluginJar.of("throwing", "org.authhost.testplugins.throwing.ThrowingPlugin")
        .writeTo(root.resolve("plugins"), "throwing.jar");
    start("");
    authenticate("throwing");
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ERROR,
        host.plugins().plugin("throwing").orElseThrow().status());

    PluginView enabled = host.plugins().enable("throwing");

    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, enabled.status());
    assertEquals(HResult.S_OK, enabled.errorCode());
    assertEquals("", enabled.errorText());
  }

  @Test
  void stopCallsDisableThenShutdownAndIsIdempotent() throws Exception {
    PluginJar.of("good", "org.authhost.testplugins.TestPlugin")
        .writeTo(root.resolve("plugins"), "good.jar");
    start("");
    host.stop();
    host.stop();
    assertEquals(LifeCycle.State.STOPPED, host.state());
    var store = EventLogStore.openReader(host.config().eventLog().directory());
    var last =
        store.query(EventQuery.all().withLevel(EventLevel.INFORMATION)).stream()
            .map(e -> e.text())
            .toList();
    assertEquals("host stopped", last.get(last.size() - 1));
    host = null;
  }

  private List<String> offered() {
    return host.plugins().offeredAuthenticationPlugins().stream().map(PluginView::id).toList();
  }
}
