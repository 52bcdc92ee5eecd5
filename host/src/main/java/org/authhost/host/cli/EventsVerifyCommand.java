package org.authhost.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.events.DamagedRange;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.SegmentCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code events verify}: reads every segment, as any reader does (so also while the host runs), and
 * says per segment what it holds and where it is damaged. Exit code 1 if anything is.
 */
@Command(
    name = "verify",
    description =
        "Check every event log segment: its records, and the offset and length of each damaged"
            + " range. Read-only, safe while the host runs. Exit code 1 if any damage is found.")
final class EventsVerifyCommand implements Callable<Integer> {
  @ParentCommand EventsCommand events;

  // Without a default of its own: 'events --config DIR verify' gives it to the parent.
  @Option(
      names = "--config",
      paramLabel = "DIR",
      description =
          "configuration folder holding host.json; may also come before 'verify' (default: that"
              + " of events)")
  Path configDirectory;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    HostConfig config =
        configDirectory == null
            ? events.config.load()
            : ConfigLoader.load(configDirectory.toAbsolutePath().normalize());
    Path directory = config.eventLog().directory();
    List<SegmentCheck> checks = EventLogStore.openReader(directory).verify();
    long records = 0;
    int damaged = 0;
    for (SegmentCheck check : checks) {
      records += check.records();
      damaged += check.damaged().size();
      out.printf(
          "%s: %d records%s, %d bytes, %s%n",
          check.segment().getFileName(),
          check.records(),
          check.records() == 0 ? "" : " to #" + check.lastRecordNumber(),
          check.bytes(),
          check.damaged().isEmpty() ? "ok" : "DAMAGED");
      for (DamagedRange range : check.damaged()) {
        out.println("  damaged: " + range);
      }
      if (check.incompleteTail() != null) {
        out.println(
            "  incomplete last record: "
                + check.incompleteTail()
                + ": being written, or cut short by a crash (the host keeps it aside and cuts it"
                + " off when it next starts)");
      }
      for (Path aside : check.keptAside()) {
        out.println("  kept aside: " + aside.getFileName());
      }
    }
    out.printf(
        "%s: %d segment(s), %d intact record(s), %d damaged range(s)%n",
        directory, checks.size(), records, damaged);
    out.flush();
    return damaged == 0 ? 0 : 1;
  }
}
