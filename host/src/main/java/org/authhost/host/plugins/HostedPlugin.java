package org.authhost.host.plugins;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.BasicPlugin;
import org.authhost.api.Capability;
import org.authhost.api.HResult;
import org.authhost.host.config.BulkheadSettings;
import org.authhost.host.metrics.HostMetrics;
import org.authhost.host.metrics.PluginCallTimes;
import org.authhost.host.time.Scheduler.Scheduled;

/**
 * The host's side of one loaded plug-in: its loader and instance, the WMS status bits with
 * ErrorCode / ErrorText, and what the host caches of it. State changes happen under this object's
 * lock; reads of the status are lock-free so the request path never waits on a slow transition.
 */
final class HostedPlugin {
  private final PluginDescriptor descriptor;
  private final HostNamedValues namedValues;
  private final Bulkhead bulkhead;
  private final Set<Capability> capabilities;

  private volatile int status = PluginStatus.NONE;

  /** Grows with every change of status: what the service gate's "until its state changes" means. */
  private volatile int epoch;

  /** The host is bringing it into service (InitializePlugin, EnablePlugin): new work is welcome. */
  private volatile boolean starting;

  /** Counts failures, so that a call can tell whether the plug-in failed while it ran. */
  private volatile int failures;

  /**
   * An instance loaded only to try new named values (the console's change), never yet in service:
   * if it fails to start, the values are refused and it is unloaded, which is no plug-in failure.
   */
  private volatile boolean trial;

  /**
   * What a trial instance logged above INFORMATION: written if its values are accepted. Guarded by
   * itself, as is the end of the trial, so that an event is either held and written with the others
   * when the trial ends, or written after them.
   */
  private final java.util.List<PluginFailures.LoggedEvent> held = new java.util.ArrayList<>();

  private volatile HResult errorCode = HResult.S_OK;
  private volatile String errorText = "";

  // Set once while loading, before any request can see the plug-in.
  private PluginClassLoader classLoader;
  private BasicPlugin instance;
  private AuthenticationPlugin authentication;
  private String protocol = "";
  private String packageName = "";
  private int flags;

  private boolean initialized;
  // Read without the lock: a leg checks it before every call into the plug-in.
  private volatile boolean wedged;
  private Scheduled heartbeat;
  private volatile CompletableFuture<HResult> heartbeatInFlight;

  /**
   * Done once the DisablePlugin the host sends after the last failure has returned, or null. It is
   * made in {@link #failed}, the very transition that takes the plug-in out of service, so an
   * operator's enable can never see the plug-in out of service without it.
   */
  private volatile CompletableFuture<HResult> disableAfterFailure;

  /** Run as an enable starts waiting for that DisablePlugin: tests wait for this, not for time. */
  private volatile Runnable awaitingDisable = () -> {};

  /**
   * Which load of its id this is (1 for the first since the host started): a replaced plug-in's old
   * and new versions share the id and are told apart by this.
   */
  private volatile long generation = 1;

  /** Its JAR as it was when loaded, and where the host staged it (see {@link FileStamp}). */
  private volatile FileStamp stamp;

  private volatile java.nio.file.Path stagedIn;

  /** Who signed the JAR it was loaded from, as plugins.integrity found it; empty if no one. */
  private volatile String signer = "";

  /**
   * The sessions opened with it and not yet released: what a drain waits for. Must stay a
   * concurrent set whose {@code remove} and {@code isEmpty} are atomic and volatile: {@link
   * #released} removes without the lock and reads {@link #draining} after it, and {@link #drain}
   * sets that flag before it reads {@code isEmpty()} (a plain set under the lock, or a count kept
   * elsewhere, would let the last release and the drain miss each other). {@code
   * HostedPluginDrainTest} pins both orders.
   */
  private final Set<AuthenticationSession> sessions = ConcurrentHashMap.newKeySet();

  /** Completes once it is draining and its last session is released (guarded by this). */
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  /**
   * Set under this object's lock, read without it by {@link #released}: every request releases a
   * session, and the event loops would otherwise take this one lock in turn for each.
   */
  private volatile boolean draining;

  /** Counts the guard's refusals, so that a call can tell whether one was made while it ran. */
  private final AtomicInteger refusals = new AtomicInteger();

  /** The kinds of forbidden call reported since the last enable: a looping plug-in is one event. */
  private final Set<String> refusedKinds = ConcurrentHashMap.newKeySet();

