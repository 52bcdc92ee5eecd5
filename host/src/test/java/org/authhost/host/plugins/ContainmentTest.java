package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.containment.Containment;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.PublicBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real plug-in JARs that try to end the host's process or reach into its private state: each call
 * is refused where it is made, one ERROR event names the plug-in, its file and the call, the
 * plug-in is out of service, and the host and its other plug-ins serve on.
 */
class ContainmentTest extends HostTestBase {
  /** Where a test and its plug-in meet in the system properties (see the plug-ins). */
  private final String key = "authhost.test.containment." + UUID.randomUUID();

  @BeforeEach
  void guardIsOn() {
    // The surefire JVM runs with the launcher's -javaagent; without it this whole class is moot.
    Containment.Status status = Containment.install();
    assertTrue(status.active(), status.detail());
  }

  @AfterEach
  void forget() {
    System.getProperties().remove(key);
  }

  /** The plug-in {@code id} from source set {@code sourceSet}, with {@code how}, and "good". */
  private void start(String sourceSet, String entryPoint, String id, String how) throws Exception {
    PluginJar.of(sourceSet, entryPoint)
        .with("id", id)
        .writeTo(root.resolve("plugins"), id + ".jar");
    PluginJar.of("good", "org.authhost.testplugins.TestPlugin")
        .writeTo(root.resolve("plugins"), "good.jar");
    startHost(
        "\"settings\": { \""
            + id
            + "\": { \"enabled\": true, \"properties\": { \"how\": \""
            + how
            + "\", \"done\": \""
            + key
            + "\", \"loot\": \""
            + key
            + "\" } } }");
  }

  private void startExiting(String id, String how) throws Exception {
    start("exiting", "org.authhost.testplugins.exiting.ExitingPlugin", id, how);
  }

  private void startSnooping(String id, String how) throws Exception {
    start("snooping", "org.authhost.testplugins.snooping.SnoopingPlugin", id, how);
  }

  private List<EventRecord> errorsAbout(String pluginId) {
    return host.eventLog().query(EventQuery.all()).stream()
        .filter(e -> e.level() == EventLevel.ERROR)
        .filter(
            e -> e.source().equals(pluginId) || e.source().equals(HostEvents.aboutPlugin(pluginId)))
        .toList();
  }

  /** The one ERROR event about the plug-in, which names it, its file and {@code call}. */
  private void assertOneRefusal(String pluginId, String call, String from) {
    List<EventRecord> errors = errorsAbout(pluginId);
    assertEquals(1, errors.size(), errors.toString());
    EventRecord e = errors.get(0);
    assertEquals(HResult.E_ACCESSDENIED, e.hresult());
    assertTrue(e.text().contains("plug-in '" + pluginId + "'"), e.text());
    assertTrue(
        e.text().contains(root.resolve("plugins/" + pluginId + ".jar").toString()), e.text());
    assertTrue(e.text().contains(call), e.text());
    assertTrue(e.text().contains(from), e.text());
    PluginView v = host.plugins().plugin(pluginId).orElseThrow();
    assertTrue(v.inError(), v.statusText());
    assertEquals(HResult.E_ACCESSDENIED, v.errorCode());
  }

  /** The host is up and its other plug-in serves. */
  private void assertHostServes() throws Exception {
    assertTrue(host.isStarted());
    assertEquals(AuthenticationResult.SUCCESS, authenticate("good").result());
  }

  @Test
  void systemExitInAuthenticateIsRefused() throws Exception {
    startExiting("exit-direct", "exit");

    AuthenticationOutcome outcome = authenticate("exit-direct");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertEquals(HResult.E_ACCESSDENIED, outcome.hresult());
    assertOneRefusal("exit-direct", "Runtime.exit(3)", "ExitingPlugin.authenticate");
    assertFalse(
        host.plugins().offeredAuthenticationPlugins().stream()
            .anyMatch(p -> p.id().equals("exit-direct")),
        "out of service");
    assertHostServes();
  }

  @Test
  void runtimeExitThroughReflectionIsRefused() throws Exception {
    startExiting("exit-reflect", "reflect");

    AuthenticationOutcome outcome = authenticate("exit-reflect");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertOneRefusal("exit-reflect", "Runtime.exit(4)", "ExitingPlugin.authenticate");
    assertHostServes();
  }

  @Test
  void runtimeExitThroughAMethodHandleIsRefused() throws Exception {
    startExiting("exit-handle", "handle");

    AuthenticationOutcome outcome = authenticate("exit-handle");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertOneRefusal("exit-handle", "Runtime.exit(6)", "ExitingPlugin.authenticate");
    assertHostServes();
  }

