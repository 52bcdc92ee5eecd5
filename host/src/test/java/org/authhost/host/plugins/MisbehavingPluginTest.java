package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.PackageVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.Sid;
import org.authhost.host.AuthHost;
import org.authhost.host.diagnostics.ControlCharacters;
import org.authhost.host.diagnostics.DiagnosticType;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.diagnostics.TroubleshootingEntry;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.kit.KitClient;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real misbehaving plug-in JARs, compiled and loaded through the host: each test pins the exact
 * HResult, status bits, troubleshooting entries and event-log records the WMS rules call for.
 */
class MisbehavingPluginTest extends HostTestBase {
  /** Where the hanging plug-in finds {@link #entered} (see HangingPlugin). */
  private final String enteredKey = "authhost.test.entered." + UUID.randomUUID();

  private CountDownLatch entered;

  @AfterEach
  void forgetLatch() {
    System.getProperties().remove(enteredKey);
  }

  /** Starts a host with the hanging plug-in, and {@code otherPlugin} (a TestPlugin) unless null. */
  private void startHanging(String otherPlugin) throws Exception {
    PluginJar.of("hanging", "org.authhost.testplugins.hanging.HangingPlugin")
        .writeTo(root.resolve("plugins"), "hanging.jar");
    if (otherPlugin != null) {
      PluginJar.of(otherPlugin, "org.authhost.testplugins.TestPlugin")
          .writeTo(root.resolve("plugins"), otherPlugin + ".jar");
    }
    startHost(
        "\"settings\": { \"hanging\": { \"enabled\": true, \"properties\": { \"entered\": \""
            + enteredKey
            + "\" } } }");
  }

  /**
   * From now on, {@link #entered} counts {@code calls} into Authenticate of the hanging plug-in.
   */
  private void expectEntries(int calls) {
    entered = new CountDownLatch(calls);
    System.getProperties().put(enteredKey, entered);
  }

  private CompletableFuture<AuthenticationOutcome> authenticateLater(String pluginId) {
    return host.plugins()
        .session(pluginId)
        .authenticate(new byte[0], KitClient.user(1), KitClient.PRESENTATION, KitClient.COMMAND);
  }

  private CallWatchdog watchdog() {
    return host.plugins().guard().watchdog();
  }

  /** Time limits of the test host (TestHosts): calls and callbacks. */
  private static final Duration LIMIT = Duration.ofMillis(500);

  private AuthHost start(String name, String entryPoint) throws Exception {
    PluginJar.of(name, entryPoint).writeTo(root.resolve("plugins"), name + ".jar");
    return startHost("");
  }

  /** Events by or about the plug-in. */
  private List<EventRecord> eventsAbout(String pluginId) {
    return host.eventLog().query(EventQuery.all()).stream()
        .filter(
            e -> e.source().equals(pluginId) || e.source().equals(HostEvents.aboutPlugin(pluginId)))
        .toList();
  }

  private PluginView view(String id) {
    return host.plugins().plugin(id).orElseThrow();
  }

  @Test
  void aPluginThatThrowsFailsClosedWithTheMappedCodeAndOneHostEvent() throws Exception {
    start("throwing", "org.authhost.testplugins.throwing.ThrowingPlugin");
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, view("throwing").status());