  /** Where its calls' times are counted, resolved at its first timed call (see {@link #timing}). */
  private volatile CallTiming timing;

  /** A plug-in's call times and the host's metrics they belong to. */
  private record CallTiming(HostMetrics metrics, PluginCallTimes times) {}

  /**
   * @param capabilities what it holds: what it declares, as far as the operator grants it (see
   *     {@link CapabilityGrant})
   */
  HostedPlugin(
      PluginDescriptor descriptor,
      HostNamedValues namedValues,
      Bulkhead bulkhead,
      Set<Capability> capabilities) {
    this.descriptor = descriptor;
    this.namedValues = namedValues;
    this.bulkhead = bulkhead;
    this.capabilities = Set.copyOf(capabilities);
  }

  /** With the default bulkhead, holding what it declares (tests, benchmarks). */
  HostedPlugin(PluginDescriptor descriptor, HostNamedValues namedValues) {
    this(
        descriptor,
        namedValues,
        new Bulkhead(descriptor.id(), BulkheadSettings.DEFAULT),
        descriptor.capabilities());
  }

  /** The capabilities it holds. */
  Set<Capability> capabilities() {
    return capabilities;
  }

  /** Changes with every change of its status. */
  int epoch() {
    return epoch;
  }

  /** Marks an instance that only tries new named values, or one that took them into service. */
  void trial(boolean on) {
    trial = on;
  }

  boolean trial() {
    return trial;
  }

  /**
   * Keeps {@code event} if this instance is on trial, for {@link #endTrial}; false (nothing kept)
   * once the trial has ended, when the caller writes it as any event.
   */
  boolean holdIfOnTrial(PluginFailures.LoggedEvent event) {
    synchronized (held) {
      if (!trial) {
        return false;
      }
      held.add(event);
      return true;
    }
  }

  /**
   * Takes the instance into service: has {@code write} write what it logged while on trial, in
   * order, before any event it logs from now on can be written (a plug-in thread that logs
   * meanwhile waits here, then writes its own).
   */
  void endTrial(java.util.function.Consumer<PluginFailures.LoggedEvent> write) {
    synchronized (held) {
      trial = false;
      held.forEach(write);
      held.clear();
    }
  }

  /** Marks the host bringing it into service, or done with that. */
  void starting(boolean on) {
    starting = on;
    if (on) {
      whenStarting.run();
    }
  }

  private volatile Runnable whenStarting = () -> {};

  /** Whether the host is bringing it into service now (its InitializePlugin or EnablePlugin). */
  boolean isStarting() {
    return starting;
  }

  /** What runs each time the host begins to bring it into service (its state's life mark). */
  void whenStarting(Runnable task) {
    whenStarting = task;
  }

  /**
   * Whether it may start new work with the host's services (log on, read a credential, log an
   * event): while usable, or while the host is bringing it into service.
   */
  boolean inService() {
    return starting || isUsable();
  }

  /** Whether it is loaded: it may still release what it holds (close and query its handles). */
  boolean isLoaded() {
    return (status & PluginStatus.LOADED) != 0;
  }

  /** Its own threads for calls that may block. */
  Bulkhead bulkhead() {
    return bulkhead;
  }

  String id() {
    return descriptor.id();
  }

  PluginDescriptor descriptor() {
    return descriptor;
  }

  HostNamedValues namedValues() {
    return namedValues;
  }

  int status() {
    return status;
  }

  boolean inError() {
    return (status & PluginStatus.ERROR) != 0;
  }

  boolean isEnabled() {
    return (status & PluginStatus.ENABLED) != 0;
  }

  /**
   * Enabled, not in error, and no call into it past its time limit: the only state in which the
   * host offers it to clients. A hung call makes it unusable at once, before the failure report
   * (which runs asynchronously) puts it in error.
   */
  boolean isUsable() {
    return status == (PluginStatus.LOADED | PluginStatus.ENABLED) && !wedged;
  }

  HResult errorCode() {
    return errorCode;
  }

  String errorText() {
    return errorText;
  }

  /** Whether this is the first refusal of this kind of call since the plug-in was enabled. */
  boolean firstRefusalOf(String kind) {
    return refusedKinds.add(kind);
  }

