package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.kit.KitClient;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each plug-in's own bulkhead (issue 11) and the inline path of non-blocking plug-ins (issue 10),
 * with real plug-in JARs. Nothing here waits for time to pass: latches say when a call is inside
 * the plug-in, and the fake clock moves past a time limit.
 */
class BulkheadTest extends HostTestBase {
  /** Time limit of the test host (TestHosts). */
  private static final Duration LIMIT = Duration.ofMillis(500);

  private final String prefix = "authhost.test." + UUID.randomUUID() + ".";
  private CountDownLatch entered;
  private final CountDownLatch gate = new CountDownLatch(1);
  private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();

  @AfterEach
  void openTheGate() {
    gate.countDown();
    System.getProperties().keySet().removeIf(k -> k.toString().startsWith(prefix));
  }

  /**
   * The gated plug-in's properties, sharing this test's latches: {@link #entered} counts {@code
   * calls} into Authenticate, {@code gated} closes the gate.
   */
  private String gatedProperties(boolean gated, int calls) {
    entered = new CountDownLatch(calls);
    System.getProperties().put(prefix + "entered", entered);
    System.getProperties().put(prefix + "gate", gate);
    System.getProperties().put(prefix + "threads", threads);
    return "\"properties\": { \"entered\": \""
        + prefix
        + "entered\", \"threads\": \""
        + prefix
        + "threads\""
        + (gated ? ", \"gate\": \"" + prefix + "gate\"" : "")
        + " }";
  }

  /** The gated plug-in as {@code id}, for API {@code api}, declared non-blocking or not. */
  private void gatedJar(String id, String api, boolean nonBlocking) throws Exception {
    PluginJar.of("gated", "org.authhost.testplugins.gated.GatedPlugin")
        .with("id", id)
        .with("api-version", api)
        .with("non-blocking", nonBlocking ? "true" : null)
        .writeTo(root.resolve("plugins"), id + ".jar");
  }

