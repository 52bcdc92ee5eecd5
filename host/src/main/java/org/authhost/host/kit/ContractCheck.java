package org.authhost.host.kit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.api.UserContext;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.plugins.AuthenticationOutcome;
import org.authhost.host.plugins.AuthenticationSession;
import org.authhost.host.plugins.DescriptorCheck;
import org.authhost.host.plugins.Leftovers;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.plugins.PluginProblem;
import org.authhost.host.plugins.PluginStatus;
import org.authhost.host.plugins.PluginView;
import org.authhost.host.plugins.Unloading;

/**
 * The plug-in contract test kit: loads one plug-in JAR through the host's own loading code (its
 * descriptor reader, staging, class loader and call guard) into a throwaway host of the real
 * services, drives it through every rule of {@link Rule}, and reports each rule passed or broken
 * with what the plug-in did and the WMS or SSPI document it breaks.
 *
 * <p>The kit never hangs: every call into the plug-in runs under the host's own time limits, and
 * the kit gives up on an answer the host itself did not give within a bound, naming the call.
 *
 * <p>WMS counterpart: none; WMS had no way to check a plug-in before a server loaded it. The rules
 * are the WMS SDK's and SSPI's, each {@link Rule} naming its page.
 */
public final class ContractCheck {
  private static final int SHOWN = 5;

  /** The shortest run of the client's blob a forbidden refusal's reason may not repeat. */
  static final int ECHO = 24;

  private static final int LEGS = 8;
  private static final java.util.regex.Pattern FAILING_HRESULT =
      // Only Authenticate's: a failing EnablePlugin, say, is no answer the service rule asks for.
      java.util.regex.Pattern.compile("failed in Authenticate: Authenticate returned 0x");

  private final Path jar;
  private final KitOptions options;

  /** What the report's hints call the options: where the kit runs decides. */
  private final OptionNames names;

  private final Map<Rule, List<String>> breaches = new EnumMap<>(Rule.class);
  private final Map<Rule, String> checked = new EnumMap<>(Rule.class);

  /**
   * The guide's sections and rules the breaches of a rule break, beside the rule's WMS or SSPI
   * document: an author fixes a kept context's breach by the guide's rule, not by the WMS page.
   */
  private final Map<Rule, Set<String>> guide = new EnumMap<>(Rule.class);

  /** Rules whose paths did not run, with what the kit would have needed; never a failure. */
  private final Map<Rule, String> skipped = new EnumMap<>(Rule.class);

  /** How often the plug-in answered NS_E_PLUGIN_ERROR_REPORTED (the ERROR_REPORTED rule's path). */
  private final AtomicInteger reported = new AtomicInteger();

  private String pluginId;
  private String notChecked;

  private ContractCheck(Path jar, KitOptions options, OptionNames names) {
    this.jar = jar;
    this.options = options;
    this.names = names;
    for (Rule r : Rule.values()) {
      breaches.put(r, new ArrayList<>());
      guide.put(r, new java.util.LinkedHashSet<>());
    }
  }

  /** {@link #run(Path, KitOptions)} with {@link KitOptions#defaults()}. */
  public static ContractReport run(Path jar) {
    return run(jar, KitOptions.defaults());
  }

  /**
   * Checks every rule against the plug-in in {@code jar}; the report's hints name {@link
   * KitOptions}' methods.
   *
   * @throws IllegalArgumentException no JAR at {@code jar}, or options the kit cannot check with
   *     (an other client proving the first client's account)
   */
  public static ContractReport run(Path jar, KitOptions options) {
    return run(jar, options, OptionNames.JAVA);
  }

