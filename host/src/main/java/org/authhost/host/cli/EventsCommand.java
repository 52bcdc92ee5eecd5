package org.authhost.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.HostConfig;
import org.authhost.host.diagnostics.ControlCharacters;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventLogReader;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "events",
    description = "Query the event log (read from disk; works whether or not the host is running).",
    subcommands = EventsVerifyCommand.class)
final class EventsCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(
      names = "--level",
      split = ",",
      paramLabel = "LEVEL",
      description = "only these levels: error, warning, information")
  List<String> levels = List.of();

  @Option(
      names = "--source",
      description = "only this exact source (a plug-in id, host or host:<id>)")
  String source;

  @Option(
      names = "--plugin",
      paramLabel = "ID",
      description = "only events by or about this plug-in (sources ID and host:ID)")
  String plugin;

  @Option(
      names = "--hresult",
      paramLabel = "CODE",
      description = "only this code: 0xC00D157D, a decimal or a name")
  String hresult;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description =
          "only events at or after WHEN: an ISO instant (2026-11-21T08:00:00Z) or a duration back from now (PT1H, 15m, 2h, 1d)")
  String since;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      description = "only events before WHEN (same forms as --since)")
  String until;

  @Option(names = "--after", paramLabel = "N", description = "only records after record number N")
  long after;

  @Option(
      names = {"-n", "--limit"},
      paramLabel = "N",
      description = "the newest N matching events (default ${DEFAULT-VALUE}; 0 = all)")
  int limit = 50;

  @Option(
      names = {"-f", "--follow"},
      description = "keep printing new events as they are written")
  boolean follow;

  @Option(names = "--json", description = "one JSON object per line")
  boolean json;

  @Spec CommandSpec spec;

  private final ObjectMapper mapper = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    HostConfig hostConfig = config.load();
    EventQuery.Builder filters = EventQuery.builder().afterRecordNumber(after).limit(limit);
    if (!levels.isEmpty()) {
      EnumSet<EventLevel> wanted = EnumSet.noneOf(EventLevel.class);
      for (String level : levels) {
        try {
          wanted.add(EventLevel.valueOf(level.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(
              spec.commandLine(),
              "--level: '" + level + "' is not a level; expected error, warning or information");
        }
      }
      filters.levels(wanted);
    }
    if (source != null) {
      filters.source(source);
    }
    if (hresult != null) {
      try {
        filters.hresult(HResult.parse(hresult));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--hresult: " + e.getMessage());
      }
    }
    if (since != null) {
      filters.from(when("--since", since));
    }
    if (until != null) {
      filters.to(when("--until", until));
    }
    EventQuery query = filters.build();
    PrintWriter out = spec.commandLine().getOut();
    Predicate<EventRecord> about =
        record ->
            plugin == null
                || record.source().equals(plugin)
                || record.source().equals(HostEvents.aboutPlugin(plugin));
    Consumer<EventRecord> print =
        record -> {
          if (about.test(record)) {
            out.println(json ? json(record) : text(record));
            out.flush();
          }
        };
    EventLogReader reader = EventLogStore.openReader(hostConfig.eventLog().directory());
    if (plugin != null && limit > 0) {
      // The newest N about the plug-in, not the plug-in's share of the newest N.
      List<EventRecord> matching = reader.query(query.withLimit(0)).stream().filter(about).toList();
      List<EventRecord> newest =
          matching.subList(Math.max(0, matching.size() - limit), matching.size());
      newest.forEach(print);
      if (!follow) {
        return 0;
      }
      long last =
          newest.isEmpty()
              ? reader.lastRecordNumber()
              : newest.get(newest.size() - 1).recordNumber();
      query = query.withAfterRecordNumber(Math.max(after, last)).withLimit(0);
    }
    if (follow) {
      reader.follow(
          query, Duration.ofMillis(200), print, () -> !Thread.currentThread().isInterrupted());
    } else {
      reader.query(query).forEach(print);
    }
    return 0;
  }

  private Instant when(String option, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException notInstant) {
      try {
        String v = value.strip();
        Duration back =
            v.toUpperCase(Locale.ROOT).startsWith("P")
                ? Duration.parse(v)
                : Duration.parse(
                    v.endsWith("d")
                        ? "P" + v.toUpperCase(Locale.ROOT)
                        : "PT" + v.toUpperCase(Locale.ROOT));
        return Instant.now().minus(back);
      } catch (DateTimeParseException notDuration) {
        throw new ParameterException(
            spec.commandLine(),
            option
                + ": '"
                + value
                + "' is neither an ISO instant (2026-11-21T08:00:00Z) nor a duration (PT1H, 15m, 2h, 1d)");
      }
    }
  }

  private static String text(EventRecord r) {
    return String.format(
        "#%d %s %-11s %-18s %s  %s",
        r.recordNumber(),
        r.time(),
        r.level(),
        ControlCharacters.escape(r.source()),
        r.hresult(),
        // Also records an older host wrote raw, or one written by another program.
        ControlCharacters.escape(r.text()));
  }

  private String json(EventRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recordNumber", r.recordNumber());
    m.put("time", r.time().toString());
    m.put("level", r.level().name());
    m.put("source", r.source());
    m.put("hresult", r.hresult().hex());
    m.put("hresultName", r.hresult().name().orElse(""));
    m.put("text", r.text());
    try {
      return mapper.writeValueAsString(m);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