  @Test
  void haltFromAThreadThePluginStartedIsRefused() throws Exception {
    CountDownLatch tried = new CountDownLatch(1);
    System.getProperties().put(key, tried);
    startExiting("halt-thread", "thread");

    assertEquals(AuthenticationResult.SUCCESS, authenticate("halt-thread").result());
    assertTrue(tried.await(10, TimeUnit.SECONDS), "the plug-in's thread called halt");

    // Reported before the refusal reached the thread, so before the latch.
    assertOneRefusal("halt-thread", "Runtime.halt(5)", "ExitingPlugin.lambda$");
    assertHostServes();
  }

  @Test
  void exitThroughAJdkProxyOfAMethodHandleOnAPluginThreadIsRefused() throws Exception {
    CountDownLatch tried = new CountDownLatch(1);
    System.getProperties().put(key, tried);
    startExiting("exit-proxy", "proxy");

    assertEquals(AuthenticationResult.SUCCESS, authenticate("exit-proxy").result());
    assertTrue(tried.await(10, TimeUnit.SECONDS), "the plug-in's thread called exit");

    // The JDK defines the proxy in the plug-in's loader; were it not, the thread's context class
    // loader, inherited from the plug-in's call, would name the plug-in.
    assertOneRefusal("exit-proxy", "Runtime.exit(8)", "exit-proxy");
    assertHostServes();
  }

  @Test
  void systemExitInEnablePluginIsRefusedAndTheHostStarts() throws Exception {
    startExiting("exit-enable", "enable");

    assertOneRefusal("exit-enable", "Runtime.exit(7)", "ExitingPlugin.enable");
    assertHostServes();
  }

  @Test
  void reflectionIntoTheServerContextIsRefused() throws Exception {
    startSnooping("snoop-field", "field");

    AuthenticationOutcome outcome = authenticate("snoop-field");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertOneRefusal(
        "snoop-field",
        "setAccessible(true) on " + HostServerContext.class.getName(),
        "SnoopingPlugin.authenticate");
    assertNull(System.getProperties().get(key), "the plug-in got nothing");
    assertHostServes();
  }

  @Test
  void aPrivateLookupIntoTheHostIsRefused() throws Exception {
    startSnooping("snoop-lookup", "lookup");

    AuthenticationOutcome outcome = authenticate("snoop-lookup");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertOneRefusal(
        "snoop-lookup",
        "MethodHandles.privateLookupIn on " + HostServerContext.class.getName(),
        "SnoopingPlugin.authenticate");
    assertNull(System.getProperties().get(key), "the plug-in got nothing");
    assertHostServes();
  }

  @Test
  void drivingTheHostsJacksonIntoTheHostIsRefused() throws Exception {
    startSnooping("snoop-jackson", "jackson");

    AuthenticationOutcome outcome = authenticate("snoop-jackson");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertOneRefusal(
        "snoop-jackson",
        "setAccessible(true) on " + HostServerContext.class.getName(),
        "SnoopingPlugin.authenticate");
    assertNull(System.getProperties().get(key), "the plug-in got nothing");
    assertHostServes();
  }

  @Test
  void reflectionIntoAnotherPluginIsRefused() throws Exception {
    startSnooping("snoop-neighbour", "neighbour");
    System.getProperties().put(key + ".neighbour", host.plugins().hosted("good").instance());

    try {
      AuthenticationOutcome outcome = authenticate("snoop-neighbour");

      assertEquals(AuthenticationResult.ERROR, outcome.result());
      assertOneRefusal(
          "snoop-neighbour",
          "Field.setAccessible(true) on org.authhost.testplugins.TestPlugin.server",
          "SnoopingPlugin.authenticate");
      assertTrue(
          errorsAbout("snoop-neighbour").get(0).text().contains("another plug-in ('good')"),
          errorsAbout("snoop-neighbour").toString());
      assertNull(System.getProperties().get(key), "the plug-in got nothing");
      assertHostServes();
    } finally {
      System.getProperties().remove(key + ".neighbour");
    }
  }

  @Test
  void reflectionIntoItsOwnClassesIsThePluginsBusiness() throws Exception {
    startSnooping("snoop-own", "own");

    AuthenticationOutcome outcome = authenticate("snoop-own");

    assertEquals(AuthenticationResult.SUCCESS, outcome.result());
    assertEquals("mine", System.getProperties().get(key));
    assertTrue(errorsAbout("snoop-own").isEmpty());
  }

