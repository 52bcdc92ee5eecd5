package org.authhost.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.IntegrityConfig;
import org.authhost.host.diagnostics.ControlCharacters;
import org.authhost.host.plugins.integrity.Decision;
import org.authhost.host.plugins.integrity.PluginIntegrity;
import org.authhost.host.plugins.integrity.TrustLists;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code plugins trust}, {@code untrust} and {@code verify}: the only writers of the lists that
 * {@code plugins.integrity} reads, and the host's decision about a JAR without loading it. They
 * work on the files, not through a running host: a host reads the lists at each scan.
 */
final class PluginTrustCommands {
  private PluginTrustCommands() {}

  private static final String CERTIFICATE_HELP =
      "FILE is an X.509 certificate (PEM or DER) of a signer or of the CA that issued it, for"
          + " plugins.integrity=signed; without it, FILE is a plug-in JAR trusted by its SHA-256";

  @Command(
      name = "trust",
      description =
          "Trust a plug-in JAR by its SHA-256 (added to plugins.lock in the configuration folder),"
              + " or with --certificate a signer (added to plugins-trust.p12 there).")
  static final class Trust implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--certificate", description = CERTIFICATE_HELP)
    boolean certificate;

    @Parameters(paramLabel = "FILE", description = "the plug-in JAR, or the certificate")
    Path file;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      HostConfig host = config.load();
      TrustLists lists = new TrustLists(host.plugins().integrity());
      TrustLists.Change change = certificate ? lists.trustSigner(file) : lists.trustJar(file);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "%s %s %s%n",
          change.changed() ? "trusted:" : "already trusted:",
          change.what(),
          (change.changed() ? "added to " : "on ") + change.file());
      modeNote(out, host, certificate ? IntegrityConfig.Mode.SIGNED : IntegrityConfig.Mode.SHA256);
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "untrust",
      description =
          "Stop trusting a plug-in JAR's SHA-256 (FILE, or the SHA-256 itself), or with"
              + " --certificate a signer. A plug-in already loaded keeps running until it is"
              + " loaded again. Untrusting what is not trusted changes nothing and succeeds.")
  static final class Untrust implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--certificate", description = CERTIFICATE_HELP)
    boolean certificate;

    @Parameters(
        paramLabel = "FILE",
        description = "the plug-in JAR or its SHA-256 (hex), or the certificate")
    String file;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      HostConfig host = config.load();
      TrustLists lists = new TrustLists(host.plugins().integrity());
      TrustLists.Change change =
          certificate ? lists.untrustSigner(Path.of(file)) : lists.untrustJar(file);
      PrintWriter out = spec.commandLine().getOut();
      // Idempotent, as a script that makes sure a JAR is not trusted wants it.
      if (change.changed()) {
        out.printf("untrusted: %s removed from %s%n", change.what(), change.file());
      } else {
        out.printf(
            "not trusted: %s is not on %s; nothing was changed%n", change.what(), change.file());
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "verify",
      description =
          "Print what the host would decide about a plug-in JAR under plugins.integrity, and why,"
              + " without loading anything. Exit code 0: it would load; 1: it would be refused;"
              + " 2: the command could not decide (no such file, or plugins.lock or"
              + " plugins-trust.p12 cannot be read).")
  static final class Verify implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(
        names = "--mode",
        paramLabel = "MODE",
        description =
            "decide as if plugins.integrity were MODE (off, sha256 or signed), e.g. before"
                + " switching to it; default: host.json's")
    String mode;

    @Parameters(paramLabel = "FILE", description = "the plug-in JAR")
    Path file;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!java.nio.file.Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no such file: " + file);
      }
      HostConfig host = config.load();
      PluginIntegrity integrity =
          mode == null
              ? PluginIntegrity.forCommandLine(host)
              : PluginIntegrity.forCommandLine(host, mode(mode));
      Decision decision = integrity.check(file.toAbsolutePath().normalize());
      TextTable table = new TextTable("", "");
      table.row("FILE", ControlCharacters.escape(decision.file().toString()));
      table.row("SHA-256", decision.sha256());
      table.row("MODE", integrity.mode().text());
      table.row("DECISION", decision.admitted() ? "LOAD" : "REFUSE");
      table.row("ID", decision.id());
      table.row("SIGNER", ControlCharacters.escape(decision.signer()));
      table.row("WHY", ControlCharacters.escape(decision.reason()));
      table.row("FIX", ControlCharacters.escape(decision.fix()));
      PrintWriter out = spec.commandLine().getOut();
      // The empty heading row is the table's own: dropped.
      out.print(table.toString().substring(1));
      out.flush();
      // A trust list the host cannot read decides nothing about the JAR: the command could not.
      return decision.admitted() ? 0 : TRUST_LIST_PROBLEMS.contains(decision.id()) ? 2 : 1;
    }

    private static IntegrityConfig.Mode mode(String text) {
      for (IntegrityConfig.Mode m : IntegrityConfig.Mode.values()) {
        if (m.text().equals(text)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "--mode " + text + ": expected one of off, sha256, signed");
    }
  }

  /** Refusals about the host's own lists, not the JAR: {@code verify} exits 2 on them. */
  private static final java.util.Set<String> TRUST_LIST_PROBLEMS =
      java.util.Set.of("integrity/unreadable-trust-list", "integrity/bad-allow-list");

  /** A list that the configured mode does not read is a trap: the operator is told. */
  private static void modeNote(PrintWriter out, HostConfig host, IntegrityConfig.Mode reads) {
    IntegrityConfig.Mode mode = host.plugins().integrity().mode();
    if (mode == IntegrityConfig.Mode.OFF) {
      out.println(
          "note: plugins.integrity is off in "
              + host.configDirectory().resolve("host.json")
              + ", so the host loads every JAR; set it to \"sha256\" or \"signed\" to refuse the"
              + " others");
    } else if (reads == IntegrityConfig.Mode.SIGNED && mode != reads) {
      out.println(
          "note: plugins.integrity is "
              + mode.text()
              + ": signers count only when it is \"signed\"");
    }
  }
}
