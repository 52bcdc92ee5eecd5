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
 * shows, for scale, the hop to a worker thread with a time limit that the host uses for calls that
 * might hang.
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
                "bench", "1.0", "1.0", FlagsPlugin.class.getName(), "", Path.of("bench.jar")),
            new HostNamedValues("bench", Map.of()));
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

  @Benchmark
  public HResult guardedAsync() {
    Out<Integer> flags = new Out<>();
    return guard.callAsync(hosted, "GetFlags", () -> plugin.getFlags(flags)).join();
  }
}