  /**
   * {@link #run(Path, KitOptions)}, the report's hints (and a usage error) naming the options as
   * {@code names} does: the command line's for {@code authhost plugins check}.
   */
  public static ContractReport run(Path jar, KitOptions options, OptionNames names) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("no plug-in JAR at " + jar);
    }
    ContractCheck check = new ContractCheck(jar, options, names);
    try {
      check.runAll();
    } catch (UsageError e) {
      // The documented type, not the kit's own (an author saw ContractCheck$UsageError, trial10).
      throw new IllegalArgumentException(e.getMessage());
    }
    return check.report();
  }

  private ContractReport report() {
    List<RuleResult> results = new ArrayList<>();
    for (Rule rule : Rule.values()) {
      List<String> broken = breaches.get(rule);
      if (!broken.isEmpty()) {
        String shown = broken.stream().limit(SHOWN).collect(Collectors.joining("; "));
        results.add(
            RuleResult.fail(
                rule,
                shown
                    + (broken.size() > SHOWN ? " (and " + (broken.size() - SHOWN) + " more)" : ""),
                Stream.concat(Stream.of(rule.reference()), guide.get(rule).stream())
                    .collect(Collectors.joining("; "))));
      } else if (skipped.containsKey(rule)) {
        results.add(RuleResult.notExercised(rule, skipped.get(rule)));
      } else if (checked.containsKey(rule)) {
        results.add(RuleResult.pass(rule, checked.get(rule)));
      } else {
        // Not a failure of this rule: the one that stopped the check is reported as broken.
        results.add(
            RuleResult.notExercised(
                rule,
                "not checked: "
                    + (notChecked != null
                        ? notChecked
                        : "an earlier check of the plug-in failed")));
      }
    }
    return new ContractReport(jar, pluginId, options.seed(), List.copyOf(results));
  }

  private void runAll() {
    DescriptorCheck.Outcome descriptor = DescriptorCheck.of(jar);
    pluginId = descriptor.pluginId();
    if (!descriptor.accepted()) {
      for (PluginProblem p : descriptor.problems()) {
        breaches.get(Rule.DESCRIPTOR).add(p.message() + " (fix: " + p.fix() + ")");
      }
      notChecked = "the host refuses the JAR (" + Rule.DESCRIPTOR.id() + ")";
      return;
    }
    checked.put(
        Rule.DESCRIPTOR,
        "id="
            + pluginId
            + ", api-version="
            + descriptor.apiVersion()
            + ", entry-point="
            + descriptor.entryPoint()
            + ", read by the host's own descriptor reader");
    Set<Thread> before = Leftovers.snapshot();
    Unloading unloading;
    try {
      unloading = onKitThread(() -> exercise(before));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      notChecked = notChecked == null ? "the kit was interrupted" : notChecked;
      return;
    } catch (UsageError e) {
      throw e;
    } catch (Exception e) {
      notChecked =
          notChecked == null ? "the kit could not set up a host for the plug-in: " + e : notChecked;
      return;
    }
    if (unloading == null) {
      return;
    }
    long deadline = System.nanoTime() + options.cleanupBudget().toNanos();
    try {
      int tries = unloading.awaitCollected(deadline);
      if (tries < 0) {
        breaches
            .get(Rule.UNLOADABLE)
            .add(
                "the class loader of '"
                    + pluginId
                    + "' was still reachable "
                    + options.cleanupBudget().toSeconds()
                    + " s after ShutdownPlugin and unload, garbage collected again and again:"
                    + " something still holds one of its classes or objects (a thread it started,"
                    + " a ThreadLocal, a static registry of the JDK or of a library such as"
                    + " DriverManager or a shutdown hook)");
      } else {
        checked.put(
            Rule.UNLOADABLE,
            "the class loader was collected after unload (" + tries + " collection(s))");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      notChecked = "the kit was interrupted";
    }
  }

  /**
   * Runs {@code body} on a thread of the kit's own that ends before the unload check: a
   * non-blocking plug-in's calls run on the calling thread (a host's event loop), and what they
   * leave in that thread's locals must not be the author's test thread's to keep, nor pin the
   * plug-in's class loader past the check.
   */
  private static <T> T onKitThread(java.util.concurrent.Callable<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread kit =
        new Thread(
            () -> {
              try {
                result.complete(body.call());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "authhost-kit");
    kit.setDaemon(true);
    kit.start();
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
    } finally {
      kit.join();
    }
  }

  /**
   * Everything up to unload; returns the loader's watch, and drops every reference to the plug-in
   * on the way out so that only the watch is left.
   */
  private Unloading exercise(Set<Thread> before) throws Exception {
    KitHost host = KitHost.create(jar, pluginId, options);
    ClassLoader loader;
    try {
      host.start();
      loader = loaded(host);
      if (loader == null) {
        return null;
      }
      Scenario s = new Scenario(host);
      s.run(Rule.LIFECYCLE, s::lifecycle);
      boolean described =
          host.plugins().plugin(pluginId).map(v -> !v.protocol().isEmpty()).orElse(false);
      if (!described && !breaches.get(Rule.LIFECYCLE).isEmpty()) {
        notChecked =
            "the plug-in never came into service, so whether it authenticates is unknown ("
                + Rule.LIFECYCLE.id()
                + ")";
      } else if (described) {
        s.run(Rule.CALLBACK_ONCE, s::callbacks);
        s.run(Rule.TOKEN_OWNERSHIP, s::tokens);
        s.run(Rule.MALFORMED_INPUT, s::malformed);
        s.run(Rule.SERVICE_FAILURES, s::serviceFailures);
      } else {
        for (Rule r :
            List.of(
                Rule.CALLBACK_ONCE,
                Rule.TOKEN_OWNERSHIP,
                Rule.MALFORMED_INPUT,
                Rule.SERVICE_FAILURES)) {
          skipped.put(
              r,
              "not an authentication plug-in (no AuthenticationPlugin, IWMSAuthenticationPlugin):"
                  + " no Authenticate to check");
        }
      }
      long mark = host.events().lastRecordNumber();
      host.stopPlugins();
      s.breachesSince(mark, Rule.LIFECYCLE);
      if (breaches.get(Rule.ERROR_REPORTED).isEmpty() && notChecked == null) {
        if (reported.get() > 0) {
          checked.put(
              Rule.ERROR_REPORTED,
              reported.get()
                  + " call(s) returned NS_E_PLUGIN_ERROR_REPORTED, each after the plug-in's own"
                  + " event");
        } else {
          skipped.put(
              Rule.ERROR_REPORTED,
              "the plug-in never returned NS_E_PLUGIN_ERROR_REPORTED, also with the host's"
                  + " services failing under it ("
                  + Rule.SERVICE_FAILURES.id()
                  + "): nothing to judge. If it has such a path, reach it with "
                  + names.property()
                  + ", "
                  + names.client()
                  + " or "
                  + names.account()
                  + ", or in its own unit tests");
        }
      }
    } finally {
      host.close();
    }
    host = null;
    long deadline = System.nanoTime() + options.cleanupBudget().toNanos();
    List<String> left = Leftovers.of(before, loader, deadline);
    if (left.isEmpty()) {
      checked.put(Rule.NO_LEFTOVERS, "no thread of the plug-in alive after ShutdownPlugin");
    } else {
      breaches
          .get(Rule.NO_LEFTOVERS)
          .add(
              "still running after ShutdownPlugin and unload: "
                  + String.join(", ", left)
                  + "; stop and join every thread, executor and Timer the plug-in started in"
                  + " ShutdownPlugin (or DisablePlugin)");
    }
    return new Unloading(loader);
  }

  /** The entry point's verdict; the plug-in's class loader once it is constructed, else null. */
  private ClassLoader loaded(KitHost host) {
    PluginHost plugins = host.plugins();
    for (PluginProblem p : plugins.problems()) {
      breaches.get(Rule.ENTRY_POINT).add(p.message() + " (fix: " + p.fix() + ")");
    }
    Optional<PluginView> view = plugins.plugin(pluginId);
    if (breaches.get(Rule.ENTRY_POINT).isEmpty()
        && view.isPresent()
        && (view.get().status() & PluginStatus.LOADED) == 0) {
      breaches
          .get(Rule.ENTRY_POINT)
          .add(
              "the entry point could not be constructed: "
                  + view.get().errorText()
                  + " ("
                  + view.get().errorCode()
                  + ")");
    }
    if (!breaches.get(Rule.ENTRY_POINT).isEmpty() || view.isEmpty()) {
      if (view.isEmpty() && breaches.get(Rule.ENTRY_POINT).isEmpty()) {
        breaches.get(Rule.ENTRY_POINT).add("the host did not load the plug-in");
      }
      notChecked = "the plug-in did not load (" + Rule.ENTRY_POINT.id() + ")";
      return null;
    }
    checked.put(
        Rule.ENTRY_POINT,
        "loaded in its own class loader by the host's loading code and constructed (the"
            + " containment agent is not installed in the kit's JVM: System.exit and reflection"
            + " into the host are stopped only by a host started with the launcher); protocol '"
            + view.get().protocol()
            + "', flags "
            + view.get().flagsText());
    return plugins.classLoader(pluginId);
  }

  /** The guide's rule a kept context of API 1.6 breaks. */
  private static final String REUSABLE_GUIDE =
      "docs/plugin-authors.md §6 REUSABLE_CONTEXT, §13 \"Moving a 1.5 plug-in to 1.6\"";

  /** The guide's rule {@code n} for a kept context of API 1.7. */
  private static String reverifyingRule(int n) {
    return "docs/plugin-authors.md §6 REVERIFYING_CONTEXT, §13 \"Moving a 1.6 plug-in to 1.7\" rule "
        + n;
  }

  /**
   * The kit was given options it cannot check with (two clients of one account): the author's
   * mistake, not the plug-in's breach, so no rule's verdict but the caller's usage error.
   */
  private static final class UsageError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  /**
   * What one exchange sent last, the user name the plug-in reported on that leg, and the last
   * challenge the plug-in answered CONTINUE with and its leg (-1: none).
   */
  private static final class Sent {
    private byte[] last;
    private String user;
    private int challenged = -1;
    private byte[] challenge;
  }

  /** The kit gave up waiting for an answer the host should have given within its own limits. */
  private static final class KitTimeout extends Exception {
    private static final long serialVersionUID = 1L;

    KitTimeout(String message) {
      super(message, null, false, false);
    }
  }

  /** A body of checks for one rule; a breach is recorded, not thrown. */
  @FunctionalInterface
  private interface Checks {
    String run() throws Exception;
  }

  /** The scenarios, run one after the other against the loaded plug-in. */
  private final class Scenario {
    private final KitHost host;
    private final PluginHost plugins;
    private final Duration patience;
    private final java.util.concurrent.atomic.AtomicLong connections =
        new java.util.concurrent.atomic.AtomicLong();
    private final Set<Long> excused = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Scenario(KitHost host) {
      this.host = host;
      this.plugins = host.plugins();
      // The host answers every call within its own limits; this bound only keeps the kit itself
      // from waiting forever should it not.
      this.patience =
          options.callTimeout().multipliedBy(3).plus(options.callbackTimeout()).plusSeconds(10);
    }

    void run(Rule rule, Checks checks) throws InterruptedException {
      if (notChecked != null) {
        return;
      }
      // The life-cycle rule counts what happened while the host loaded the plug-in too.
      long mark = rule == Rule.LIFECYCLE ? 0 : host.events().lastRecordNumber();
      // The life-cycle rule judges the status the plug-in is in; the others need it enabled.
      String usable = rule == Rule.LIFECYCLE ? null : usable();
      if (usable != null) {
        // What the failed re-enable logged is the plug-in's doing, and must not go unreported.
        breachesSince(mark, rule);
        notChecked = usable;
        return;
      }
      String what;
      try {
        what = checks.run();
      } catch (KitTimeout e) {
        breaches.get(rule).add(e.getMessage());
        notChecked = e.getMessage();
        what = null;
      } catch (InterruptedException | UsageError e) {
        throw e;
      } catch (Exception e) {
        breaches.get(rule).add("the kit failed: " + e);
        what = null;
      }
      breachesSince(mark, rule);
      if (what != null && breaches.get(rule).isEmpty()) {
        if (skipped.containsKey(rule)) {
          skipped.put(rule, skipped.get(rule) + " (what did run: " + what + ")");
        } else {
          checked.put(rule, what);
        }
      }
    }

    /**
     * Null if the plug-in is enabled, after enabling it again if a failure took it out; otherwise
     * why the next rules cannot be checked.
     */
    private String usable() {
      PluginView v = plugins.plugin(pluginId).orElse(null);
      if (v == null) {
        return "the plug-in is no longer loaded";
      }
      if (v.status() == (PluginStatus.LOADED | PluginStatus.ENABLED)) {
        return null;
      }
      try {
        v = plugins.enable(pluginId);
      } catch (IllegalStateException e) {
        return "a call into the plug-in never returned, so the host no longer calls it ("
            + v.errorText()
            + ")";
      }
      return v.status() == (PluginStatus.LOADED | PluginStatus.ENABLED)
          ? null
          : "the plug-in could not be enabled again (" + v.errorText() + ")";
    }

    /** Records what the host logged about the plug-in since {@code mark} as breaches. */
    void breachesSince(long mark, Rule scenario) {
      synchronized (breaches) {
        recordSince(mark, scenario);
      }
    }

    private void recordSince(long mark, Rule scenario) {
      for (EventRecord e : host.events().query(EventQuery.all().withAfterRecordNumber(mark))) {
        boolean byHost = e.source().equals(HostEvents.aboutPlugin(pluginId));
        boolean byPlugin = e.source().equals(pluginId);
        if (excused.contains(e.recordNumber())) {
          continue;
        }
        if (scenario == Rule.SERVICE_FAILURES
            && (byPlugin || (byHost && answeredAFailingHResult(e)))) {
          // A service of the host failed: a plug-in may log its own ERROR about it, and a failing
          // HRESULT from Authenticate is the answer the rule asks for (the host takes the plug-in
          // out of service for it; the kit enables it again).
          continue;
        }
        if (byHost && e.level() != EventLevel.INFORMATION) {
          breaches
              .get(ruleOf(e, scenario))
              .add("the host recorded " + e.level() + " " + e.hresult() + ": " + e.text());
        } else if (byPlugin && e.level() == EventLevel.ERROR) {
          breaches
              .get(scenario)
              .add(
                  "the plug-in logged an ERROR ("
                      + e.hresult()
                      + ": "
                      + e.text()
                      + "), which takes it out of service as WMS does (IWMSEventLog ms747272)");
        }
      }
    }

    /**
     * "failed in Authenticate: Authenticate returned E_..." (not "threw"): a failing HRESULT, the
     * answer asked for.
     */
    private boolean answeredAFailingHResult(EventRecord e) {
      return FAILING_HRESULT.matcher(e.text()).find();
    }

    /** A breach belongs to the rule it breaks, whichever scenario provoked it. */
    private Rule ruleOf(EventRecord e, Rule scenario) {
      if (e.hresult().equals(HResult.NS_E_PLUGIN_ERROR_REPORTED)
          && e.text().contains("logged no event")) {
        return Rule.ERROR_REPORTED;
      }
      if (e.text().contains("OnAuthenticateComplete")) {
        return Rule.CALLBACK_ONCE;
      }
      // A heartbeat runs whenever it falls due, whichever scenario is under way.
      if (e.text().contains("failed in OnHeartbeat")) {
        return Rule.LIFECYCLE;
      }
      return scenario;
    }

    private <T> T await(CompletableFuture<T> answer, String what) throws Exception {
      try {
        return answer.get(patience.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new KitTimeout(
            what
                + " did not return: the host gave no answer within "
                + patience.toSeconds()
                + " s");
      } catch (ExecutionException e) {
        throw new IllegalStateException(what + " failed in the host", e.getCause());
      }
    }

    private AuthenticationOutcome leg(AuthenticationSession session, byte[] blob, String what)
        throws Exception {
      return leg(session, blob, what, KitClient.user(connections.incrementAndGet()));
    }

    /** One leg as the client on {@code user}'s connection, which then holds the name reported. */
    private AuthenticationOutcome leg(
        AuthenticationSession session, byte[] blob, String what, UserContext user)
        throws Exception {
      AuthenticationOutcome o =
          await(session.authenticate(blob, user, KitClient.PRESENTATION, KitClient.COMMAND), what);
      if (HResult.NS_E_PLUGIN_ERROR_REPORTED.equals(o.hresult())) {
        reported.incrementAndGet();
      }
      return o;
    }

    /** The rule's paths did not (all) run: what would have been needed. */
    private void skip(Rule rule, String needed) {
      skipped.merge(rule, needed, (a, b) -> a + "; " + b);
    }

    private void release(AuthenticationSession session) throws Exception {
      await(session.release(), "releasing the context");
    }

    private boolean enabled() {
      return plugins
          .plugin(pluginId)
          .map(v -> v.status() == (PluginStatus.LOADED | PluginStatus.ENABLED))
          .orElse(false);
    }

    private void expectStatus(String after, int expected) {
      PluginView v = plugins.plugin(pluginId).orElseThrow();
      if (v.status() != expected) {
        breaches
            .get(Rule.LIFECYCLE)
            .add(
                "after "
                    + after
                    + " the status is "
                    + v.statusText()
                    + " instead of "
                    + PluginStatus.toString(expected)
                    + (v.inError() ? " (" + v.errorCode() + ": " + v.errorText() + ")" : ""));
      }
    }

    String lifecycle() {
      int on = PluginStatus.LOADED | PluginStatus.ENABLED;
      expectStatus("InitializePlugin and EnablePlugin", on);
      if (!breaches.get(Rule.LIFECYCLE).isEmpty()) {
        return null;
      }
      plugins.disable(pluginId);
      expectStatus("DisablePlugin", PluginStatus.LOADED);
      plugins.disable(pluginId);
      expectStatus("a second disable", PluginStatus.LOADED);
      plugins.enable(pluginId);
      expectStatus("EnablePlugin again (re-enabled while loaded)", on);
      plugins.enable(pluginId);
      expectStatus("a second enable", on);
      if (!breaches.get(Rule.LIFECYCLE).isEmpty()) {
        return null;
      }
      // The host never repeats a disable (its bookkeeping masks the plug-in's answer); WMS may,
      // so the same steps once more straight to the plug-in.
      direct(PluginHost.DirectCall.DISABLE_PLUGIN, "DisablePlugin on the enabled plug-in");
      direct(
          PluginHost.DirectCall.DISABLE_PLUGIN,
          "DisablePlugin a second time (WMS may call it on a plug-in already disabled, ms747288)");
      direct(
          PluginHost.DirectCall.ENABLE_PLUGIN,
          "EnablePlugin after DisablePlugin (WMS calls it whenever Enabled is set to true,"
              + " ms747289)");
      direct(PluginHost.DirectCall.DISABLE_PLUGIN, "DisablePlugin after enable, disable, enable");
      direct(PluginHost.DirectCall.ENABLE_PLUGIN, "EnablePlugin once more");
      expectStatus("the direct calls", on);
      return "initialize, enable, disable, disable again, enable again, enable again through the"
          + " host with the status bits WMS gives each step; straight to the plug-in: disable,"
          + " disable again, enable, disable, enable, each S_OK; then (at the end) disable and"
          + " shutdown";
    }

    private void direct(PluginHost.DirectCall call, String what) {
      if (!breaches.get(Rule.LIFECYCLE).isEmpty()) {
        return;
      }
      HResult hr = plugins.callDirectly(pluginId, call);
      if (hr.failed()) {
        breaches
            .get(Rule.LIFECYCLE)
            .add(what + " returned " + hr + " instead of S_OK (called on the plug-in itself)");
      }
    }

    String callbacks() throws Exception {
      int exchanges = 0;
      for (int i = 0; i < 8 && enabled(); i++) {
        exchanges += exchange("Authenticate (empty blob, exchange " + i + ")");
      }
      // From other threads at once: a plug-in must keep each context's callback apart.
      ExecutorService clients = Executors.newFixedThreadPool(4);
      try {
        List<Future<Integer>> running = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          String what = "Authenticate (empty blob, concurrent exchange " + i + ")";
          running.add(clients.submit(() -> exchange(what)));
        }
        for (Future<Integer> f : running) {
          try {
            exchanges += f.get(patience.toMillis() * 2, TimeUnit.MILLISECONDS);
          } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
          } catch (TimeoutException e) {
            throw new KitTimeout("a concurrent Authenticate did not return");
          }
        }
      } finally {
        clients.shutdownNow();
      }
      if (exchanges == 0) {
        skip(Rule.CALLBACK_ONCE, "no Authenticate could be made: the plug-in was out of service");
      }
      return exchanges
          + " exchanges, 8 of them concurrent: one OnAuthenticateComplete each, in time";
    }

    private int exchange(String what) throws Exception {
      if (!enabled()) {
        return 0;
      }
      AuthenticationSession session = plugins.session(pluginId);
      try {
        AuthenticationOutcome o = leg(session, new byte[0], what);
        if (o.result() == AuthenticationResult.ERROR && o.hresult().equals(HResult.E_TIMEOUT)) {
          synchronized (breaches) {
            breaches.get(Rule.CALLBACK_ONCE).add(what + " ended past the time limit (E_TIMEOUT)");
          }
        }
      } finally {
        release(session);
      }
      return 1;
    }

    String tokens() throws Exception {
      List<String> notes = new ArrayList<>();
      String success = successPath();
      notes.add(success);
      notes.add(failurePath());
      return String.join("; ", notes);
    }

    /** Drives the client (or an empty first leg) to SUCCESS and checks the token there. */
    private String successPath() throws Exception {
      AuthenticationSession session = plugins.session(pluginId);
      List<String> broken = breaches.get(Rule.TOKEN_OWNERSHIP);
      try {
        Sent sent = new Sent();
        AuthenticationOutcome o = towardsSuccess(options.client(), session, "", sent);
        if (o == null || o.result() != AuthenticationResult.SUCCESS) {
          skip(
              Rule.TOKEN_OWNERSHIP,
              "no SUCCESS reached, so the token's ownership was not checked: "
                  + noSuccess(o, sent));
          return "success path not exercised";
        }
        TokenHandle handed = o.token();
        Out<TokenHandle> again = new Out<>();
        HResult hr =
            await(session.askImpersonationToken(again), "GetImpersonationToken (asked again)");
        if (hr.failed() || !handed.equals(again.get())) {
          broken.add(
              "GetImpersonationToken asked again on a SUCCESS context answered "
                  + hr
                  + " with "
                  + again.get()
                  + " instead of S_OK with the same handle "
                  + handed
                  + " (the context keeps owning it: no duplicate, no new logon)");
        }
        String kept = keptAgain(session, handed);
        release(session);
        if (host.tokens().isOpen(handed)) {
          broken.add("the token " + handed + " is still open after the context was released");
        }
        Out<TokenHandle> after = new Out<>();
        hr = await(session.askImpersonationToken(after), "GetImpersonationToken (after release)");
        if (!hr.equals(HResult.SEC_E_INVALID_HANDLE)) {
          broken.add(
              "GetImpersonationToken after release answered "
                  + hr
                  + (after.get() == null ? "" : " with " + after.get())
                  + " instead of SEC_E_INVALID_HANDLE");
        }
        return "SUCCESS: the same handle again, closed by release, SEC_E_INVALID_HANDLE after it"
            + kept;
      } finally {
        release(session);
      }
    }

    /**
     * Why the client's exchange ended in {@code o} and not SUCCESS, and what would get it there.
     */
    private String noSuccess(AuthenticationOutcome o, Sent sent) throws Exception {
      if (options.client() == null) {
        return "an empty blob does not succeed; "
            + aClientThatLogsOn()
            + ", and "
            + names.account()
            + " for an account in the kit's store";
      }
      String ended =
          "the client did not reach SUCCESS (last answer "
              + (o == null ? "none" : o.result() + " " + o.hresult())
              + ")";
      if (options.client() instanceof FixedResponses
          && sent.challenged >= 0
          && o != null
          && o.result() != AuthenticationResult.CONTINUE
          && challengeChanges(sent)) {
        // A server nonce (trial10): no fixed response can answer it, whatever the accounts. A
        // challenge that stays the same (Basic's realm) says nothing of it.
        return ended
            + ": the plug-in answered CONTINUE with a challenge on leg "
            + sent.challenged
            + ", then refused the fixed response that followed; a fixed response cannot answer a"
            + " challenge that changes with each exchange (a server nonce, say): give a client"
            + " that reads the challenge and answers it, "
            + names.client();
      }
      return ended + "; check its responses and the accounts given with " + names.account();
    }

    /**
     * Whether the fixed responses, on a new context, meet another challenge than {@code first} did:
     * one that changes with each exchange, which no fixed response can answer.
     */
    private boolean challengeChanges(Sent first) throws Exception {
      AuthenticationSession fresh = plugins.session(pluginId);
      try {
        Sent again = new Sent();
        towardsSuccess(
            options.client(), fresh, " (the fixed responses once more, on a new context)", again);
        return !java.util.Arrays.equals(first.challenge, again.challenge);
      } finally {
        release(fresh);
      }
    }

    /**
     * For a plug-in that lets the host keep its context for a connection ({@link
     * AuthenticationFlags#REUSABLE_CONTEXT}, API 1.6): {@code Authenticate} again on the SUCCESS
     * context, as the host does on the connection's next request, must answer SUCCESS with the
     * token the context already holds, not a new logon (which would leave the first token open
     * until the connection closes). What it checked, to add to the rule's line.
     */
    private String keptAgain(AuthenticationSession session, TokenHandle handed) throws Exception {
      int flags = plugins.plugin(pluginId).map(PluginView::flags).orElse(0);
      if (AuthenticationFlags.has(flags, AuthenticationFlags.REVERIFYING_CONTEXT)) {
        return reverified(session, handed);
      }
      if (!AuthenticationFlags.has(flags, AuthenticationFlags.REUSABLE_CONTEXT)) {
        return "";
      }
      AuthenticationOutcome next =
          leg(session, new byte[0], "Authenticate again on the SUCCESS context (REUSABLE_CONTEXT)");
      if (next.result() != AuthenticationResult.SUCCESS || !handed.equals(next.token())) {
        breach(
            Rule.TOKEN_OWNERSHIP,
            REUSABLE_GUIDE,
            "Authenticate again on a SUCCESS context (the plug-in declares REUSABLE_CONTEXT)"
                + " answered "
                + answer(next)
                + " instead of SUCCESS with the token it holds, "
                + handed
                + " (a kept context answers every request of its connection from that token;"
                + " log on only once, or do not declare REUSABLE_CONTEXT)");
      }
      return "; REUSABLE_CONTEXT: Authenticate again answered SUCCESS with the same handle";
    }

    /**
     * For a plug-in whose one context may verify each request of a connection ({@link
     * AuthenticationFlags#REVERIFYING_CONTEXT}, API 1.7), asked on its SUCCESS context as the host
     * asks it with the connection's next requests: the client's exchange again must end in SUCCESS
     * with the token the context holds (no new logon); its last response once more (a replay) must
     * not succeed; another account's exchange ({@link KitOptions#withOtherClient}) must never get
     * the first account's token. What it checked, to add to the rule's line; what it could not
     * check is not exercised.
     */
    private String reverified(AuthenticationSession session, TokenHandle handed) throws Exception {
      String again = " again on the SUCCESS context (REVERIFYING_CONTEXT)";
      Sent sent = new Sent();
      AuthenticationOutcome o = towardsSuccess(options.client(), session, again, sent);
      boolean succeeded = o != null && o.result() == AuthenticationResult.SUCCESS;
      String did;
      if (!succeeded && options.client() instanceof FixedResponses && !reusable()) {
        // The same proof twice is a replay: refusing it is right, and says nothing of rule 2.
        skip(
            Rule.TOKEN_OWNERSHIP,
            "REVERIFYING_CONTEXT: whether the SUCCESS context answers its account's next proof"
                + " with the token it holds (the guide's §13 1.7 rule 2) was not checked: the same"
                + " fixed response sent again was answered "
                + answer(o)
                + ", as a replay check rightly answers a proof it has seen; give a client that"
                + " makes a fresh proof: "
                + names.client());
        did = "; REVERIFYING_CONTEXT: the same fixed response sent again was refused";
      } else {
        if (!succeeded || !handed.equals(o.token())) {
          breach(
              Rule.TOKEN_OWNERSHIP,
              reverifyingRule(2),
              "the client's exchange"
                  + again
                  + " answered "
                  + answer(o)
                  + " instead of SUCCESS with the token it holds, "
                  + handed
                  + " (a kept context answers its account's next requests from that token"
                  + (succeeded
                      ? ")"
                      : options.client() instanceof FixedResponses
                          ? "; a new context takes the same responses again, so this was no"
                              + " replay check's refusal)"
                          : "; if your proofs are one-time, does your client make a fresh one on"
                              + " every call?)"));
        }
        if (sent.last != null) {
          AuthenticationOutcome replay =
              leg(session, sent.last, "Authenticate with the last response once more (a replay)");
          if (replay.result() == AuthenticationResult.SUCCESS) {
            breach(
                Rule.TOKEN_OWNERSHIP,
                reverifyingRule(1),
                "the client's last response sent once more to the SUCCESS context (a replay)"
                    + " answered SUCCESS (REVERIFYING_CONTEXT: every request is verified in full,"
                    + " a replay refused as on a new context)");
          }
        }
        did =
            "; REVERIFYING_CONTEXT: the exchange again answered with the same handle, a replay"
                + " refused";
      }
      if (options.otherClient() == null) {
        skip(
            Rule.TOKEN_OWNERSHIP,
            "REVERIFYING_CONTEXT: whether another account's credentials on the SUCCESS context"
                + " are ever answered with the token it holds (the guide's §13 1.7 rule 3) was not"
                + " checked: give a client of a different account with "
                + names.otherClient()
                + ", and the account with "
                + names.account());
        return did;
      }
      return did + ", " + otherAccount(session, handed);
    }

    /**
     * Whether the fixed responses succeed on a new context once more: then the kept context's
     * refusal of them was no replay check's (the proof is reusable, and a new context takes it),
     * and rule 2 is broken; otherwise the proof is one-time, and rule 2 cannot be asked with it.
     */
    private boolean reusable() throws Exception {
      AuthenticationSession fresh = plugins.session(pluginId);
      try {
        AuthenticationOutcome o =
            towardsSuccess(fresh, " (the fixed responses once more, on a new context)");
        return o != null && o.result() == AuthenticationResult.SUCCESS;
      } finally {
        release(fresh);
      }
    }

    /**
     * Rule 3 of a kept context: another account's exchange on it never gets {@code handed}. The
     * other client's account is first learnt on a new context, where even a plug-in that breaks the
     * rule verifies it: the same account as the first client's is the author's mistake.
     */
    private String otherAccount(AuthenticationSession session, TokenHandle handed)
        throws Exception {
      String first = accountOf(handed, null);
      AuthenticationSession fresh = plugins.session(pluginId);
      List<String> second = new ArrayList<>();
      try {
        Sent sent = new Sent();
        AuthenticationOutcome alone =
            towardsSuccess(options.otherClient(), fresh, " of another account, new context", sent);
        // What the plug-in reported and what it logged on: only if both name the first account
        // is it the author's mistake (a plug-in that logs bob on as alice is not).
        if (sent.user != null) {
          second.add(accountOf(null, sent.user));
        }
        if (alone != null && alone.result() == AuthenticationResult.SUCCESS) {
          second.add(accountOf(alone.token(), null));
        }
      } finally {
        release(fresh);
      }
      second.removeIf(java.util.Objects::isNull);
      if (first != null && !second.isEmpty() && second.stream().allMatch(first::equalsIgnoreCase)) {
        throw new UsageError(
            names.otherClient()
                + " must prove a different account than "
                + names.client()
                + " (both proved '"
                + first
                + "')");
      }
      AuthenticationOutcome other =
          towardsSuccess(
              options.otherClient(),
              session,
              " of another account again on the SUCCESS context (REVERIFYING_CONTEXT)",
              new Sent());
      if (other != null
          && other.result() == AuthenticationResult.SUCCESS
          && handed.equals(other.token())) {
        breach(
            Rule.TOKEN_OWNERSHIP,
            reverifyingRule(3),
            "another account's exchange on a SUCCESS context (REVERIFYING_CONTEXT) answered"
                + " SUCCESS with the first account's token "
                + handed
                + " (another account's credentials are its own logon, or refused; never the"
                + " token the context holds)");
      }
      return "another account never given it ("
          + (other == null
              ? "its client gave no first leg"
              : other.result() == AuthenticationResult.SUCCESS
                  ? "it got its own token"
                  // The path where its logon replaces the held token never ran: the author
                  // should know, a forgotten withAccount being the usual cause.
                  : "it was refused, "
                      + other.result()
                      + " "
                      + other.hresult()
                      + ": is it an account given with "
                      + names.account()
                      + "?")
          + ")";
    }

    /**
     * The name of the account {@code token} stands for, if it is open, else {@code reported}:
     * without the machine's name ({@code alice}, not {@code AUTHHOST-KIT\alice}), as a client names
     * it.
     */
    private String accountOf(TokenHandle token, String reported) {
      Out<AccessToken> a = new Out<>();
      String name =
          token != null && host.tokens().queryToken(token, a).succeeded()
              ? a.get().accountName()
              : reported;
      return name == null ? null : name.substring(name.lastIndexOf('\\') + 1);
    }

    /** {@code SUCCESS with TokenHandle[...]}, {@code DENIED 0x... S_OK}, or nothing. */
    private static String answer(AuthenticationOutcome o) {
      return o == null
          ? "nothing"
          : o.result() + " " + o.hresult() + (o.token() == null ? "" : " with " + o.token());
    }

    /** A breach of {@code rule} that breaks the guide's {@code guideRule} too. */
    private void breach(Rule rule, String guideRule, String what) {
      breaches.get(rule).add(what);
      guide.get(rule).add(guideRule);
    }

    /**
     * The author's client (or an empty first leg) against one session, leg by leg; the last answer,
     * or null if the client gave no first leg.
     */
    private AuthenticationOutcome towardsSuccess(AuthenticationSession session, String during)
        throws Exception {
      return towardsSuccess(options.client(), session, during, new Sent());
    }

    /**
     * {@code client} (or, if null, an empty first leg) against one session, leg by leg; the last
     * answer, or null if the client gave no first leg. {@code sent} receives the last blob sent and
     * the user name the plug-in reported on its leg.
     */
    private AuthenticationOutcome towardsSuccess(
        ContractClient client, AuthenticationSession session, String during, Sent sent)
        throws Exception {
      byte[] challenge = new byte[0];
      AuthenticationOutcome o = null;
      for (int leg = 0; leg < LEGS; leg++) {
        byte[] blob =
            client != null ? client.respond(leg, challenge) : leg == 0 ? new byte[0] : null;
        if (blob == null) {
          break;
        }
        sent.last = blob.clone();
        UserContext user = KitClient.user(connections.incrementAndGet());
        o =
            leg(
                session,
                blob,
                "Authenticate (leg " + leg + " towards SUCCESS" + during + ")",
                user);
        sent.user = user.userName().orElse(null);
        if (o.result() != AuthenticationResult.CONTINUE) {
          break;
        }
        challenge = o.challenge();
        if (challenge != null && challenge.length > 0) {
          sent.challenged = leg;
          sent.challenge = challenge.clone();
        }
      }
      return o;
    }

    /**
     * The client's exchange again with each host service failing in turn: the plug-in must answer
     * DENIED or ERROR (a failing HRESULT), never throw, and never SUCCESS without a live token.
     */
    String serviceFailures() throws Exception {
      List<String> met = new ArrayList<>();
      List<String> unmet = new ArrayList<>();
      List<String> unreached = new ArrayList<>();
      List<String> uncalled = new ArrayList<>();
      Set<String> endings = new java.util.LinkedHashSet<>();
      List<String> broken = breaches.get(Rule.SERVICE_FAILURES);
      ServiceFaults faults = host.faults();
      ServiceFaults.Fault previous = null;
      boolean stopped = false;
      for (ServiceFaults.Fault fault : ServiceFaults.Fault.values()) {
        if (!backInService(previous, fault)) {
          stopped = true;
          break;
        }
        AuthenticationSession session = plugins.session(pluginId);
        AuthenticationOutcome o;
        int failed;
        int replayChecksFailed;
        long mark = host.events().lastRecordNumber();
        faults.set(fault);
        try {
          o = towardsSuccess(session, ", while " + fault.what());
        } finally {
          failed = faults.failedCalls();
          replayChecksFailed = faults.failedReplayChecks();
          faults.set(null);
          previous = fault;
        }
        if (fault == ServiceFaults.Fault.EVENT_LOG_FAILS) {
          excuseLostReports(mark);
        }
        try {
          if (failed == 0) {
            uncalled.add(fault.calls());
            // Only an exchange that got through tells that the plug-in does not call the service.
            if (o != null && o.result() == AuthenticationResult.SUCCESS) {
              unmet.add(fault.calls());
            } else {
              endings.add(answer(o));
              unreached.add(
                  fault.what()
                      + " (the exchange ended "
                      + answer(o)
                      + " before "
                      + fault.calls()
                      + ")");
            }
            continue;
          }
          met.add(
              fault.what()
                  + ": "
                  + (o == null
                      ? "no answer"
                      : "answered "
                          + o.result()
                          + " (its callback's HRESULT "
                          + o.hresult()
                          + ")"));
          boolean noToken =
              fault == ServiceFaults.Fault.TOKENS_FAIL
                  || fault == ServiceFaults.Fault.LOGON_DENIED
                  || fault == ServiceFaults.Fault.TOKEN_CLOSED;
          if (o != null && o.result() == AuthenticationResult.SUCCESS) {
            if (noToken) {
              broken.add(
                  "while "
                      + fault.what()
                      + ", Authenticate answered SUCCESS (with "
                      + o.token()
                      + "): a logon that failed, or a token the token service calls closed, must"
                      + " end in DENIED or a failing HRESULT");
            } else if (fault == ServiceFaults.Fault.STATE_FAILS && replayChecksFailed > 0) {
              broken.add(
                  "while "
                      + fault.what()
                      + ", Authenticate answered SUCCESS although "
                      + replayChecksFailed
                      + " of its StateService.claim/increment/claimInWindow calls failed: with its replay"
                      + " protection unanswered it must not let the client in (it fails open)");
            } else if (!host.tokens().isOpen(o.token())) {
              broken.add(
                  "while "
                      + fault.what()
                      + ", Authenticate answered SUCCESS with the dead token "
                      + o.token());
            }
          }
        } finally {
          release(session);
        }
      }
      if (!stopped && previous != null) {
        backInService(previous, null);
      }
      if (met.isEmpty()) {
        skip(Rule.SERVICE_FAILURES, uncalledBecause(uncalled, unmet, endings));
      }
      if (!met.isEmpty() && !unreached.isEmpty()) {
        skip(
            Rule.SERVICE_FAILURES,
            "runs that never reached the service they fail: "
                + String.join("; ", unreached)
                + ": the client is asked again for each run, and "
                + stuckClient());
      }
      return met.isEmpty()
          ? null
          : "answered without an exception and without a dead token while "
              + String.join("; ", met)
              + (unmet.isEmpty() ? "" : "; not called: " + String.join("; ", unmet));
    }

    /**
     * Why none of the failing services ({@code uncalled}) was called: only a run that got through
     * ({@code passed}: the services it did not call) says the logon path does not use them; runs
     * that ended before ({@code endings}) say nothing of it.
     */
    private String uncalledBecause(
        List<String> uncalled, List<String> passed, Set<String> endings) {
      String services = String.join("; ", uncalled);
      if (options.client() != null && passed.isEmpty()) {
        // A refused exchange (trial10's stale nonce) is no logon path without the services.
        return "not reached: no run of the kit's exchange got through (each ended "
            + String.join(" or ", endings)
            + "), so whether the plug-in calls the failing services ("
            + services
            + ") is unknown; "
            + stuckClient();
      }
      String none =
          "the plug-in called none of the failing services ("
              + services
              + ") in the kit's exchange: ";
      if (options.client() == null) {
        return none + aClientThatLogsOn() + " so the logon path runs";
      }
      return none
          + "its exchange got through without calling "
          + String.join("; ", passed)
          + (endings.isEmpty()
              ? ""
              : "; the other runs never got that far (ended "
                  + String.join(" or ", endings)
                  + "): "
                  + stuckClient());
    }

    /** The hint for a check run without a client. */
    private String aClientThatLogsOn() {
      return "give the kit a client that logs on ("
          + names.client()
          + " or "
          + names.responses()
          + ")";
    }

    /** What to do about a client whose exchange did not get through when asked again. */
    private String stuckClient() {
      return options.client() instanceof FixedResponses
          ? "fixed responses ("
              + names.responses()
              + ") send the same proof again, which a replay check rightly refuses, and cannot"
              + " answer a challenge that changes; give a client that makes a fresh proof: "
              + names.client()
          : "its exchange did not reach SUCCESS in these runs: does it make a fresh proof on every"
              + " call?";
    }

    /**
     * Whether the plug-in is in service before {@code next} (null: after the last fault). Not back
     * after an injected fault is a breach: the host's services work again, and a plug-in that never
     * comes back (its EnablePlugin failing) is out of service for good in a real server. Out of
     * service before any fault, only this rule's path did not run.
     */
    private boolean backInService(ServiceFaults.Fault previous, ServiceFaults.Fault next) {
      String unusable = usable();
      if (unusable == null) {
        return true;
      }
      if (previous == null) {
        skip(Rule.SERVICE_FAILURES, "stopped before " + next.what() + ": " + unusable);
      } else {
        breaches
            .get(Rule.SERVICE_FAILURES)
            .add(
                "after "
                    + previous.what()
                    + ", "
                    + unusable
                    + ": once the host's services work again the plug-in must come back into"
                    + " service (EnablePlugin after the failure it answered)");
      }
      return false;
    }

    /**
     * With the event log failing, the event a plug-in logged before NS_E_PLUGIN_ERROR_REPORTED
     * never reached the host, which then says it logged none: the kit's doing, not the plug-in's.
     */
    private void excuseLostReports(long mark) {
      for (EventRecord e : host.events().query(EventQuery.all().withAfterRecordNumber(mark))) {
        if (e.text().contains("logged no event")) {
          excused.add(e.recordNumber());
        }
      }
    }

    /** A context whose Authenticate did not succeed must not hand out a token. */
    private String failurePath() throws Exception {
      SplittableRandom random = new SplittableRandom(options.seed());
      byte[] junk = new byte[48];
      random.nextBytes(junk);
      AuthenticationSession session = plugins.session(pluginId);
      List<String> broken = breaches.get(Rule.TOKEN_OWNERSHIP);
      try {
        AuthenticationOutcome o = leg(session, junk, "Authenticate (48 random bytes)");
        if (o.result() != AuthenticationResult.DENIED
            && o.result() != AuthenticationResult.CONTINUE) {
          skip(
              Rule.TOKEN_OWNERSHIP,
              "failure path not exercised (48 random bytes were answered " + o.result() + ")");
          return "failure path not exercised";
        }
        Out<TokenHandle> token = new Out<>();
        HResult hr =
            await(
                session.askImpersonationToken(token),
                "GetImpersonationToken (after " + o.result() + ")");
        if (hr.succeeded()) {
          broken.add(
              "GetImpersonationToken on a context answered "
                  + o.result()
                  + " returned "
                  + hr
                  + " with "
                  + token.get()
                  + " instead of a failing HRESULT (SEC_E_NO_IMPERSONATION)");
        }
        release(session);
        Out<TokenHandle> after = new Out<>();
        hr =
            await(
                session.askImpersonationToken(after),
                "GetImpersonationToken (after release, no logon)");
        if (hr.succeeded()) {
          broken.add(
              "GetImpersonationToken on a released context (never logged on) returned "
                  + hr
                  + " instead of SEC_E_INVALID_HANDLE");
        }
        return o.result() + ": a failing HRESULT before and after release";
      } finally {
        release(session);
      }
    }

    /**
     * A run of {@code ECHO} or more characters of the client's blob that a refusal's reason
     * repeats, or null. Short runs are allowed: a parameter's name, a key's name.
     */
    private static String echoed(String reason, byte[] blob) {
      if (reason == null || blob.length < ECHO || blob.length > 16 * 1024) {
        return null;
      }
      String sent = new String(blob, StandardCharsets.ISO_8859_1);
      for (int i = 0; i + ECHO <= reason.length(); i++) {
        String run = reason.substring(i, i + ECHO);
        if (!run.isBlank() && sent.contains(run)) {
          return run;
        }
      }
      return null;
    }

    String malformed() throws Exception {
      boolean anonymous =
          AuthenticationFlags.has(
              plugins.plugin(pluginId).orElseThrow().flags(), AuthenticationFlags.ANONYMOUS);
      byte[] challenge = new byte[0];
      AuthenticationSession first = plugins.session(pluginId);
      try {
        AuthenticationOutcome o = leg(first, new byte[0], "Authenticate (empty first leg)");
        if (o.result() == AuthenticationResult.CONTINUE) {
          challenge = o.challenge();
        }
      } finally {
        release(first);
      }
      List<String> broken = breaches.get(Rule.MALFORMED_INPUT);
      int sent = 0;
      int refusedFirstLeg = 0;
      int wrong = 0;
      for (ClientBlobs.Blob blob : ClientBlobs.of(options.seed(), options.blobs(), challenge)) {
        if (!enabled()) {
          broken.add(
              "the plug-in was taken out of service after "
                  + sent
                  + " blobs; the other "
                  + (options.blobs() - sent)
                  + " were not sent (seed "
                  + options.seed()
                  + ")");
          break;
        }
        AuthenticationSession session = plugins.session(pluginId);
        try {
          if (blob.secondLeg()
              && leg(session, new byte[0], "Authenticate (empty first leg)").result()
                  != AuthenticationResult.CONTINUE) {
            refusedFirstLeg++;
            continue;
          }
          AuthenticationOutcome o =
              leg(session, blob.bytes(), "Authenticate with " + blob.describe());
          sent++;
          boolean fine =
              o.result() == AuthenticationResult.DENIED
                  || o.result() == AuthenticationResult.CONTINUE
                  || (o.result() == AuthenticationResult.SUCCESS && anonymous);
          String echoed = o.isForbidden() ? echoed(o.forbidden(), blob.bytes()) : null;
          if (echoed != null) {
            wrong++;
            if (wrong <= SHOWN) {
              broken.add(
                  blob.describe()
                      + " was refused with OnAuthenticateForbidden whose reason repeats what the"
                      + " client sent (\""
                      + echoed
                      + "\"); the reason goes into the audit, so it must never carry the"
                      + " client's signature or token (seed "
                      + options.seed()
                      + ")");
            }
          } else if (!fine) {
            wrong++;
            if (wrong <= SHOWN) {
              broken.add(
                  blob.describe()
                      + " was answered "
                      + o.result()
                      + (o.result() == AuthenticationResult.SUCCESS
                          ? " (a plug-in that is not ANONYMOUS accepted random data)"
                          : " " + o.hresult())
                      + " (seed "
                      + options.seed()
                      + ")");
            }
          }
        } finally {
          release(session);
        }
      }
      if (wrong > SHOWN) {
        broken.add(wrong + " blobs in all were answered wrongly");
      }
      if (sent == 0) {
        skip(
            Rule.MALFORMED_INPUT,
            "no blob was sent (" + names.noBlobs() + ", or every second leg lacked a CONTINUE)");
      }
      return sent
          + " blobs (seed "
          + options.seed()
          + ": empty, every single byte, 64 KiB, random binary and text"
          + (challenge.length > 0 ? ", cuts and flips of its own challenge" : "")
          + ") answered DENIED or CONTINUE"
          + (anonymous ? " (or SUCCESS: the plug-in is ANONYMOUS)" : "")
          + (refusedFirstLeg > 0
              ? "; " + refusedFirstLeg + " second legs skipped (no CONTINUE to the first)"
              : "");
    }
  }
}
