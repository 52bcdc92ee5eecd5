package org.authhost.host.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.EventLogConfig;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventRecord;
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
import org.slf4j.LoggerFactory;

/**
 * Appends per second to the durable event log without fsync, single-threaded: the cost of one
 * encode, CRC and {@code write()} per event. The {@code authhost.events} echo is switched off, as
 * it would otherwise measure the console instead of the store.
 *
 * <p>Run: {@code java -cp ... org.openjdk.jmh.Main EventLogAppendBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventLogAppendBenchmark {
  private Path directory;
  private EventLogStore store;

  @Setup(org.openjdk.jmh.annotations.Level.Trial)
  public void open() throws IOException {
    ((Logger) LoggerFactory.getLogger("authhost.events")).setLevel(Level.OFF);
    directory = Files.createTempDirectory("eventlog-bench");
    // Big enough to hold a run; the bound still keeps a long run from filling the disk.
    store =
        EventLogStore.open(
            new EventLogConfig(directory, 2L << 30, 64L << 20, 0, false, 100), Clock.systemUTC());
  }

  @TearDown(org.openjdk.jmh.annotations.Level.Trial)
  public void close() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public EventRecord append() {
    return store.append(
        EventLevel.WARNING,
        "anonymous",
        HResult.E_FAIL,
        "authentication failed for user alice: bad password");
  }
}
