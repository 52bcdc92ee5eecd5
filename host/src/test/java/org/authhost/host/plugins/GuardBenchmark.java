package org.authhost.host.plugins;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.time.HostClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the guard adds to a successful plug-in call: {@link PluginGuard#call} (call frame with its
 * deadline for the watchdog, exception capture, HResult check, context class loader swap) against
 * calling the plug-in directly. The target is a difference under 100 ns. {@code guardedAsync}
 * shows, for scale, the hop to another thread with a time limit that the host makes for life-cycle
 * calls, and for client calls of a plug-in that is not declared non-blocking (its bulkhead).
 *
 * <p>Run: {@code host/bench GuardBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuardBenchmark {
  private AuthenticationPlugin plugin;
  private HostedPlugin hosted;
  private HostedPlugin inline;
  private PluginGuard guard;

  /** A plug-in method as cheap as they come, so the guard's own cost is what shows. */
  static final class FlagsPlugin extends TestPluginStub {
    @Override
    public HResult getFlags(Out<Integer> flags) {
      flags.set(AuthenticationFlags.TEXT_CHALLENGE);
      return HResult.S_OK;
    }
  }

  @Setup
  public void setUp() throws Exception {
    plugin = new FlagsPlugin();
    hosted =
        new HostedPlugin(
            new PluginDescriptor(
                "bench",
                "1.0",
                ApiVersion.of("1.0"),
                FlagsPlugin.class.getName(),
                "",
                Path.of("bench.jar")),
            new HostNamedValues("bench", Map.of()));
    inline =
        new HostedPlugin(
            new PluginDescriptor(
                "inline",
                "1.0",
                ApiVersion.of("1.3"),
                FlagsPlugin.class.getName(),
                "",
                Path.of("inline.jar"),
                true),
            new HostNamedValues("inline", Map.of()));
    // The success path never reaches the failure reporter, so it needs no event log here.
    guard =
        new PluginGuard(
            new PluginFailures(null),
            ConfigLoader.defaults(Path.of(System.getProperty("java.io.tmpdir"))),
            HostClock.system());
    guard.start();
  }

  @TearDown
  public void tearDown() throws Exception {
    guard.stop();
  }

  @Benchmark
  public HResult direct() {
    Out<Integer> flags = new Out<>();
    return plugin.getFlags(flags);
  }

  @Benchmark
  public HResult guarded() {
    Out<Integer> flags = new Out<>();
    return guard.call(hosted, "GetFlags", () -> plugin.getFlags(flags));
  }

  /**
   * A non-blocking plug-in's client call: {@link PluginGuard#dispatch} runs it here, so this is
   * {@code guarded} plus the choice of thread.
   */
  @Benchmark
  public HResult dispatchedInline() {
    Out<Integer> flags = new Out<>();
    Out<HResult> hr = new Out<>();
    guard.dispatch(
        inline,
        () -> hr.set(guard.call(inline, "GetFlags", () -> plugin.getFlags(flags))),
        () -> hr.set(HResult.NS_E_NO_NEW_CONNECTIONS));
    return hr.get();
  }

  @Benchmark
  public HResult guardedAsync() {
    Out<Integer> flags = new Out<>();
    return guard.callAsync(hosted, "GetFlags", () -> plugin.getFlags(flags)).join();
  }
}
