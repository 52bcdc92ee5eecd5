package org.authhost.host.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.authhost.host.Main;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code authhost plugins check FILE} through the real command line. */
class PluginCheckCommandTest {
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private static Run check(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 2];
    all[0] = "plugins";
    all[1] = "check";
    System.arraycopy(args, 0, all, 2, args.length);
    int rc = cli.execute(all);
    return new Run(rc, out.toString(), err.toString());
  }

  @Test
  void aBuiltInPluginPassesEveryRuleAndExitsZero() {
    Run run =
        check(
            PluginJar.builtinPlugin("authhost-plugin-anonymous.jar").toString(),
            "--property",
            "account=Guest",
            "--blobs",
            "500");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    for (Rule rule : Rule.values()) {
      assertTrue(
          run.out().contains("PASS " + rule.id() + ": ")
              || run.out().contains("SKIP " + rule.id() + ": NOT EXERCISED: "),
          run.out());
    }
    assertTrue(run.out().contains("PASS KIT-SERVICE-FAILURES: "), run.out());
  }

  @Test
  void aRuleNotExercisedIsShownAsSkippedWithWhatItNeedsAndExitsZero() throws Exception {
    Path jar =
        PluginJar.of("wellbehaved", "org.authhost.testplugins.wellbehaved.WellBehavedPlugin")
            .writeTo(dir, "wellbehaved.jar");

    Run run = check(jar.toString(), "--blobs", "50");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(
        run.out().contains("SKIP KIT-TOKEN-OWNERSHIP: NOT EXERCISED: no SUCCESS reached"),
        run.out());
    assertTrue(run.out().contains("--response"), run.out());
    assertTrue(run.out().contains("not exercised (not a failure)"), run.out());
  }

  @Test
  void responsesGivenOnTheCommandLineReachSuccessAndTheTokenRulesThere() {
    Run run =
        check(
            PluginJar.builtinPlugin("authhost-plugin-basic.jar").toString(),
            "--account",
            "alice=pw-alice",
            "--response",
            Base64.getEncoder().encodeToString("alice:pw-alice".getBytes(StandardCharsets.UTF_8)),
            "--blobs",
            "300");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("PASS KIT-TOKEN-OWNERSHIP: SUCCESS: the same handle"), run.out());
  }

  @Test
  void aBrokenRuleIsPrintedWithWhatThePluginDidAndTheDocumentAndExitsOne() throws Exception {
    Path jar =
        PluginJar.of("unreported", "org.authhost.testplugins.unreported.UnreportedPlugin")
            .writeTo(dir, "unreported.jar");

    Run run = check(jar.toString(), "--blobs", "50", "--call-timeout-ms", "500");

    assertEquals(1, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("FAIL KIT-ERROR-REPORTED: "), run.out());
    assertTrue(run.out().contains("logged no event"), run.out());
    assertTrue(run.out().contains("breaks: " + Rule.ERROR_REPORTED.reference()), run.out());
    assertTrue(run.out().contains("rules broken"), run.out());
  }

  /**
   * The test plug-in with one-time proofs (API 1.7, REVERIFYING_CONTEXT); its JAR holds its client
   * class too, {@code ProofClient}, so it is the {@code --client-path} as well.
   */
  private Path oneProof() throws Exception {
    return PluginJar.of("oneproof", "org.authhost.testplugins.oneproof.OneProofPlugin")
        .with("api-version", "1.7")
        .writeTo(dir, "oneproof.jar");
  }

  private static final String PROOF_CLIENT = "org.authhost.testplugins.oneproof.ProofClient";

  /**
   * {@code plugins check} of the one-time-proof plug-in {@code jar} with its client classes for
   * alice and {@code other}, and {@code more}.
   */
  private static Run checkWithClients(Path jar, String other, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--client-path",
                jar.toString(),
                "--client",
                PROOF_CLIENT + "=alice",
                "--other-client",
                PROOF_CLIENT + "=" + other));
    args.addAll(List.of(more));
    return checkWithAccounts(jar, args.toArray(String[]::new));
  }

  /** {@code plugins check} of {@code jar} with accounts alice and bob and {@code more}. */
  private static Run checkWithAccounts(Path jar, String... more) {
    String[] args = new String[more.length + 7];
    System.arraycopy(
        new String[] {
          jar.toString(), "--account", "alice=pw-a", "--account", "bob=pw-b", "--blobs", "50"
        },
        0,
        args,
        0,
        7);
    System.arraycopy(more, 0, args, 7, more.length);
    return check(args);
  }

  @Test
  void clientClassesNamedOnTheCommandLineCheckAPluginWithOneTimeProofs() throws Exception {
    Run run = checkWithClients(oneProof(), "bob");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(
        run.out().contains("a replay refused, another account never given it (it got its own"),
        run.out());
    assertTrue(run.out().contains("PASS KIT-TOKEN-OWNERSHIP: "), run.out());
  }

  @Test
  void clientClassesOnTheCommandLineCatchAnotherAccountGivenTheHeldToken() throws Exception {
    Run run = checkWithClients(oneProof(), "bob", "--property", "broken=other");

    assertEquals(1, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("SUCCESS with the first account's token"), run.out());
    assertTrue(run.out().contains("\"Moving a 1.6 plug-in to 1.7\" rule 3"), run.out());
  }

  @Test
  void aFixedResponseToAPluginWithOneTimeProofsIsNotExercisedAndNamesTheClientOption()
      throws Exception {
    Run run = checkWithAccounts(oneProof(), "--response", "alice:n-1");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("SKIP KIT-TOKEN-OWNERSHIP: NOT EXERCISED: "), run.out());
    assertTrue(run.out().contains("give a client that makes a fresh proof: --client"), run.out());
  }

  /** Option names the command line does not take, which its output must never give as hints. */
  private static final java.util.regex.Pattern JAVA_NAMES =
      java.util.regex.Pattern.compile(
          "KitOptions|with(Account|Client|OtherClient|Responses|Property|Blobs)");

  @Test
  void fixedResponsesToAServerNonceAreToldOfTheClientOptionInTheCommandLinesNames()
      throws Exception {
    Path jar = oneProof();
    Run run =
        checkWithAccounts(
            jar, "--property", "challenge=nonce", "--response", "", "--response", "alice:n-1");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("then refused the fixed response that followed"), run.out());
    assertTrue(
        run.out().contains("give a client that reads the challenge and answers it, --client"),
        run.out());
    assertTrue(
        run.out().contains("not reached: no run of the kit's exchange got through"), run.out());
    assertTrue(run.out().contains("--property, --client or --account"), run.out());
    assertFalse(JAVA_NAMES.matcher(run.out()).find(), run.out());
  }

  @Test
  void aServerNonceAnsweredByAClientClassPassesOnTheCommandLine() throws Exception {
    Path jar = oneProof();
    String nonceClient = "org.authhost.testplugins.oneproof.NonceClient";
    Run run =
        checkWithAccounts(
            jar,
            "--property",
            "challenge=nonce",
            "--client-path",
            jar.toString(),
            "--client",
            nonceClient + "=alice",
            "--other-client",
            nonceClient + "=bob");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("(it got its own token)"), run.out());
    assertTrue(run.out().contains("PASS KIT-SERVICE-FAILURES: "), run.out());
  }

  @Test
  void aReportWithoutAClientNamesOnlyTheCommandLinesOptions() throws Exception {
    Run run =
        check(
            PluginJar.of("wellbehaved", "org.authhost.testplugins.wellbehaved.WellBehavedPlugin")
                .writeTo(dir, "wellbehaved.jar")
                .toString(),
            "--blobs",
            "0");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    for (String hint : List.of("--blobs 0", "--client or --response), and --account")) {
      assertTrue(run.out().contains(hint), run.out());
    }
    assertFalse(JAVA_NAMES.matcher(run.out()).find(), run.out());
  }

  @Test
  void anOtherClientOfTheSameAccountIsAUsageError() throws Exception {
    Run run = checkWithClients(oneProof(), "alice");

    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.err().contains("(both proved 'alice')"), run.err());
    assertTrue(
        run.err().contains("--other-client must prove a different account than --client"),
        run.err());
    assertFalse(JAVA_NAMES.matcher(run.err()).find(), run.err());
  }

  @Test
  void theHelpListsTheClientOptions() {
    Run run = check("--help");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    for (String option :
        List.of("--client=CLASS[=ARG]", "--other-client=CLASS[=ARG]", "--client-path=PATH")) {
      assertTrue(run.out().contains(option), run.out());
    }
    assertFalse(JAVA_NAMES.matcher(run.out()).find(), run.out());
  }

  @Test
  void aClientClassThatIsNotOnThePathIsAUsageError() throws Exception {
    Run run = checkWithAccounts(oneProof(), "--client", "com.example.Nowhere=alice");

    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.err().contains("not found on --client-path"), run.err());
  }

  @Test
  void aClientClassWhoseStaticInitialiserThrowsIsAUsageErrorNotAStackTrace() throws Exception {
    Path jar = oneProof();

    Run run =
        checkWithAccounts(
            jar,
            "--client-path",
            jar.toString(),
            "--client",
            "org.authhost.testplugins.oneproof.SecretlessClient");

    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.err().contains("could not be loaded: its static initialiser threw"), run.err());
    assertTrue(run.err().contains("no secrets file"), run.err());
  }

  @Test
  void aMissingFileIsAClearErrorNotAStackTrace() {
    Run run = check(dir.resolve("nothing.jar").toString());

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("no plug-in JAR at"), run.err());
  }
}