  @Test
  void aPluginNamedAsTheGuardItselfIsRefusedAtLoad() throws Exception {
    // Every class in org.authhost.host.containment, no TestPlugin: the guard once skipped such
    // frames by name, so this plug-in's EnablePlugin read the host's private state.
    PluginJar.of("impostor", "org.authhost.host.containment.ImpostorPlugin")
        .compiledAgainst(
            Path.of(HResult.class.getProtectionDomain().getCodeSource().getLocation().toURI()))
        .writeTo(root.resolve("plugins"), "impostor.jar");
    PluginJar.of("good", "org.authhost.testplugins.TestPlugin")
        .writeTo(root.resolve("plugins"), "good.jar");
    System.getProperties().remove("authhost.test.impostor");

    startHost("\"settings\": { \"impostor\": { \"enabled\": true } }");

    try {
      assertNull(System.getProperties().get("authhost.test.impostor"), "the plug-in got nothing");
      List<EventRecord> errors =
          host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR)).stream()
              .filter(e -> e.text().contains("[plugin/reserved-package]"))
              .toList();
      assertEquals(1, errors.size(), errors.toString());
      String text = errors.get(0).text();
      assertTrue(text.contains(root.resolve("plugins/impostor.jar").toString()), text);
      assertTrue(text.contains("org.authhost.host.containment."), text);
      assertTrue(text.contains("Fix: move the plug-in's classes"), text);
      assertTrue(
          host.plugins().plugins().stream()
              .noneMatch(v -> v.id().equals("impostor") && !v.inError()),
          "not in service");
      assertHostServes();
    } finally {
      System.getProperties().remove("authhost.test.impostor");
    }
  }

  @Test
  void theDiagnosticCommandThatLoadsAnAgentIsRefused() throws Exception {
    startSnooping("snoop-agent", "agent");

    AuthenticationOutcome outcome = authenticate("snoop-agent");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertOneRefusal(
        "snoop-agent",
        "DiagnosticCommandImpl.invoke(jvmtiAgentLoad)",
        "SnoopingPlugin.authenticate");
    assertNull(System.getProperties().get(key), "the plug-in got nothing");
    assertHostServes();
  }

  @Test
  void aProbeWithTrySetAccessibleIsAnsweredFalseAndNotHeldAgainstThePlugin() throws Exception {
    startSnooping("snoop-try", "try");

    AuthenticationOutcome outcome = authenticate("snoop-try");

    assertEquals(AuthenticationResult.SUCCESS, outcome.result());
    assertEquals("false", System.getProperties().get(key));
    assertTrue(errorsAbout("snoop-try").isEmpty(), errorsAbout("snoop-try").toString());
    assertFalse(host.plugins().plugin("snoop-try").orElseThrow().inError());
  }

  @Test
  void aJdkProxyOfAnApiInterfaceIsThePluginsBusiness() throws Exception {
    startSnooping("snoop-apiproxy", "apiproxy");

    AuthenticationOutcome outcome = authenticate("snoop-apiproxy");

    assertEquals(AuthenticationResult.SUCCESS, outcome.result());
    assertEquals("proxied true", System.getProperties().get(key));
    assertTrue(errorsAbout("snoop-apiproxy").isEmpty(), errorsAbout("snoop-apiproxy").toString());
  }

  @Test
  void jacksonAsItComesMayMakePublicGettersOfTheHostAccessible() throws Exception {
    startSnooping("snoop-publicbean", "publicbean");
    System.getProperties().put(key + ".bean", new PublicBean());

    try {
      AuthenticationOutcome outcome = authenticate("snoop-publicbean");

      assertEquals(AuthenticationResult.SUCCESS, outcome.result());
      assertEquals("{\"name\":\"bean\"}", System.getProperties().get(key));
      assertTrue(
          errorsAbout("snoop-publicbean").isEmpty(), errorsAbout("snoop-publicbean").toString());
    } finally {
      System.getProperties().remove(key + ".bean");
    }
  }

  @Test
  void anAgentLoadFromAProxyOnThePoolIsRefusedAndTheRefusalThrownOnIsStillAFailure()
      throws Exception {
    startSnooping("snoop-pool", "pool");

    AuthenticationOutcome outcome = authenticate("snoop-pool");

    // The refusal named no plug-in (no frame of its, the pool's context loader), so the host
    // reported nothing when it was made: the exception Authenticate threw is the failure.
    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertNull(System.getProperties().get(key), "the plug-in got nothing");
    List<EventRecord> errors = errorsAbout("snoop-pool");
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).text().contains("failed in Authenticate"), errors.toString());
    assertTrue(
        errors.get(0).text().contains("DiagnosticCommandImpl.invoke(jvmtiAgentLoad)"),
        errors.toString());
    assertTrue(errors.get(0).text().contains("unknown code"), errors.toString());
    assertTrue(host.plugins().plugin("snoop-pool").orElseThrow().inError());
    assertHostServes();
  }
}
