package org.authhost.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code authhost accounts lockouts} and {@code accounts unlock}: the running host's failed-logon
 * lockouts, through its admin endpoint (a lockout lives in the host's memory, not in the store).
 */
final class LockoutCommands {
  private LockoutCommands() {}

  @Command(
      name = "lockouts",
      mixinStandardHelpOptions = true,
      description = "List the accounts and client addresses the running host has locked out.")
  static final class Lockouts implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      JsonNode list = PluginsCommand.client(config).get("/lockouts");
      var out = spec.commandLine().getOut();
      if (json) {
        out.println(list.toPrettyString());
      } else if (list.isEmpty()) {
        out.println("no lockouts");
      } else {
        for (JsonNode l : list) {
          out.printf(
              "%-8s %-40s until %s%n",
              l.path("type").asText(), l.path("name").asText(), l.path("until").asText());
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "unlock",
      mixinStandardHelpOptions = true,
      description =
          "Lift the running host's lockout of an account (NAME) or of a client address"
              + " (--address); audited.")
  static final class Unlock implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "the account")
    String name;

    @Option(
        names = "--address",
        paramLabel = "ADDRESS",
        description = "a client IP address instead of an account")
    String address;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if ((name == null) == (address == null)) {
        throw new IllegalArgumentException(
            "give an account NAME or --address ADDRESS (one of the two)");
      }
      String type = name != null ? "account" : "address";
      String target = name != null ? name : address;
      JsonNode answer = PluginsCommand.client(config).post(path(type, target));
      var out = spec.commandLine().getOut();
      out.printf(
          "%s %s %s%n",
          type,
          answer.path(type).asText(target),
          answer.path("wasLockedOut").asBoolean()
              ? "unlocked"
              : "was not locked out (its failed logons are cleared)");
      out.flush();
      return 0;
    }

    /** The admin path, with the name percent-encoded ({@code DOMAIN\name}, spaces). */
    static String path(String type, String target) {
      try {
        return new URI(null, null, "/lockouts/" + type + "/" + target + "/unlock", null)
            .getRawPath();
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("cannot name '" + target + "' in a request: " + e);
      }
    }
  }
}
