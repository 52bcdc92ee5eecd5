package org.authhost.host.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.authhost.host.kit.ContractCheck;
import org.authhost.host.kit.ContractReport;
import org.authhost.host.kit.KitOptions;
import org.authhost.host.kit.OptionNames;
import org.authhost.host.kit.RuleResult;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code authhost plugins check FILE}: the contract kit against a plug-in JAR, without a running
 * host, so an author sees each rule passed or broken after every build.
 */
@Command(
    name = "check",
    description =
        "Check a plug-in JAR against every rule of the plug-in contract (the contract test kit),"
            + " without a running host. Each rule is PASS, FAIL, or SKIP (NOT EXERCISED: the"
            + " plug-in's paths for it never ran, and the line says what the kit would need, e.g."
            + " --response and --account to reach SUCCESS; --client for a plug-in with one-time"
            + " proofs). Exit 0 if no rule FAILed (a rule not exercised is no failure), 1 if one"
            + " did, 2 for a usage error.")
final class PluginCheckCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "the plug-in JAR")
  Path jar;

  @Option(
      names = "--property",
      paramLabel = "NAME=VALUE",
      description = "a named value for the plug-in (its properties in host.json); repeatable")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(
      names = "--account",
      paramLabel = "NAME=PASSWORD",
      description = "an account in the kit's throwaway account store; repeatable")
  Map<String, String> accounts = new LinkedHashMap<>();

  @Option(
      names = "--response",
      paramLabel = "BLOB",
      description =
          "the client's response for the next leg, to reach SUCCESS and check the token rules there:"
              + " text sent as UTF-8, or base64:... for binary; repeat for each leg")
  List<String> responses = new ArrayList<>();

  @Option(
      names = "--client",
      paramLabel = "CLASS[=ARG]",
      description =
          "your client (the class your JUnit test gives the kit will do): a class on"
              + " --client-path with a public byte[] respond(int leg, byte[] challenge) (the"
              + " testkit's ContractClient) and a"
              + " constructor taking nothing, or one String (ARG, an account's name say); asked"
              + " again for every exchange, from leg 0: needed for a plug-in with one-time proofs"
              + " (a REVERIFYING_CONTEXT one), which --response cannot check")
  String client;

  @Option(
      names = "--other-client",
      paramLabel = "CLASS[=ARG]",
      description =
          "as --client, for a different account (give it with --account too): a"
              + " REVERIFYING_CONTEXT plug-in must never answer it with the first account's token;"
              + " without it that part is NOT EXERCISED")
  String otherClient;

  @Option(
      names = "--client-path",
      paramLabel = "PATH",
      description =
          "where the --client and --other-client classes are: folders and JARs separated as in"
              + " -cp (the distribution's sdk/authhost-testkit.jar is added)")
  String clientPath = "";

  @Option(
      names = "--blobs",
      description =
          "how many malformed and random client blobs to send (default: ${DEFAULT-VALUE})")
  int blobs = KitOptions.defaults().blobs();

  @Option(
      names = "--seed",
      description = "the seed of the random blobs, to repeat a run (default: ${DEFAULT-VALUE})")
  long seed = KitOptions.DEFAULT_SEED;

  @Option(
      names = "--call-timeout-ms",
      description = "the host's limit for one call into the plug-in (default: ${DEFAULT-VALUE})")
  long callTimeoutMillis = KitOptions.defaults().callTimeout().toMillis();

  @Spec CommandSpec spec;

  /**
   * The kit's throwaway host would echo every event (thousands, for the random blobs) to the
   * console; the report below is the output, and it names what the host recorded.
   */
  private static Runnable quietHostLogging() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext logback)) {
      return () -> {};
    }
    ch.qos.logback.classic.Logger host = logback.getLogger("org.authhost");
    ch.qos.logback.classic.Logger events = logback.getLogger("authhost.events");
    Level hostLevel = host.getLevel();
    Level eventsLevel = events.getLevel();
    host.setLevel(Level.OFF);
    events.setLevel(Level.OFF);
    return () -> {
      host.setLevel(hostLevel);
      events.setLevel(eventsLevel);
    };
  }

  private static byte[] blob(String response) {
    if (response.startsWith("base64:")) {
      try {
        return Base64.getDecoder().decode(response.substring("base64:".length()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--response " + response + " is not valid base64");
      }
    }
    return response.getBytes(StandardCharsets.UTF_8);
  }

  /** The distribution's testkit JAR, which has the testkit's ContractClient; null outside one. */
  private static Path sdkJar() {
    String home = System.getProperty("authhost.home");
    return home == null ? null : Path.of(home, "sdk", "authhost-testkit.jar");
  }

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("no plug-in JAR at " + jar);
    }
    KitOptions options =
        KitOptions.defaults()
            .withBlobs(blobs)
            .withSeed(seed)
            .withTimeouts(
                Duration.ofMillis(callTimeoutMillis), KitOptions.defaults().callbackTimeout());
    for (var p : properties.entrySet()) {
      options = options.withProperty(p.getKey(), p.getValue());
    }
    for (var a : accounts.entrySet()) {
      options = options.withAccount(a.getKey(), a.getValue());
    }
    if (!responses.isEmpty()) {
      if (client != null) {
        throw new IllegalArgumentException("give --response or --client, not both");
      }
      options = options.withResponses(responses.stream().map(PluginCheckCommand::blob).toList());
    }
    Runnable restoreLogging = quietHostLogging();
    ContractReport report;
    try (ClientClasses classes = ClientClasses.on(clientPath, sdkJar())) {
      if (client != null) {
        options = options.withClient(classes.client("--client", client));
      }
      if (otherClient != null) {
        options = options.withOtherClient(classes.client("--other-client", otherClient));
      }
      report =
          ContractCheck.run(jar.toAbsolutePath().normalize(), options, OptionNames.COMMAND_LINE);
    } finally {
      restoreLogging.run();
    }
    var out = spec.commandLine().getOut();
    out.println(
        "plug-in '" + report.pluginId() + "' (" + report.jar() + "), blob seed " + report.seed());
    for (RuleResult r : report.results()) {
      out.println(r.describe());
    }
    out.println(report.summary());
    out.flush();
    return report.passed() ? 0 : 1;
  }
}
