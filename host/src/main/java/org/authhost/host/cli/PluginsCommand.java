package org.authhost.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
        "List the running host's plug-ins, enable or disable one, reload the plug-in folder or"
            + " roll a plug-in back to its previous version, check a plug-in JAR against the"
            + " plug-in contract, or trust, untrust and verify plug-in JARs (plugins.integrity).",
    subcommands = {
      PluginsCommand.Enable.class,
      PluginsCommand.Disable.class,
      PluginsCommand.Reload.class,
      PluginsCommand.Rollback.class,
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
    TextTable table =
        new TextTable(
            "ID",
            "VERSION",
            "SHA-256",
            "SIGNER",
            "STATE",
            "STATUS",
            "PROTOCOL",
            "ERROR CODE",
            "ERROR TEXT");
    for (JsonNode p : plugins) {
      // Every field may come from a plug-in (its descriptor, its answers): printed escaped.
      String hash = p.path("sha256").asText();
      table.row(
          text(p, "id"),
          text(p, "version"),
          // Enough to tell two files apart at a glance; --json has the whole hash.
          hash.length() > 12 ? hash.substring(0, 12) : hash,
          p.path("signer").asText().isEmpty() ? "-" : text(p, "signer"),
          p.path("state").asText(),
          p.path("statusText").asText()
              + " (0x"
              + Integer.toHexString(p.path("status").asInt())
              + ")",
          text(p, "protocol"),
          p.path("status").asInt() % 2 == 1
              ? p.path("errorCode").asText() + " " + p.path("errorName").asText()
              : "",
          text(p, "errorText"));
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
      name = "reload",
      description =
          "Scan the plug-in folder now and load what changed (new, replaced and removed JARs, each"
              + " JAR taken as complete); with an ID, load that plug-in afresh from its file. A"
              + " replaced version finishes its requests and handshakes first (DRAINING).")
  static final class Reload implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ID", arity = "0..1", description = "the plug-in id (default: all)")
    String id;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      String path =
          id == null
              ? "/plugins/reload"
              : "/plugins/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/reload";
      return printDone(spec, client(config).post(path));
    }
  }

  @Command(
      name = "rollback",
      description =
          "Bring back the version of a plug-in that its current version replaced, from the copy"
              + " the host kept in its data folder; the current JAR moves there in turn.")
  static final class Rollback implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ID", description = "the plug-in id")
    String id;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return printDone(
          spec,
          client(config)
              .post("/plugins/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/rollback"));
    }
  }

  /** What a reload or rollback did, one line each, then the plug-ins' table. */
  private static int printDone(CommandSpec spec, JsonNode answer) {
    var out = spec.commandLine().getOut();
    JsonNode done = answer.path("done");
    if (done.isEmpty()) {
      out.println("nothing changed");
    }
    done.forEach(line -> out.println(ControlCharacters.escape(line.asText())));
    out.print(table(answer.path("plugins")));
    out.flush();
    return 0;
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