  /** The loader exists before the instance: constructing the entry point is a guarded call. */
  synchronized void attach(PluginClassLoader loader) {
    this.classLoader = loader;
  }

  synchronized void loaded(BasicPlugin plugin) {
    this.instance = plugin;
    this.authentication = plugin instanceof AuthenticationPlugin a ? a : null;
    this.status = PluginStatus.LOADED;
    epoch++;
  }

  synchronized void describedAs(String protocol, String packageName, int flags) {
    this.protocol = protocol;
    this.packageName = packageName;
    this.flags = flags;
  }

  int failures() {
    return failures;
  }

  /**
   * EnablePlugin succeeded: enabled, unless the plug-in failed (e.g. logged an ERROR) since {@code
   * failuresBefore} was read, which must win over its S_OK.
   */
  synchronized boolean enabled(int failuresBefore) {
    if (failures != failuresBefore) {
      return false;
    }
    status = PluginStatus.LOADED | PluginStatus.ENABLED;
    errorCode = HResult.S_OK;
    errorText = "";
    epoch++;
    return true;
  }

  /** The operator clears the error before enabling again (WMS: setting Enabled resets it). */
  synchronized void clearError() {
    status = status & ~PluginStatus.ERROR;
    errorCode = HResult.S_OK;
    errorText = "";
    // Enabled again by the operator: a new refusal is news again.
    refusedKinds.clear();
    epoch++;
  }

  /** An operator disabled a healthy plug-in; WMS resets ErrorText then. */
  synchronized void disabled() {
    status = status & ~(PluginStatus.ENABLED | PluginStatus.ERROR);
    errorCode = HResult.S_OK;
    errorText = "";
    epoch++;
  }

  /**
   * Records a failure: the ERROR bit and ErrorCode / ErrorText; the plug-in stops being enabled.
   *
   * @return whether it was enabled until now
   */
  synchronized boolean failed(HResult code, String text) {
    boolean wasEnabled = isEnabled();
    if (wasEnabled) {
      // The host sends DisablePlugin now (see disablingAfterFailure), once per taking it out.
      disableAfterFailure = new CompletableFuture<>();
    }
    failures++;
    status = (status & PluginStatus.LOADED) | PluginStatus.ERROR;
    errorCode = code;
    errorText = text;
    epoch++;
    return wasEnabled;
  }

  synchronized void unloaded() {
    status = PluginStatus.NONE;
    epoch++;
    instance = null;
    authentication = null;
  }

  PluginClassLoader classLoader() {
    return classLoader;
  }

  BasicPlugin instance() {
    return instance;
  }

  AuthenticationPlugin authentication() {
    return authentication;
  }

  String protocol() {
    return protocol;
  }

  String packageName() {
    return packageName;
  }

  int flags() {
    return flags;
  }

  synchronized boolean initialized() {
    return initialized;
  }

  synchronized void markInitialized() {
    initialized = true;
  }

  /** A call never returned: the host stops calling into this plug-in until it is reloaded. */
  void markWedged() {
    wedged = true;
  }

  boolean wedged() {
    return wedged;
  }

  synchronized void heartbeat(Scheduled next) {
    if (heartbeat != null) {
      heartbeat.cancel();
    }
    heartbeat = next;
  }

  /** Whether the previous OnHeartbeat has returned; a slow one is never overlapped by the next. */
  boolean heartbeatIdle() {
    var last = heartbeatInFlight;
    return last == null || last.isDone();
  }

  void heartbeatStarted(CompletableFuture<HResult> call) {
    heartbeatInFlight = call;
  }

  /**
   * The DisablePlugin the host sent after the failure that {@link #failed} recorded: the pending
   * marker made there completes when this call does.
   */
  void disablingAfterFailure(CompletableFuture<HResult> call) {
    CompletableFuture<HResult> pending = disableAfterFailure;
    if (pending != null) {
      call.whenComplete((hr, e) -> pending.complete(e == null ? hr : HResult.E_FAIL));
    }
  }

  /** Whether the DisablePlugin sent after the last failure has yet to return (tests). */
  boolean disableAfterFailurePending() {
    CompletableFuture<HResult> pending = disableAfterFailure;
    return pending != null && !pending.isDone();
  }

