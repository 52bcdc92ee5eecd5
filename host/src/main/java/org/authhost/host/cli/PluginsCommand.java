package org.authhost.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.authhost.host.admin.AdminClient;
import org.authhost.host.config.HostConfig;
import org.authhost.host.diagnostics.ControlCharacters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "plugins",
    description =
        "List the running host's plug-ins, enable or disable one, check a plug-in JAR against"
            + " the plug-in contract, or trust, untrust and verify plug-in JARs"
            + " (plugins.integrity).",
    subcommands = {
      PluginsCommand.Enable.class,
      PluginsCommand.Disable.class,
      PluginCheckCommand.class,
      PluginTrustCommands.Trust.class,
      PluginTrustCommands.Untrust.class,
      PluginTrustCommands.Verify.class
    })
final class PluginsCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    JsonNode plugins = client(config).get("/plugins");
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(plugins.toPrettyString());
      return 0;
    }
    out.print(table(plugins));
    out.flush();
    return 0;
  }

  /** The plug-ins as an aligned table, one row each. */
  static String table(JsonNode plugins) {
    // Only where plugins.integrity admitted a JAR by its signature: otherwise always empty.
    boolean signers = false;
    for (JsonNode p : plugins) {
      signers |= !p.path("signer").asText().isEmpty();
    }
    List<String> headings =
        new ArrayList<>(List.of("ID", "VERSION", "STATUS", "PROTOCOL", "ERROR CODE", "ERROR TEXT"));
    if (signers) {
      headings.add(4, "SIGNER");
    }
    TextTable table = new TextTable(headings.toArray(String[]::new));
    for (JsonNode p : plugins) {
      // Every field may come from a plug-in (its descriptor, its answers): printed escaped.
      List<String> row =
          new ArrayList<>(
              List.of(
                  text(p, "id"),
                  text(p, "version"),
                  p.path("statusText").asText()
                      + " (0x"
                      + Integer.toHexString(p.path("status").asInt())
                      + ")",
                  text(p, "protocol"),
                  p.path("status").asInt() % 2 == 1
                      ? p.path("errorCode").asText() + " " + p.path("errorName").asText()
                      : "",
                  text(p, "errorText")));
      if (signers) {
        row.add(4, text(p, "signer"));
      }
      table.row(row.toArray(String[]::new));
    }
    return table.toString();
  }

  private static String text(JsonNode plugin, String field) {
    return ControlCharacters.escape(plugin.path(field).asText());
  }

  static AdminClient client(ConfigOption config) throws Exception {
    HostConfig hostConfig = config.load();
    return AdminClient.connect(hostConfig.dataDirectory(), hostConfig.configDirectory());
  }

  @Command(
      name = "enable",
      description = "Enable a plug-in (clears its error and calls EnablePlugin).")
  static final class Enable implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ID", description = "the plug-in id")
    String id;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      JsonNode p =
          client(config)
              .post("/plugins/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/enable");
      spec.commandLine()
          .getOut()
          .printf(
              "%s: %s%s%n",
              id,
              p.path("statusText").asText(),
              p.path("status").asInt() % 2 == 1
                  ? " " + p.path("errorCode").asText() + " " + text(p, "errorText")
                  : "");
      return p.path("status").asInt() % 2 == 1 ? 1 : 0;
    }
  }

  @Command(
      name = "disable",
      description = "Disable a plug-in (calls DisablePlugin; clients are no longer offered it).")
  static final class Disable implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ID", description = "the plug-in id")
    String id;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      JsonNode p =
          client(config)
              .post("/plugins/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/disable");
      boolean failed = p.path("status").asInt() % 2 == 1;
      spec.commandLine()
          .getOut()
          .printf(
              "%s: %s%s%n",
              id,
              p.path("statusText").asText(),
              failed ? " " + p.path("errorCode").asText() + " " + text(p, "errorText") : "");
      return failed ? 1 : 0;
    }
  }
}