    AuthenticationOutcome outcome = authenticate("throwing");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertEquals(HResult.E_UNEXPECTED, outcome.hresult());
    PluginView v = view("throwing");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, v.status());
    assertEquals(HResult.E_UNEXPECTED, v.errorCode());
    assertTrue(v.errorText().contains("the credential cache is corrupt"), v.errorText());
    List<TroubleshootingEntry> entries =
        host.troubleshooting().entriesFor(HostEvents.aboutPlugin("throwing"));
    assertEquals(1, entries.size());
    assertEquals(DiagnosticType.SERVER_EVENT_LOG_ERROR, entries.get(0).type());
    assertEquals(HResult.E_UNEXPECTED, entries.get(0).hresult());
    List<EventRecord> events = eventsAbout("throwing");
    assertEquals(1, events.size());
    assertEquals(EventLevel.ERROR, events.get(0).level());
    assertEquals(entries.get(0).eventRecordNumber(), events.get(0).recordNumber());
    // Fail closed: no longer offered, and a new session answers ERROR without calling the plug-in.
    assertTrue(host.plugins().offeredAuthenticationPlugins().isEmpty());
    assertEquals(AuthenticationResult.ERROR, authenticate("throwing").result());
    assertEquals(1, eventsAbout("throwing").size());
  }

  @Test
  void aPluginThatHangsIsCutOffAtTheTimeLimit() throws Exception {
    startHanging(null);
    expectEntries(1);
    CompletableFuture<AuthenticationOutcome> answer = authenticateLater("hanging");
    // Attached before the answer can exist (the clock has not moved), so it runs where the answer
    // is given.
    CompletableFuture<Thread> answeredOn = answer.thenApply(o -> Thread.currentThread());
    assertTrue(entered.await(5, TimeUnit.SECONDS), "Authenticate was called");

    clock.advance(LIMIT);
    assertEquals(0, watchdog().check(clock.nanoTime()), "at the limit the call still has its time");
    assertFalse(answer.isDone());
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, view("hanging").status());
    clock.advance(Duration.ofNanos(1));
    // Past it: this check, or the watchdog's own thread reading the same clock, cuts it off.
    watchdog().check(clock.nanoTime());
    // Waited for first: a thread waiting on the answer itself may help run what depends on it.
    Thread answeringThread = answeredOn.get(5, TimeUnit.SECONDS);
    String thread = answeringThread.getName();
    AuthenticationOutcome outcome = answer.get(5, TimeUnit.SECONDS);

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertEquals(HResult.E_TIMEOUT, outcome.hresult());
    assertTrue(
        thread.startsWith("plugin-call-timeout-"),
        "answered off the watchdog and the workers, on " + thread);
    // By identity too: a plug-in with the id "call-timeout" names its threads the same way.
    assertFalse(answeringThread instanceof Bulkhead.Worker, "answered on a plug-in thread");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, view("hanging").status());
    assertEquals(HResult.E_TIMEOUT, view("hanging").errorCode());
    List<TroubleshootingEntry> entries =
        host.troubleshooting().entriesFor(HostEvents.aboutPlugin("hanging"));
    assertEquals(1, entries.size());
    assertEquals(DiagnosticType.SERVER_EVENT_LOG_ERROR, entries.get(0).type());
    assertEquals(HResult.E_TIMEOUT, entries.get(0).hresult());
    List<EventRecord> events = eventsAbout("hanging");
    assertEquals(1, events.size());
    assertEquals(EventLevel.ERROR, events.get(0).level());
    assertTrue(
        events.get(0).text().contains("Authenticate did not return within 500 ms"),
        events.get(0).text());
  }

  @Test
  void hungCallsDoNotStarveTheOtherPlugins() throws Exception {
    PluginJar.of("good", "org.authhost.testplugins.TestPlugin")
        .writeTo(root.resolve("plugins"), "good.jar");
    startHanging("good");
    // Every thread of its bulkhead gets stuck, and two more clients wait behind them.
    int workers = host.plugins().hosted("hanging").bulkhead().threads();
    expectEntries(workers);
    List<CompletableFuture<AuthenticationOutcome>> hung = new ArrayList<>();
    for (int i = 0; i < workers + 2; i++) {
      hung.add(authenticateLater("hanging"));
    }
    assertTrue(entered.await(5, TimeUnit.SECONDS), "every worker is inside Authenticate");

    clock.advance(LIMIT.plusNanos(1));
    watchdog().check(clock.nanoTime());

    for (int i = 0; i < workers; i++) {
      assertEquals(
          HResult.E_TIMEOUT, hung.get(i).get(5, TimeUnit.SECONDS).hresult(), "stuck call " + i);
    }
    for (int i = workers; i < workers + 2; i++) {
      // Answered once the plug-in hung: it is in error, and no one waits for its threads.
      assertEquals(
          HResult.NS_E_CRITICAL_ERROR,
          hung.get(i).get(5, TimeUnit.SECONDS).hresult(),
          "queued call " + i);
    }

    AuthenticationOutcome good = authenticate("good");

    assertEquals(AuthenticationResult.SUCCESS, good.result(), "its own bulkhead is untouched");
  }

  @Test
  void aPluginThatNeverCallsBackIsReportedAndTheClientRefused() throws Exception {
    start("silent", "org.authhost.testplugins.silent.SilentPlugin");
    int scheduled = clock.scheduledTasks();
    CompletableFuture<AuthenticationOutcome> answer = authenticateLater("silent");
    // Authenticate has returned once the callback's time limit is set.
    clock.awaitScheduledTasks(scheduled + 1, Duration.ofSeconds(5));

    clock.advance(LIMIT.minusNanos(1));
    assertFalse(answer.isDone(), "the plug-in still has time to call back");
    clock.advance(Duration.ofNanos(1));
    AuthenticationOutcome outcome = answer.get(5, TimeUnit.SECONDS);

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertEquals(HResult.E_TIMEOUT, outcome.hresult());
    PluginView v = view("silent");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, v.status());
    assertEquals(HResult.E_TIMEOUT, v.errorCode());
    assertTrue(v.errorText().contains("OnAuthenticateComplete was not called"), v.errorText());
    List<TroubleshootingEntry> entries =
        host.troubleshooting().entriesFor(HostEvents.aboutPlugin("silent"));
    assertEquals(1, entries.size());
    assertEquals(DiagnosticType.SERVER_EVENT_LOG_ERROR, entries.get(0).type());
    assertEquals(HResult.E_TIMEOUT, entries.get(0).hresult());
    List<EventRecord> events = eventsAbout("silent");
    assertEquals(1, events.size());
    assertEquals(EventLevel.ERROR, events.get(0).level());
  }

  @Test
  void aCallbackJustInsideTheLimitCountsAndEndsTheLimit() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    System.getProperties().put(enteredKey, release);
    PluginJar.of("late", "org.authhost.testplugins.late.LatePlugin")
        .writeTo(root.resolve("plugins"), "late.jar");
    startHost(
        "\"settings\": { \"late\": { \"enabled\": true, \"properties\": { \"release\": \""
            + enteredKey
            + "\" } } }");
    int scheduled = clock.scheduledTasks();
    CompletableFuture<AuthenticationOutcome> answer = authenticateLater("late");
    clock.awaitScheduledTasks(scheduled + 1, Duration.ofSeconds(5));

    clock.advance(LIMIT.minusNanos(1));
    release.countDown();
    AuthenticationOutcome outcome = answer.get(5, TimeUnit.SECONDS);

    assertEquals(AuthenticationResult.SUCCESS, outcome.result());
    assertEquals(scheduled, clock.scheduledTasks(), "the callback ended its time limit");
    clock.advance(LIMIT);
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, view("late").status());
    assertTrue(eventsAbout("late").isEmpty(), eventsAbout("late").toString());
  }

  @Test
  void aSecondCallbackIsIgnoredAndReportedAsAWarning() throws Exception {
    start("twice", "org.authhost.testplugins.twice.TwicePlugin");

    AuthenticationOutcome outcome = authenticate("twice");

    assertEquals(AuthenticationResult.SUCCESS, outcome.result(), "the first answer counts");
    assertNotNull(outcome.token());
    PluginView v = view("twice");
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ENABLED, v.status(), "a warning does not disable");
    List<TroubleshootingEntry> entries =
        host.troubleshooting().entriesFor(HostEvents.aboutPlugin("twice"));
    assertEquals(1, entries.size());
    assertEquals(DiagnosticType.SERVER_EVENT_LOG_WARNING, entries.get(0).type());
    assertEquals(HResult.E_UNEXPECTED, entries.get(0).hresult());
    List<EventRecord> events = eventsAbout("twice");
    assertEquals(1, events.size());
    assertEquals(EventLevel.WARNING, events.get(0).level());
    assertTrue(events.get(0).text().contains("2 times"), events.get(0).text());
  }

  @Test
  void aPluginThatLogsItsErrorAndReturnsReportedIsLoggedOnceNotTwice() throws Exception {
    start("reporting", "org.authhost.testplugins.reporting.ReportingPlugin");

    AuthenticationOutcome outcome = authenticate("reporting");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, outcome.hresult());
    PluginView v = view("reporting");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, v.status());
    // WMS: after a logged ERROR, ErrorCode is the code the plug-in logged.
    assertEquals(HResult.E_ACCESSDENIED, v.errorCode());
    assertEquals("the account database refused the plug-in's connection", v.errorText());
    List<EventRecord> events = eventsAbout("reporting");
    assertEquals(1, events.size(), "only the plug-in's own event: " + events);
    assertEquals("reporting", events.get(0).source());
    assertEquals(EventLevel.ERROR, events.get(0).level());
    List<TroubleshootingEntry> entries =
        host.troubleshooting().entries().stream()
            .filter(e -> e.source().endsWith("reporting"))
            .toList();
    assertEquals(1, entries.size());
    assertEquals(DiagnosticType.PLUGIN_EVENT_LOG_ERROR, entries.get(0).type());
    assertEquals(HResult.E_ACCESSDENIED, entries.get(0).hresult());
  }

  @Test
  void anOutageErrorWithASuccessCodeLeavesAn14PluginInService() throws Exception {
    PluginJar.of("outage", "org.authhost.testplugins.outage.OutagePlugin")
        .with("api-version", "1.4")
        .writeTo(root.resolve("plugins"), "outage.jar");
    startHost("");

    AuthenticationOutcome outcome = authenticate("outage");

    assertEquals(AuthenticationResult.ERROR, outcome.result(), "this client: 503");
    PluginView v = view("outage");
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, v.status(), "still in service");
    List<EventRecord> events = eventsAbout("outage");
    assertEquals(1, events.size(), events.toString());
    assertEquals(EventLevel.ERROR, events.get(0).level());
    assertEquals("outage", events.get(0).source());
    List<TroubleshootingEntry> entries =
        host.troubleshooting().entries().stream().filter(e -> e.source().equals("outage")).toList();
    assertEquals(1, entries.size(), "on the troubleshooting list like any ERROR");
    assertEquals(DiagnosticType.PLUGIN_EVENT_LOG_ERROR, entries.get(0).type());
    assertEquals(1, host.plugins().offeredAuthenticationPlugins().size(), "still offered");
  }

  @Test
  void anErrorWithASuccessCodeStillDisablesAPluginBuiltForAnOlderApi() throws Exception {
    start("outage", "org.authhost.testplugins.outage.OutagePlugin"); // api-version 1.3

    authenticate("outage");

    PluginView v = view("outage");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, v.status(), "WMS: any ERROR disables");
    assertTrue(host.plugins().offeredAuthenticationPlugins().isEmpty());
  }

  @Test
  void reportedWithoutLoggingIsAPluginBugTheHostWarnsAbout() throws Exception {
    start("unreported", "org.authhost.testplugins.unreported.UnreportedPlugin");

    AuthenticationOutcome outcome = authenticate("unreported");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, outcome.hresult());
    PluginView v = view("unreported");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, v.status());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, v.errorCode());
    List<EventRecord> events = eventsAbout("unreported");
    assertEquals(1, events.size());
    assertEquals(EventLevel.WARNING, events.get(0).level());
    assertEquals(HostEvents.aboutPlugin("unreported"), events.get(0).source());
    assertTrue(events.get(0).text().contains("logged no event"), events.get(0).text());
    List<TroubleshootingEntry> entries =
        host.troubleshooting().entriesFor(HostEvents.aboutPlugin("unreported"));
    assertEquals(1, entries.size());
    assertEquals(DiagnosticType.SERVER_EVENT_LOG_WARNING, entries.get(0).type());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, entries.get(0).hresult());
  }

  @Test
  void aPluginBundlingAnotherVersionOfAHostLibraryGetsItsOwnCopy() throws Exception {
    Path oldJackson = PluginJar.testLibrary("jackson-core-2.12.7.jar");
    PluginJar.of("clash", "org.authhost.testplugins.clash.ClashPlugin")
        .bundling(oldJackson)
        .writeTo(root.resolve("plugins"), "clash.jar");
    startHost("");

    PluginView v = view("clash");
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, v.status());
    assertEquals("jackson-core 2.12.7", v.packageName());
    assertTrue(
        PackageVersion.VERSION.toString().startsWith("2.18"), "the host keeps its own Jackson");
    assertEquals(AuthenticationResult.SUCCESS, authenticate("clash").result());
    assertTrue(eventsAbout("clash").isEmpty());
    assertTrue(
        host.troubleshooting().entries().isEmpty(), host.troubleshooting().entries().toString());
  }

  @Test
  void aReleasedTokenHandleIsInvalidAndTheExchangeFailsClosed() throws Exception {
    start("released", "org.authhost.testplugins.released.ReleasedPlugin");

    AuthenticationOutcome outcome = authenticate("released");

    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertEquals(HResult.SEC_E_INVALID_HANDLE, outcome.hresult());
    PluginView v = view("released");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, v.status());
    assertEquals(HResult.SEC_E_INVALID_HANDLE, v.errorCode());
    List<TroubleshootingEntry> entries =
        host.troubleshooting().entriesFor(HostEvents.aboutPlugin("released"));
    assertEquals(1, entries.size());
    assertEquals(HResult.SEC_E_INVALID_HANDLE, entries.get(0).hresult());
    assertEquals(1, eventsAbout("released").size());
    assertEquals(0, host.tokens().openHandles());
  }

  @Test
  void theAnonymousPluginMapsEveryClientToTheGuestTokenAndReleaseInvalidatesIt() throws Exception {
    Files.createDirectories(root.resolve("plugins"));
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"),
        root.resolve("plugins").resolve("authhost-plugin-anonymous.jar"));
    startHost(
        "\"settings\": { \"anonymous\": { \"enabled\": true, \"properties\": { \"account\": \"Guest\" } } }");
    assertEquals(
        List.of("anonymous"),
        host.plugins().offeredAuthenticationPlugins().stream().map(PluginView::id).toList());
    AuthenticationSession session =
        host.plugins().openSession("anonymous").get(5, TimeUnit.SECONDS);

    AuthenticationOutcome outcome =
        session
            .authenticate(new byte[0], KitClient.user(1), KitClient.PRESENTATION, KitClient.COMMAND)
            .get(5, TimeUnit.SECONDS);

    assertEquals(AuthenticationResult.SUCCESS, outcome.result());
    // The account as the token names it, qualified like every other logon's, not "Guest" bare.
    assertEquals(outcome.accessToken().accountName(), outcome.accountName());
    assertEquals(outcome.accountName(), outcome.logicalUserId());
    assertTrue(outcome.accessToken().accountName().endsWith("\\Guest"));
    assertTrue(outcome.accessToken().hasSid(Sid.GUESTS));
    assertTrue(outcome.accessToken().hasSid(Sid.EVERYONE));
    assertTrue(host.tokens().isOpen(outcome.token()));
    session.release().get(5, TimeUnit.SECONDS);
    assertFalse(host.tokens().isOpen(outcome.token()));
    assertEquals(
        HResult.SEC_E_INVALID_HANDLE, host.tokens().queryToken(outcome.token(), new Out<>()));
    assertTrue(
        host.troubleshooting().entries().isEmpty(), host.troubleshooting().entries().toString());
  }

  @Test
  void anErrorLoggedDuringEnableWinsOverTheSOkItReturns() throws Exception {
    start("enableerror", "org.authhost.testplugins.enableerror.EnableErrorPlugin");

    PluginView v = view("enableerror");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, v.status());
    assertEquals(HResult.E_FAIL, v.errorCode());
    assertEquals("the key store is missing", v.errorText());
    assertTrue(
        host.plugins().offeredAuthenticationPlugins().isEmpty(), "never offered: fail closed");
    List<EventRecord> events = eventsAbout("enableerror");
    assertEquals(1, events.size(), events.toString());
    assertEquals("enableerror", events.get(0).source());
    List<TroubleshootingEntry> entries = host.troubleshooting().entriesFor("enableerror");
    assertEquals(1, entries.size());
    assertEquals(DiagnosticType.PLUGIN_EVENT_LOG_ERROR, entries.get(0).type());
  }

  @Test
  void aFailingDisableIsCalledOnceAndRecordedOnce() throws Exception {
    start("baddisable", "org.authhost.testplugins.baddisable.BadDisablePlugin");

    PluginView v = host.plugins().disable("baddisable");

    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, v.status());
    assertEquals(HResult.E_FAIL, v.errorCode());
    List<EventRecord> events = eventsAbout("baddisable");
    assertEquals(
        1,
        events.stream().filter(e -> e.text().equals("DisablePlugin called")).count(),
        events.toString());
    assertEquals(
        1, events.stream().filter(e -> e.level() == EventLevel.ERROR).count(), events.toString());
    assertEquals(1, host.troubleshooting().entriesFor(HostEvents.aboutPlugin("baddisable")).size());
  }

  @Test
  void aStoreResetRestartWhoseDisableFailsLeavesThePluginInErrorNotEnabledAgain() throws Exception {
    start("baddisable", "org.authhost.testplugins.baddisable.BadDisablePlugin");

    java.util.Optional<PluginView> v =
        host.plugins().restartForStoreReset("baddisable", () -> true);

    assertTrue(v.isPresent());
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ERROR,
        v.get().status(),
        "out of service with DisablePlugin's failure, not enabled again over it");
    assertEquals(HResult.E_FAIL, v.get().errorCode());
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, view("baddisable").status());
  }

  @Test
  void aStoreResetWhoseSuspendFailsInDisablePluginDoesNotEnableThePluginAgainAfterwards()
      throws Exception {
    start("baddisable", "org.authhost.testplugins.baddisable.BadDisablePlugin");
    StateResetRecovery recovery = new StateResetRecovery(() -> host.plugins());

    assertEquals(
        List.of(),
        recovery.disable(java.util.Set.of("baddisable")),
        "not among those the reset enables again once the store answers");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, view("baddisable").status());
    assertEquals(List.of(), recovery.inService(java.util.Set.of("baddisable")), "out of service");
  }

  @Test
  void aContextThatLeavesOutTheAccountNameSucceedsWithTheTokensAccount() throws Exception {
    start("noaccount", "org.authhost.testplugins.noaccount.NoAccountPlugin");

    AuthenticationOutcome outcome = authenticate("noaccount");

    assertEquals(AuthenticationResult.SUCCESS, outcome.result());
    assertEquals(outcome.accessToken().accountName(), outcome.accountName());
    assertTrue(outcome.accountName().endsWith("\\Guest"), outcome.accountName());
    assertEquals(outcome.accountName(), outcome.logicalUserId());
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, view("noaccount").status());
    assertTrue(eventsAbout("noaccount").isEmpty());
  }

  @Test
  void anErrorThrownAfterTheTimeLimitIsStillRecordedByName() throws Exception {
    String prefix = "authhost.test." + UUID.randomUUID() + ".";
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    System.getProperties().put(prefix + "entered", inside);
    System.getProperties().put(prefix + "gate", gate);
    try {
      PluginJar.of("lateerror", "org.authhost.testplugins.lateerror.LateErrorPlugin")
          .writeTo(root.resolve("plugins"), "lateerror.jar");
      startHost(
          "\"settings\": { \"lateerror\": { \"properties\": { \"entered\": \""
              + prefix
              + "entered\", \"gate\": \""
              + prefix
              + "gate\" } } }");
      CompletableFuture<AuthenticationOutcome> answer = authenticateLater("lateerror");
      assertTrue(inside.await(5, TimeUnit.SECONDS), "Authenticate was called");
      clock.advance(LIMIT.plusNanos(1));
      // Past it: this check, or the watchdog's own thread reading the same clock, cuts it off
      // (which one is a race, so the count this check claims is not asserted: it was 0 at times).
      watchdog().check(clock.nanoTime());
      assertEquals(HResult.E_TIMEOUT, answer.get(5, TimeUnit.SECONDS).hresult());

      gate.countDown(); // now it throws OutOfMemoryError, long after its time limit

      // Written on the plug-in's own thread before its call ends: waiting for the calls in
      // progress on its bulkhead to end, as the host's stop does, waits for the record.
      Bulkhead calls = host.plugins().hosted("lateerror").bulkhead();
      calls.stop();
      assertTrue(calls.awaitCalls(TimeUnit.SECONDS.toNanos(10)), "the late call ended");
      List<EventRecord> events = eventsAbout("lateerror");
      assertEquals(2, events.size(), events.toString());
      assertTrue(events.get(0).text().contains("did not return within 500 ms"), events.toString());
      EventRecord late = events.get(1);
      assertEquals(EventLevel.ERROR, late.level());
      assertEquals(HResult.E_OUTOFMEMORY, late.hresult());
      assertTrue(
          late.text()
              .startsWith(
                  "plug-in 'lateerror' failed in Authenticate after its time limit of 500 ms had"
                      + " passed (already reported as a time-out): Authenticate threw"
                      + " java.lang.OutOfMemoryError: Java heap space. Fix: "),
          late.text());
      assertEquals(HResult.E_TIMEOUT, view("lateerror").errorCode(), "what took it out of service");
    } finally {
      gate.countDown();
      System.getProperties().keySet().removeIf(k -> k.toString().startsWith(prefix));
    }
  }

  @Test
  void aFailedStaticInitializerIsReportedWithItsCause() throws Exception {
    start("badstatic", "org.authhost.testplugins.badstatic.BadStaticPlugin");

    PluginView v = view("badstatic");
    assertEquals(PluginStatus.ERROR, v.status() & PluginStatus.ERROR);
    List<EventRecord> events = eventsAbout("badstatic");
    assertEquals(1, events.size(), events.toString());
    assertTrue(
        events
            .get(0)
            .text()
            .contains(
                "threw java.lang.ExceptionInInitializerError, caused by"
                    + " java.lang.IllegalStateException: no licence file in plugin-data/badstatic"),
        events.get(0).text());
    assertTrue(v.errorText().contains("no licence file"), v.errorText());
  }

  @Test
  void aProtocolNameThatIsNoTokenKeepsThePluginOutOfServiceAndNoControlCharacterIsKeptRaw()
      throws Exception {
    PluginJar.of("crlf", "org.authhost.testplugins.crlf.CrlfPlugin")
        .writeTo(root.resolve("plugins"), "crlf.jar");

    startHost(
        "\"settings\": { \"crlf\": { \"properties\": { \"protocol\": \"Bad\\r\\nX-Injected: 1\" } } }");

    PluginView v = view("crlf");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, v.status(), "never shown enabled");
    assertEquals(HResult.E_INVALIDARG, v.errorCode());
    assertTrue(host.plugins().offeredAuthenticationPlugins().isEmpty());
    List<EventRecord> events = eventsAbout("crlf");
    assertTrue(
        events.stream()
            .anyMatch(e -> e.text().equals("line one\\r\\n#99 forged ERROR line\\u001b[2J")),
        events.toString());
    EventRecord refusal =
        events.stream().filter(e -> e.level() == EventLevel.ERROR).findFirst().orElseThrow();
    assertTrue(
        refusal
                .text()
                .contains(
                    "GetProtocolName gave \"Bad\\r\\nX-Injected: 1\", which is not an RFC 9110"
                        + " token")
            && refusal.text().contains(root.resolve("plugins").resolve("crlf.jar").toString()),
        refusal.text());
    for (EventRecord e : events) {
      assertFalse(ControlCharacters.hasAny(e.text()), e.text());
    }
    assertFalse(ControlCharacters.hasAny(v.errorText()), v.errorText());
  }
}
