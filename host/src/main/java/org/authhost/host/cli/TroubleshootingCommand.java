package org.authhost.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "troubleshooting",
    description = "Show the errors and warnings the operator has not cleared yet, or clear them.")
final class TroubleshootingCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(names = "--clear", description = "clear the list")
  boolean clear;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var client = PluginsCommand.client(config);
    var out = spec.commandLine().getOut();
    if (clear) {
      out.println(
          "cleared " + client.delete("/troubleshooting").path("cleared").asInt() + " entries");
      return 0;
    }
    JsonNode list = client.get("/troubleshooting");
    if (json) {
      out.println(list.toPrettyString());
      return 0;
    }
    for (JsonNode e : list.path("entries")) {
      out.printf(
          "%5d %s %-24s %-18s %s %s  %s%n",
          e.path("sequence").asLong(),
          e.path("time").asText(),
          e.path("type").asText(),
          e.path("source").asText(),
          e.path("hresult").asText(),
          e.path("hresultName").asText(),
          e.path("text").asText());
    }
    if (list.path("dropped").asLong() > 0) {
      out.println(
          "(" + list.path("dropped").asLong() + " older entries dropped by the list's bound)");
    }
    return 0;
  }
}