  /**
   * Returns once the DisablePlugin the host sent after a failure has returned (it runs under the
   * guard's time limit): enabling the plug-in before it would let it arrive after EnablePlugin and
   * disable the plug-in the host believes enabled.
   */
  void awaitDisableAfterFailure() {
    CompletableFuture<HResult> pending = disableAfterFailure;
    if (pending != null) {
      if (!pending.isDone()) {
        awaitingDisable.run();
      }
      pending.join();
    }
  }

  /** Tells {@code listener} each time an enable starts waiting for that DisablePlugin (tests). */
  void onAwaitingDisable(Runnable listener) {
    awaitingDisable = listener;
  }

  /** The last OnHeartbeat call, or null. */
  CompletableFuture<HResult> heartbeatInFlight() {
    return heartbeatInFlight;
  }

  PluginView view() {
    FileStamp file = stamp;
    return new PluginView(
        id(),
        descriptor.version(),
        descriptor.file(),
        status,
        errorCode,
        errorText,
        protocol,
        packageName,
        flags,
        capabilities,
        file == null ? "" : file.sha256(),
        signer == null || signer.isEmpty() ? PluginView.NO_SIGNER : signer,
        isDraining() ? PluginView.DRAINING : PluginView.CURRENT);
  }

  /** Which load of its id this is. */
  long generation() {
    return generation;
  }

  /** Set once, when loaded, before anyone else sees it. */
  void loadedFrom(long generation, FileStamp stamp, java.nio.file.Path stagedIn, String signer) {
    this.generation = generation;
    this.stamp = stamp;
    this.stagedIn = stagedIn;
    this.signer = signer;
  }

  /**
   * The same content seen again with a new size-and-time stamp (a touch, a tool that rewrites
   * identical files): nothing to reload.
   */
  void restamped(FileStamp stamp) {
    this.stamp = stamp;
  }

  /** Its JAR as it was when loaded, or null (tests that build a plug-in without a host). */
  FileStamp stamp() {
    return stamp;
  }

  /** The folder of its staged copy, or null. */
  java.nio.file.Path stagedIn() {
    return stagedIn;
  }

  /**
   * Counts a session opened with it.
   *
   * @return false once it has drained: the caller opens the session with the current version
   */
  synchronized boolean admit(AuthenticationSession session) {
    if (drained.isDone()) {
      return false;
    }
    sessions.add(session);
    return true;
  }

  /** A session of its was released. */
  void released(AuthenticationSession session) {
    // The session leaves the set before draining is read, and drain() sets draining before it
    // reads the set: whichever comes second sees the other, so the last release is not missed.
    if (sessions.remove(session) && draining) {
      synchronized (this) {
        if (draining && sessions.isEmpty()) {
          drained.complete(null);
        }
      }
    }
  }

  /**
   * No new sessions come to it (a newer version took its id, or its file went away); those open
   * finish on it.
   *
   * @return completes once the last of them is released
   */
  synchronized CompletableFuture<Void> drain() {
    draining = true;
    if (sessions.isEmpty()) {
      drained.complete(null);
    }
    return drained;
  }

  /**
   * Tells the sessions open with it that its drain began, after {@link #drain}: off the lock, since
   * a session may be released right there.
   */
  void drainBegun() {
    sessions.forEach(AuthenticationSession::drainBegun);
  }

  /** Ends the drain however many sessions are still open: no session is admitted after this. */
  synchronized java.util.List<AuthenticationSession> endDrain() {
    drained.complete(null);
    return java.util.List.copyOf(sessions);
  }

  /** A volatile read: a kept session asks it on every request, from every event loop. */
  boolean isDraining() {
    return draining;
  }

  /** How many sessions are open with it. */
  int openSessions() {
    return sessions.size();
  }

  @Override
  public String toString() {
    return "plug-in '" + id() + "' (" + PluginStatus.toString(status) + ")";
  }

  /**
   * Where the guard counts the time of its calls in {@code metrics}: looked up once, not per call
   * (every request makes four to six). Looked up again only for other metrics (a test's guard).
   */
  PluginCallTimes timing(HostMetrics metrics) {
    CallTiming t = timing;
    if (t == null || t.metrics != metrics) {
      t = new CallTiming(metrics, metrics.pluginCalls(id()));
      timing = t;
    }
    return t.times;
  }

  /** How many calls of its the containment guard has refused so far. */
  int refusals() {
    return refusals.get();
  }

  void countRefusal() {
    refusals.incrementAndGet();
  }
}