  private void anonymousJar() throws Exception {
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"),
        root.resolve("plugins").resolve("authhost-plugin-anonymous.jar"));
  }

  private CompletableFuture<AuthenticationOutcome> authenticateLater(String pluginId) {
    return host.plugins()
        .session(pluginId)
        .authenticate(new byte[0], KitClient.user(1), KitClient.PRESENTATION, KitClient.COMMAND);
  }

  private CallWatchdog watchdog() {
    return host.plugins().guard().watchdog();
  }

  private List<EventRecord> eventsAbout(String pluginId) {
    return host.eventLog().query(EventQuery.all()).stream()
        .filter(e -> e.source().equals(HostEvents.aboutPlugin(pluginId)))
        .toList();
  }

  private int status(String id) {
    return host.plugins().plugin(id).orElseThrow().status();
  }

  @Test
  void aPluginThatFillsItsBulkheadIsRefusedAtOnceWhileAnonymousStillAnswers() throws Exception {
    gatedJar("slow", "1.3", false);
    anonymousJar();
    startHost(
        "\"settings\": { \"slow\": { \"workers\": 2, \"queue\": 1, "
            + gatedProperties(true, 2)
            + " } }");
    Bulkhead slow = host.plugins().hosted("slow").bulkhead();
    assertEquals(2, slow.threads());

    List<CompletableFuture<AuthenticationOutcome>> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(authenticateLater("slow"));
    }
    assertTrue(entered.await(5, TimeUnit.SECONDS), "both of its threads are inside Authenticate");
    assertEquals(1, slow.queued(), "the third call waits in its queue");

    CompletableFuture<AuthenticationOutcome> refused = authenticateLater("slow");
    assertTrue(refused.isDone(), "a full bulkhead answers without waiting");
    assertEquals(AuthenticationResult.ERROR, refused.join().result());
    assertEquals(HResult.NS_E_NO_NEW_CONNECTIONS, refused.join().hresult());

    CompletableFuture<AuthenticationOutcome> anonymous = authenticateLater("anonymous");
    assertTrue(anonymous.isDone(), "anonymous access waits behind no plug-in");
    assertEquals(AuthenticationResult.SUCCESS, anonymous.join().result());

    gate.countDown();
    for (CompletableFuture<AuthenticationOutcome> call : held) {
      assertEquals(AuthenticationResult.SUCCESS, call.get(5, TimeUnit.SECONDS).result());
    }
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ENABLED, status("slow"), "busy is not a failure");
    assertTrue(eventsAbout("slow").isEmpty(), eventsAbout("slow").toString());
  }

  @Test
  void theDefaultBulkheadTakes256ConcurrentClientsOfABlockingPluginWithoutRefusingOne()
      throws Exception {
    gatedJar("slow", "1.3", false);
    startHost("\"settings\": { \"slow\": { " + gatedProperties(true, 1) + " } }");
    Bulkhead slow = host.plugins().hosted("slow").bulkhead();

    List<CompletableFuture<AuthenticationOutcome>> clients = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      clients.add(authenticateLater("slow"));
    }

    assertTrue(entered.await(5, TimeUnit.SECONDS));
    assertTrue(clients.stream().noneMatch(CompletableFuture::isDone), "none refused, all held");
    assertEquals(256 - slow.threads(), slow.queued(), "the rest wait for a thread, not a 503");
    gate.countDown();
    for (CompletableFuture<AuthenticationOutcome> client : clients) {
      assertEquals(AuthenticationResult.SUCCESS, client.get(10, TimeUnit.SECONDS).result());
    }
  }

  @Test
  void stoppingTheHostAnswersTheCallsStillWaitingForAThreadAtOnce() throws Exception {
    gatedJar("slow", "1.3", false);
    startHost(
        "\"settings\": { \"slow\": { \"workers\": 1, \"queue\": 2, "
            + gatedProperties(true, 1)
            + " } }");
    CompletableFuture<AuthenticationOutcome> running = authenticateLater("slow");
    assertTrue(entered.await(5, TimeUnit.SECONDS));
    List<CompletableFuture<AuthenticationOutcome>> waiting =
        List.of(authenticateLater("slow"), authenticateLater("slow"));

    host.stop();

    for (CompletableFuture<AuthenticationOutcome> call : waiting) {
      assertTrue(call.isDone(), "answered by the stop, not left for a thread");
      assertEquals(HResult.NS_E_NO_NEW_CONNECTIONS, call.join().hresult());
    }
    assertFalse(running.isDone(), "the call in progress keeps its thread; it is a daemon");
    List<String> last =
        EventLogStore.openReader(host.config().eventLog().directory())
            .query(EventQuery.all())
            .stream()
            .map(EventRecord::text)
            .toList();
    assertEquals(
        List.of(
            "host stopping: plug-in 'slow' did not return from Authenticate; the stop abandoned it"
                + " and goes on without waiting. Fix: have the plug-in return from its calls,"
                + " DisablePlugin and ShutdownPlugin within 1500 ms of a stop",
            "host stopped"),
        last.subList(last.size() - 2, last.size()),
        "the stop waited its grace, then went on and said what it left behind");
    gate.countDown();
    running.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aBulkheadWithoutAQueueRefusesTheCallNoThreadTakes() throws Exception {
    Bulkhead bulkhead =
        new Bulkhead("unit", new org.authhost.host.config.BulkheadSettings(1, 0, 1));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    bulkhead.execute(
        () -> {
          started.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          answers.add("ran");
        },
        () -> answers.add("refused first"));
    assertTrue(started.await(5, TimeUnit.SECONDS));

    bulkhead.execute(() -> answers.add("ran second"), () -> answers.add("refused second"));

    assertEquals(List.of("refused second"), answers);
    release.countDown();
    bulkhead.stop();
    bulkhead.execute(() -> answers.add("ran third"), () -> answers.add("refused third"));
    assertTrue(answers.contains("refused third"), answers.toString());
  }

  @Test
  void theLeakedThreadCeilingIsReportedOnceNamingThePlugin() throws Exception {
    String key = prefix + "hanging";
    CountDownLatch inside = new CountDownLatch(3);
    System.getProperties().put(key, inside);
    PluginJar.of("hanging", "org.authhost.testplugins.hanging.HangingPlugin")
        .writeTo(root.resolve("plugins"), "hanging.jar");
    startHost(
        "\"settings\": { \"hanging\": { \"workers\": 3, \"queue\": 4, \"maxLeakedThreads\": 2,"
            + " \"properties\": { \"entered\": \""
            + key
            + "\" } } }");
    List<CompletableFuture<AuthenticationOutcome>> hung = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      hung.add(authenticateLater("hanging"));
    }
    assertTrue(inside.await(5, TimeUnit.SECONDS), "its three threads are stuck");

    clock.advance(LIMIT.plusNanos(1));
    watchdog().check(clock.nanoTime());

    for (int i = 0; i < 3; i++) {
      assertEquals(HResult.E_TIMEOUT, hung.get(i).get(5, TimeUnit.SECONDS).hresult(), "stuck " + i);
    }
    for (int i = 3; i < 5; i++) {
      assertEquals(
          HResult.NS_E_CRITICAL_ERROR,
          hung.get(i).get(5, TimeUnit.SECONDS).hresult(),
          "queued " + i + " is answered, not left behind stuck threads");
    }
    Bulkhead bulkhead = host.plugins().hosted("hanging").bulkhead();
    assertEquals(3, bulkhead.leaked());
    assertEquals(3 + 2, bulkhead.threads(), "two stuck threads replaced, the third past the limit");
    List<EventRecord> ceiling =
        eventsAbout("hanging").stream().filter(e -> e.text().contains("maxLeakedThreads")).toList();
    assertEquals(1, ceiling.size(), eventsAbout("hanging").toString());
    assertEquals(EventLevel.ERROR, ceiling.get(0).level());
    assertTrue(ceiling.get(0).text().startsWith("plug-in 'hanging' has 2 thread(s) stuck"));
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, status("hanging"));
  }

  @Test
  void aNonBlockingPluginAuthenticatesOnTheCallingThreadAndAnOlderOneOnItsOwnThreads()
      throws Exception {
    gatedJar("inline", "1.3", true);
    gatedJar("classic", "1.2", false);
    startHost(
        "\"settings\": { \"inline\": { "
            + gatedProperties(false, 2)
            + " }, \"classic\": { "
            + gatedProperties(false, 2)
            + " } }");

    CompletableFuture<AuthenticationOutcome> inline = authenticateLater("inline");

    assertTrue(inline.isDone(), "answered before authenticate returned: no hand-off");
    assertEquals(AuthenticationResult.SUCCESS, inline.join().result());
    assertSame(Thread.currentThread(), threads.poll());

    AuthenticationOutcome classic = authenticateLater("classic").get(5, TimeUnit.SECONDS);

    assertEquals(AuthenticationResult.SUCCESS, classic.result());
    Thread worker = threads.poll();
    assertTrue(worker.getName().startsWith("plugin-classic-"), worker.getName());
  }

  @Test
  void aNonBlockingPluginThatHangsIsReportedAtTheDeadlineAndLeavesTheInlinePath() throws Exception {
    gatedJar("inline", "1.3", true);
    startHost("\"settings\": { \"inline\": { " + gatedProperties(true, 1) + " } }");
    HostedPlugin plugin = host.plugins().hosted("inline");
    assertTrue(PluginGuard.runsInline(plugin));
    AtomicReference<CompletableFuture<AuthenticationOutcome>> answer = new AtomicReference<>();
    // Stands for a Netty event loop: the call is made on it and holds it.
    Thread loop = new Thread(() -> answer.set(authenticateLater("inline")), "fake-event-loop");
    loop.start();
    assertTrue(entered.await(5, TimeUnit.SECONDS), "Authenticate was called");
    assertSame(loop, threads.peek(), "on the loop itself");

    clock.advance(LIMIT);
    assertEquals(0, watchdog().check(clock.nanoTime()), "at the limit the call still has its time");
    clock.advance(Duration.ofNanos(1));
    // The host's own watchdog thread reads the same fake clock and may claim the call first; the
    // single ERROR event below is what proves it was claimed exactly once.
    assertTrue(watchdog().check(clock.nanoTime()) <= 1);
    // Reported while the loop is still held: nothing on the loop's side can tell the host, so the
    // report (made off the watchdog's thread) is waited for, with a bound.
    long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (status("inline") != (PluginStatus.LOADED | PluginStatus.ERROR)
        && System.nanoTime() < bound) {
      Thread.onSpinWait();
    }
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, status("inline"));
    assertTrue(loop.isAlive(), "an event loop is never interrupted; it waits for the plug-in");
    gate.countDown();
    loop.join(5_000);

    assertFalse(loop.isAlive());
    assertFalse(loop.isInterrupted());
    AuthenticationOutcome outcome = answer.get().get(5, TimeUnit.SECONDS);
    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertEquals(HResult.E_TIMEOUT, outcome.hresult());
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, status("inline"));
    assertFalse(PluginGuard.runsInline(plugin), "a hang takes it off the inline path");
    List<EventRecord> events = eventsAbout("inline");
    assertEquals(1, events.size(), events.toString());
    assertEquals(EventLevel.ERROR, events.get(0).level());
    assertTrue(
        events.get(0).text().contains("did not return within 500 ms")
            && events.get(0).text().contains("inline on fake-event-loop"),
        events.get(0).text());
    // Fail closed: the next client is refused without a call into the plug-in.
    assertEquals(HResult.NS_E_CRITICAL_ERROR, authenticateLater("inline").join().hresult());
    assertEquals(1, threads.size());
  }
}
