package org.authhost.host.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit against real plug-in JARs: the built-in plug-ins and a well-behaved test plug-in pass
 * every rule; each misbehaving test plug-in breaks the rule it breaks, with the host's words for
 * what it did.
 */
class ContractCheckTest {
  @TempDir Path dir;

  /**
   * Short call limits for plug-ins that hang, since the kit waits them out; long enough for every
   * well-behaved call on a busy machine. The clean-up budget is only spent by a loader that is not
   * collected: a second was too short for a well-behaved plug-in's forced collections in the whole
   * suite at load 10 (KIT-UNLOADABLE "still reachable 1 s after" for oneproof).
   */
  private static final KitOptions QUICK =
      KitOptions.defaults()
          .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))
          .withBlobs(300)
          .withCleanupBudget(Duration.ofSeconds(10));

  /**
   * QUICK for a plug-in that leaves a thread running and so pins its loader: waited out briefly.
   */
  private static final KitOptions PINNING = QUICK.withCleanupBudget(Duration.ofSeconds(1));

  private final String latchKey = "authhost.test.kit." + UUID.randomUUID();

  @AfterEach
  void forgetLatch() {
    System.getProperties().remove(latchKey);
  }

  private Path testPlugin(String name, String entryPoint) throws Exception {
    return PluginJar.of(name, entryPoint).writeTo(dir, name + ".jar");
  }

  private static RuleResult result(ContractReport report, Rule rule) {
    return report.result(rule.id()).orElseThrow();
  }

  private static void assertBroken(ContractReport report, Rule rule, String... words) {
    RuleResult r = result(report, rule);
    assertFalse(r.passed(), report.describe());
    for (String w : words) {
      assertTrue(r.did().contains(w), "'" + w + "' in " + r.did());
    }
    // The rule's document first; a breach of a rule of the guide's adds the guide's section.
    assertTrue(r.reference().startsWith(rule.reference()), r.reference());
    assertFalse(report.passed());
  }

  /** No rule broken; some may not have been exercised. */
  private static void assertAllPass(ContractReport report) {
    assertTrue(report.passed(), report.describe());
    assertEquals(Rule.values().length, report.results().size());
  }

  private static void assertOutcome(
      ContractReport report, Rule rule, RuleResult.Outcome outcome, String... words) {
    RuleResult r = result(report, rule);
    assertEquals(outcome, r.outcome(), report.describe());
    for (String w : words) {
      assertTrue(r.did().contains(w), "'" + w + "' in " + r.did());
    }
  }

  @Test
  void aWellBehavedPluginPassesEveryRule() throws Exception {
    byte[] guest = "guest".getBytes(StandardCharsets.US_ASCII);
    ContractReport report =
        ContractCheck.run(
            testPlugin("wellbehaved", "org.authhost.testplugins.wellbehaved.WellBehavedPlugin"),
            KitOptions.defaults().withClient((leg, challenge) -> leg == 0 ? new byte[0] : guest));

    assertAllPass(report);
    for (Rule rule : Rule.values()) {
      if (rule != Rule.ERROR_REPORTED) {
        assertOutcome(report, rule, RuleResult.Outcome.PASS);
      }
    }
    // Its logon goes through the token service: the kit failed it under the plug-in.
    assertOutcome(
        report,
        Rule.SERVICE_FAILURES,
        RuleResult.Outcome.PASS,
        "the token service answers E_FAIL to every logon: answered DENIED (its callback's HRESULT");
    assertOutcome(
        report,
        Rule.ERROR_REPORTED,
        RuleResult.Outcome.NOT_EXERCISED,
        "never returned NS_E_PLUGIN_ERROR_REPORTED");
    assertEquals("wellbehaved", report.pluginId());
    assertTrue(
        result(report, Rule.TOKEN_OWNERSHIP).did().contains("SEC_E_INVALID_HANDLE after it"),
        report.describe());
    assertTrue(
        result(report, Rule.MALFORMED_INPUT).did().contains("cuts and flips of its own challenge"),
        report.describe());
  }

  @Test
  void theAnonymousPluginPassesEveryRule() {
    ContractReport report =
        ContractCheck.run(
            PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"),
            KitOptions.defaults().withProperty("account", "Guest"));
    assertAllPass(report);
    // It declares REUSABLE_CONTEXT (API 1.6): asked again, its context answers from its token.
    // (An anonymous plug-in has no failure path: the rule's other half is not exercised.)
    assertOutcome(
        report,
        Rule.TOKEN_OWNERSHIP,
        RuleResult.Outcome.NOT_EXERCISED,
        "REUSABLE_CONTEXT: Authenticate again answered SUCCESS with the same handle");
  }

  @Test
  void aReusableContextThatLogsOnAgainBreaksTokenOwnership() throws Exception {
    ContractReport report = forgetful("1.6");
    assertBroken(
        report,
        Rule.TOKEN_OWNERSHIP,
        "declares REUSABLE_CONTEXT",
        "instead of SUCCESS with the token it holds");
  }

  /**
   * The kit's report on the test plug-in that logs on again per Authenticate, declaring {@code
   * api}.
   */
  private ContractReport forgetful(String api) throws Exception {
    return ContractCheck.run(
        PluginJar.of("forgetful", "org.authhost.testplugins.forgetful.ForgetfulPlugin")
            .with("api-version", api)
            .writeTo(dir, "forgetful-" + api + ".jar"),
        QUICK);
  }

  /**
   * A context that declares REVERIFYING_CONTEXT (API 1.7) but, once it holds a token, answers
   * anything with it: a replay of alice's response succeeds, and bob's credentials get alice's
   * token.
   */
  @Test
  void aReverifyingContextThatAnswersEveryoneWithItsTokenBreaksTokenOwnership() throws Exception {
    ContractReport report =
        ContractCheck.run(
            PluginJar.of("clinging", "org.authhost.testplugins.clinging.ClingingPlugin")
                .with("api-version", "1.7")
                .writeTo(dir, "clinging.jar"),
            QUICK
                .withAccount("alice", "pw-alice")
                .withAccount("bob", "pw-bob")
                .withResponses(List.of("alice".getBytes(StandardCharsets.ISO_8859_1)))
                .withOtherClient(
                    (leg, challenge) ->
                        leg == 0 ? "bob".getBytes(StandardCharsets.ISO_8859_1) : null));
    assertBroken(
        report,
        Rule.TOKEN_OWNERSHIP,
        "(a replay) answered SUCCESS",
        "answered SUCCESS with the first account's token");
  }

  /**
   * The kit's report on the test plug-in with one-time proofs (API 1.7, REVERIFYING_CONTEXT), its
   * {@code broken} property set to {@code broken}, with accounts alice and bob.
   */
  private ContractReport oneProof(String broken, KitOptions options) throws Exception {
    return ContractCheck.run(
        PluginJar.of("oneproof", "org.authhost.testplugins.oneproof.OneProofPlugin")
            .with("api-version", "1.7")
            .writeTo(dir, "oneproof-" + broken + ".jar"),
        options
            .withProperty("broken", broken)
            .withAccount("alice", "pw-alice")
            .withAccount("bob", "pw-bob"));
  }

  /** A client that makes a fresh one-time proof for {@code account} on every exchange. */
  private static ContractClient proofs(String account) {
    return (leg, challenge) ->
        leg == 0 ? (account + ":" + UUID.randomUUID()).getBytes(StandardCharsets.ISO_8859_1) : null;
  }

  private static final List<byte[]> ALICE_ONCE =
      List.of("alice:n-1".getBytes(StandardCharsets.ISO_8859_1));

  @Test
  void aFixedProofSentAgainToAReverifyingContextIsNotExercisedWhenItIsRefusedAsAReplay()
      throws Exception {
    ContractReport report =
        oneProof("", QUICK.withResponses(ALICE_ONCE).withOtherClient(proofs("bob")));

    // It was FAIL: the plug-in rightly refused the kit's replay of the fixed proof.
    assertOutcome(
        report,
        Rule.TOKEN_OWNERSHIP,
        RuleResult.Outcome.NOT_EXERCISED,
        "the same fixed response sent again was answered DENIED",
        "give a client that makes a fresh proof: withClient",
        "rule 2");
    assertTrue(report.passed(), report.describe());
  }

  @Test
  void aFixedProofSentAgainAndAnsweredWithANewLogonStillBreaksTokenOwnership() throws Exception {
    ContractReport report = oneProof("relogon", QUICK.withResponses(ALICE_ONCE));

    assertBroken(
        report,
        Rule.TOKEN_OWNERSHIP,
        "the client's exchange again on the SUCCESS context (REVERIFYING_CONTEXT) answered SUCCESS",
        "instead of SUCCESS with the token it holds");
  }

  @Test
  void aFixedResponseRefusedBeforeAnyServiceIsNotTakenForALogonPathWithoutThem() throws Exception {
    ContractReport report =
        oneProof("", QUICK.withResponses(List.of("no proof".getBytes(StandardCharsets.US_ASCII))));

    // It read "its logon path does not use them" (trial10): the exchange never got that far.
    assertOutcome(
        report,
        Rule.SERVICE_FAILURES,
        RuleResult.Outcome.NOT_EXERCISED,
        "not reached: no run of the kit's exchange got through (each ended DENIED",
        "give a client that makes a fresh proof: withClient");
    assertFalse(
        result(report, Rule.SERVICE_FAILURES).did().contains("got through without calling"),
        report.describe());
  }

  /**
   * The one-time-proof plug-in as a server-nonce protocol (trial10's toy-proof): an empty leg gets
   * {@code CONTINUE} with a nonce, and only a proof on a nonce it issued gets through.
   */
  private ContractReport serverNonce(KitOptions options) throws Exception {
    return oneProof("", options.withProperty("challenge", "nonce"));
  }

  private static final List<byte[]> EMPTY_THEN_ALICE =
      List.of(new byte[0], "alice:n-1".getBytes(StandardCharsets.ISO_8859_1));

  @Test
  void fixedResponsesToAServerNonceAreToldToGiveAClientThatAnswersTheChallenge() throws Exception {
    ContractReport report = serverNonce(QUICK.withResponses(EMPTY_THEN_ALICE));

    // It said "check its responses and the accounts given with withAccount" (trial10).
    assertOutcome(
        report,
        Rule.TOKEN_OWNERSHIP,
        RuleResult.Outcome.NOT_EXERCISED,
        "the plug-in answered CONTINUE with a challenge on leg 0, then refused the fixed response",
        "give a client that reads the challenge and answers it, withClient");
    assertFalse(
        result(report, Rule.TOKEN_OWNERSHIP).did().contains("accounts given with"),
        report.describe());
    // It said "its logon path does not use them": the logon is behind the nonce it never passed.
    assertOutcome(
        report,
        Rule.SERVICE_FAILURES,
        RuleResult.Outcome.NOT_EXERCISED,
        "not reached: no run of the kit's exchange got through (each ended DENIED",
        "whether the plug-in calls the failing services (");
    assertTrue(report.passed(), report.describe());
  }

  @Test
  void aFixedResponseTheServerNonceNeverAskedForStillNamesTheAccounts() throws Exception {
    // Refused on leg 0, before any challenge: the response or the account is what to check.
    ContractReport report =
        serverNonce(QUICK.withResponses(List.of("alice:n-1".getBytes(StandardCharsets.UTF_8))));

    assertOutcome(
        report,
        Rule.TOKEN_OWNERSHIP,
        RuleResult.Outcome.NOT_EXERCISED,
        "check its responses and the accounts given with withAccount");
  }

  @Test
  void aWrongFixedPasswordAfterAChallengeThatNeverChangesStillNamesTheAccounts() {
    // Basic answers an empty leg CONTINUE with its realm, the same every time: no server nonce,
    // and a wrong password (or a forgotten account) is what to look at (reviewer's Y1).
    byte[] wrong =
        java.util.Base64.getEncoder()
            .encode("alice:not-her-password".getBytes(StandardCharsets.UTF_8));
    ContractReport report =
        ContractCheck.run(
            PluginJar.builtinPlugin("authhost-plugin-basic.jar"),
            KitOptions.defaults()
                .withBlobs(0)
                .withAccount("alice", "pw-alice")
                .withResponses(List.of(new byte[0], wrong)));

    assertOutcome(
        report,
        Rule.TOKEN_OWNERSHIP,
        RuleResult.Outcome.NOT_EXERCISED,
        "check its responses and the accounts given with withAccount");
    assertFalse(
        result(report, Rule.TOKEN_OWNERSHIP).did().contains("server nonce"), report.describe());
  }

  @Test
  void aReportMadeThroughKitOptionsNamesNoCommandLineOption() throws Exception {
    ContractReport fixed = serverNonce(QUICK.withResponses(EMPTY_THEN_ALICE));
    ContractReport none =
        ContractCheck.run(
            testPlugin("wellbehaved", "org.authhost.testplugins.wellbehaved.WellBehavedPlugin"),
            QUICK.withBlobs(0));

    for (ContractReport report : List.of(fixed, none)) {
      assertFalse(
          java.util.regex.Pattern.compile("--[a-z]").matcher(report.describe()).find(),
          report.describe());
    }
    // Every hint of a report without a client, in KitOptions' names.
    for (String hint : List.of("withBlobs(0)", "withProperty, withClient or withAccount")) {
      assertTrue(none.describe().contains(hint), none.describe());
    }
  }

  @Test
  void aFixedProofThatNeverReachesTheLogonLeavesTheServiceFailuresNotExercised() throws Exception {
    ContractReport report =
        oneProof("", QUICK.withResponses(ALICE_ONCE).withOtherClient(proofs("bob")));

    // It was PASS, "not called: TokenService.logonUser": the replay was refused before the logon.
    assertOutcome(
        report,
        Rule.SERVICE_FAILURES,
        RuleResult.Outcome.NOT_EXERCISED,
        "the token service answers E_FAIL to every logon (the exchange ended DENIED",
        "before TokenService.logonUser/logonPrincipal",
        "withClient");
    assertFalse(
        result(report, Rule.SERVICE_FAILURES).did().contains("not called: TokenService"),
        report.describe());
  }

  @Test
  void aKeptContextThatRefusesAFixedProofANewContextTakesBreaksTokenOwnership() throws Exception {
    // Its proofs are reusable (a new context takes the same one again): the kept context's
    // refusal is no replay check's, and rule 2 is broken (reviewer's probe, K1).
    ContractReport report =
        oneProof("refuses", QUICK.withResponses(ALICE_ONCE).withOtherClient(proofs("bob")));

    assertBroken(
        report,
        Rule.TOKEN_OWNERSHIP,
        "answered DENIED",
        "a new context takes the same responses again, so this was no replay check's refusal");
    assertTrue(
        result(report, Rule.TOKEN_OWNERSHIP).reference().endsWith("1.7\" rule 2"),
        result(report, Rule.TOKEN_OWNERSHIP).reference());
  }

  @Test
  void anOtherClientLoggedOnAsTheFirstAccountWhileReportedAsItsOwnIsNoUsageError()
      throws Exception {
    // The plug-in logs bob's proof on as alice but reports bob: its bug, not the author's
    // clients' (reviewer's K2), so the kit reports on it instead of blaming the options.
    ContractReport report =
        oneProof("first", QUICK.withClient(proofs("alice")).withOtherClient(proofs("bob")));

    assertEquals(Rule.values().length, report.results().size(), report.describe());
  }

  @Test
  void withFreshProofsAndAnotherAccountAReverifyingContextKeepsEveryRule() throws Exception {
    ContractReport report =
        oneProof("", QUICK.withClient(proofs("alice")).withOtherClient(proofs("bob")));

    assertAllPass(report);
    assertOutcome(
        report,
        Rule.TOKEN_OWNERSHIP,
        RuleResult.Outcome.PASS,
        "a replay refused, another account never given it (it got its own token)");
    assertOutcome(
        report,
        Rule.SERVICE_FAILURES,
        RuleResult.Outcome.PASS,
        "the token service answers E_FAIL to every logon: answered DENIED (its callback's HRESULT");
  }

  @Test
  void withoutAnotherClientRule3OfAReverifyingContextIsNotExercisedAndCounted() throws Exception {
    // It answers bob with alice's token: unseen without withOtherClient, and so not a PASS.
    ContractReport report = oneProof("other", QUICK.withClient(proofs("alice")));

    assertOutcome(
        report,
        Rule.TOKEN_OWNERSHIP,
        RuleResult.Outcome.NOT_EXERCISED,
        "rule 3",
        "was not checked: give a client of a different account with withOtherClient");
    assertTrue(report.summary().contains("2 not exercised"), report.summary());
  }

  @Test
  void anotherAccountAnsweredWithTheHeldTokenFailsNamingTheGuidesRule() throws Exception {
    ContractReport report =
        oneProof("other", QUICK.withClient(proofs("alice")).withOtherClient(proofs("bob")));

    assertBroken(report, Rule.TOKEN_OWNERSHIP, "SUCCESS with the first account's token");
    assertTrue(
        result(report, Rule.TOKEN_OWNERSHIP)
            .describe()
            .contains(
                "breaks: "
                    + Rule.TOKEN_OWNERSHIP.reference()
                    + "; docs/plugin-authors.md §6 REVERIFYING_CONTEXT, §13 \"Moving a 1.6"
                    + " plug-in to 1.7\" rule 3"),
        report.describe());
  }

  @Test
  void anOtherClientOfTheSameAccountIsAUsageErrorNamingItNotAFailure() throws Exception {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> oneProof("", QUICK.withClient(proofs("alice")).withOtherClient(proofs("alice"))));

    assertEquals(
        IllegalArgumentException.class, e.getClass(), "the documented type, not the kit's");

    assertTrue(
        e.getMessage()
            .startsWith(
                "withOtherClient must prove a different account than withClient (both proved"
                    + " 'alice')"),
        e.getMessage());
  }

  @Test
  void theSameContextDeclaredForAnOlderApiIsNotAskedAgain() throws Exception {
    // Before 1.6 the bit promises nothing and the host keeps no context: one logon per context
    // is all the rule asks.
    ContractReport report = forgetful("1.5");
    assertOutcome(
        report, Rule.TOKEN_OWNERSHIP, RuleResult.Outcome.NOT_EXERCISED, "the same handle again");
    assertFalse(result(report, Rule.TOKEN_OWNERSHIP).did().contains("REUSABLE_CONTEXT"));
  }

  @Test
  void aPluginWithoutAuthenticationIsCheckedForItsLifeCycleAndCleanUpOnly() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin(
                "lifecycleonly", "org.authhost.testplugins.lifecycleonly.LifecycleOnlyPlugin"),
            KitOptions.defaults().withBlobs(300));

    assertAllPass(report);
    assertOutcome(report, Rule.LIFECYCLE, RuleResult.Outcome.PASS, "straight to the plug-in");
    for (Rule r :
        List.of(
            Rule.CALLBACK_ONCE,
            Rule.TOKEN_OWNERSHIP,
            Rule.MALFORMED_INPUT,
            Rule.SERVICE_FAILURES)) {
      assertOutcome(report, r, RuleResult.Outcome.NOT_EXERCISED, "not an authentication plug-in");
    }
  }

  @Test
  void aDescriptorForAFutureApiIsRefusedAndNothingElseRuns() throws Exception {
    Path jar =
        PluginJar.of("future", "org.authhost.testplugins.TestPlugin")
            .with("api-version", "9.0")
            .writeTo(dir, "future.jar");

    ContractReport report = ContractCheck.run(jar);

    assertBroken(report, Rule.DESCRIPTOR, "built for plug-in API 9.0", "fix:");
    assertTrue(result(report, Rule.LIFECYCLE).did().startsWith("not checked"));
    // Only the rule that stopped the check is broken; the others were never run.
    assertEquals(1, report.failures().size(), report.describe());
    assertOutcome(report, Rule.LIFECYCLE, RuleResult.Outcome.NOT_EXERCISED);
  }

  @Test
  void aMissingEntryPointBreaksTheEntryPointRule() throws Exception {
    Path jar =
        PluginJar.of("nowhere", "org.authhost.testplugins.Missing").writeTo(dir, "nowhere.jar");

    assertBroken(
        ContractCheck.run(jar, QUICK),
        Rule.ENTRY_POINT,
        "org.authhost.testplugins.Missing",
        "ClassNotFoundException");
  }

  @Test
  void aThrowingAuthenticateBreaksTheCallbackRule() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("throwing", "org.authhost.testplugins.throwing.ThrowingPlugin"), QUICK);

    assertBroken(
        report, Rule.CALLBACK_ONCE, "Authenticate threw", "the credential cache is corrupt");
  }

  @Test
  void aSecondCallbackBreaksTheCallbackRule() throws Exception {
    ContractReport report =
        ContractCheck.run(testPlugin("twice", "org.authhost.testplugins.twice.TwicePlugin"), QUICK);

    assertBroken(report, Rule.CALLBACK_ONCE, "OnAuthenticateComplete was called 2 times");
    assertFalse(result(report, Rule.TOKEN_OWNERSHIP).failed(), report.describe());
  }

  @Test
  void aSecondForbiddenRefusalBreaksTheCallbackRule() throws Exception {
    ContractReport report =
        ContractCheck.run(
            PluginJar.of("forbidding", "org.authhost.testplugins.forbidding.ForbiddenTwicePlugin")
                .with("api-version", "1.4")
                .writeTo(dir, "forbiddentwice.jar"),
            QUICK);

    assertBroken(
        report,
        Rule.CALLBACK_ONCE,
        "OnAuthenticateForbidden was called after the callback had already answered");
  }

  @Test
  void aForbiddenRefusalWhoseReasonRepeatsTheClientsTokenBreaksTheMalformedInputRule()
      throws Exception {
    ContractReport report =
        ContractCheck.run(
            PluginJar.of("forbidding", "org.authhost.testplugins.forbidding.EchoingPlugin")
                .with("api-version", "1.4")
                .writeTo(dir, "echoing.jar"),
            QUICK);

    assertBroken(
        report,
        Rule.MALFORMED_INPUT,
        "refused with OnAuthenticateForbidden whose reason repeats what the client sent");
  }

  @Test
  void aMissingCallbackBreaksTheCallbackRule() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("silent", "org.authhost.testplugins.silent.SilentPlugin"), QUICK);

    assertBroken(
        report, Rule.CALLBACK_ONCE, "OnAuthenticateComplete was not called within 1000 ms");
  }

  @Test
  void aCallbackFromAnotherThreadInTimeKeepsTheRule() throws Exception {
    CountDownLatch open = new CountDownLatch(0);
    System.getProperties().put(latchKey, open);
    Path jar =
        PluginJar.of("late", "org.authhost.testplugins.late.LatePlugin").writeTo(dir, "late.jar");

    ContractReport report =
        ContractCheck.run(jar, KitOptions.defaults().withProperty("release", latchKey));

    assertTrue(result(report, Rule.CALLBACK_ONCE).passed(), report.describe());
    assertFalse(result(report, Rule.TOKEN_OWNERSHIP).failed(), report.describe());
    assertTrue(result(report, Rule.NO_LEFTOVERS).passed(), report.describe());
    // It logs everyone on as Guest, whatever they send: not a plug-in to let near clients.
    assertBroken(
        report, Rule.MALFORMED_INPUT, "accepted random data", "seed " + KitOptions.DEFAULT_SEED);
  }

  @Test
  void aHangingAuthenticateIsCutOffAndNamedAndTheKitDoesNotHang() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("hanging", "org.authhost.testplugins.hanging.HangingPlugin"), PINNING);

    assertBroken(report, Rule.CALLBACK_ONCE, "Authenticate did not return within 1000 ms");
    // The stuck call holds a thread in the plug-in's code and so its class loader.
    assertBroken(report, Rule.NO_LEFTOVERS, "HangingPlugin");
    assertBroken(report, Rule.UNLOADABLE, "still reachable");
    assertTrue(
        result(report, Rule.MALFORMED_INPUT).did().startsWith("not checked: a call into the"),
        report.describe());
  }

  @Test
  void aTokenClosedBeforeItIsHandedOutBreaksTheTokenRule() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("released", "org.authhost.testplugins.released.ReleasedPlugin"), QUICK);

    assertBroken(
        report, Rule.TOKEN_OWNERSHIP, "GetImpersonationToken returned", "SEC_E_INVALID_HANDLE");
  }

  @Test
  void reportedWithoutLoggingBreaksTheErrorReportedRule() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("unreported", "org.authhost.testplugins.unreported.UnreportedPlugin"),
            QUICK);

    assertBroken(report, Rule.ERROR_REPORTED, "logged no event");
  }

  @Test
  void reportedAfterLoggingKeepsTheErrorReportedRuleButTheLoggedErrorBreaksTheCallbackRule()
      throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("reporting", "org.authhost.testplugins.reporting.ReportingPlugin"), QUICK);

    assertTrue(result(report, Rule.ERROR_REPORTED).passed(), report.describe());
    assertBroken(
        report,
        Rule.CALLBACK_ONCE,
        "the plug-in logged an ERROR",
        "refused the plug-in's connection");
  }

  @Test
  void aFailingDisableBreaksTheLifeCycleRule() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("baddisable", "org.authhost.testplugins.baddisable.BadDisablePlugin"),
            QUICK);

    assertBroken(report, Rule.LIFECYCLE, "DisablePlugin returned", "E_FAIL");
  }

  @Test
  void anErrorLoggedInEnableBreaksTheLifeCycleRule() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("enableerror", "org.authhost.testplugins.enableerror.EnableErrorPlugin"),
            QUICK);

    assertBroken(report, Rule.LIFECYCLE, "LOADED|ERROR", "the key store is missing");
  }

  @Test
  void aThreadLeftRunningBreaksTheLeftoverAndUnloadRules() throws Exception {
    try {
      ContractReport report =
          ContractCheck.run(
              testPlugin("lingering", "org.authhost.testplugins.lingering.LingeringPlugin"),
              PINNING);

      assertBroken(report, Rule.NO_LEFTOVERS, "thread 'lingering-worker'");
      assertBroken(report, Rule.UNLOADABLE, "still reachable");
      assertTrue(result(report, Rule.CALLBACK_ONCE).passed(), report.describe());
    } finally {
      Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("lingering-worker"))
          .forEach(Thread::interrupt);
    }
  }

  @Test
  void withoutAClientThatLogsOnTheTokenRuleIsNotExercisedAndThatIsNoFailure() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("wellbehaved", "org.authhost.testplugins.wellbehaved.WellBehavedPlugin"),
            QUICK);

    // The old kit said PASS here although no token was ever handed out.
    assertOutcome(
        report,
        Rule.TOKEN_OWNERSHIP,
        RuleResult.Outcome.NOT_EXERCISED,
        "no SUCCESS reached",
        "give the kit a client that logs on (withClient or withResponses), and withAccount");
    assertOutcome(report, Rule.SERVICE_FAILURES, RuleResult.Outcome.NOT_EXERCISED, "withClient");
    assertTrue(report.passed(), report.describe());
    assertTrue(report.describe().contains("SKIP KIT-TOKEN-OWNERSHIP: NOT EXERCISED: "));
    assertTrue(report.summary().contains("not exercised (not a failure)"), report.summary());
  }

  @Test
  void aPluginThatThrowsWhenTheTokenServiceFailsBreaksTheServiceFailureRule() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("careless", "org.authhost.testplugins.careless.CarelessPlugin"), QUICK);

    assertBroken(report, Rule.SERVICE_FAILURES, "Authenticate threw", "the logon gave no token");
    // Served normally, it keeps the token rule: only the injected failure shows the bug.
    assertOutcome(report, Rule.CALLBACK_ONCE, RuleResult.Outcome.PASS);
  }

  @Test
  void aPluginThatNeverComesBackAfterAFailingAuthenticateBreaksTheServiceFailureRule()
      throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("nocomeback", "org.authhost.testplugins.nocomeback.NoComebackPlugin"),
            QUICK);

    // Its failing HRESULT was an allowed answer; its failing EnablePlugin afterwards is not, and
    // the report names the plug-in's ErrorText.
    assertBroken(
        report,
        Rule.SERVICE_FAILURES,
        "after the token service answers E_FAIL to every logon",
        "could not be enabled again",
        "EnablePlugin returned 0x8000FFFF");
  }

  @Test
  void aPluginThatSucceedsWhenItsReplayCheckFailedBreaksTheServiceFailureRule() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("replayopen", "org.authhost.testplugins.replayopen.ReplayOpenPlugin"),
            QUICK);

    assertBroken(
        report,
        Rule.SERVICE_FAILURES,
        "while the state service answers E_FAIL, Authenticate answered SUCCESS",
        "claim/increment",
        "fails open");
    // With the state service working it keeps every other rule: only the fault shows the bug.
    assertOutcome(report, Rule.CALLBACK_ONCE, RuleResult.Outcome.PASS);
    assertOutcome(report, Rule.LIFECYCLE, RuleResult.Outcome.PASS);
  }

  @Test
  void theBasicPluginMeetsADeniedLogonWithDenied() {
    byte[] credentials =
        java.util.Base64.getEncoder().encode("alice:pw-alice".getBytes(StandardCharsets.UTF_8));
    ContractReport report =
        ContractCheck.run(
            PluginJar.builtinPlugin("authhost-plugin-basic.jar"),
            // The kit's own limits, not QUICK's: Basic's real slow hash must not time out on a
            // busy machine (it did, at load 20, under QUICK's second).
            KitOptions.defaults()
                .withBlobs(300)
                .withAccount("alice", "pw-alice")
                .withResponses(List.of(credentials)));

    assertAllPass(report);
    assertOutcome(report, Rule.TOKEN_OWNERSHIP, RuleResult.Outcome.PASS, "SUCCESS");
    assertOutcome(
        report,
        Rule.SERVICE_FAILURES,
        RuleResult.Outcome.PASS,
        "SEC_E_LOGON_DENIED: answered DENIED");
  }

  @Test
  void aPluginThatRefusesASecondDisableBreaksTheLifeCycleRule() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("redisable", "org.authhost.testplugins.redisable.RedisablePlugin"), QUICK);

    // Through the host alone (which never repeats a disable) this plug-in looked fine.
    assertBroken(
        report, Rule.LIFECYCLE, "DisablePlugin a second time", "E_UNEXPECTED instead of S_OK");
  }

  @Test
  void aHangingInitializeIsCutOffAndNamedAndTheKitDoesNotHang() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("hanginginit", "org.authhost.testplugins.hanginginit.HangingInitPlugin"),
            PINNING);

    assertBroken(report, Rule.LIFECYCLE, "InitializePlugin", "1000 ms");
    assertOutcome(report, Rule.TOKEN_OWNERSHIP, RuleResult.Outcome.NOT_EXERCISED);
  }

  @Test
  void aPluginThatHandsOutATokenTheTokenServiceCallsClosedBreaksTheServiceFailureRule()
      throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("trusting", "org.authhost.testplugins.trusting.TrustingPlugin"), QUICK);

    assertBroken(
        report,
        Rule.SERVICE_FAILURES,
        "SEC_E_INVALID_HANDLE to queryToken",
        "Authenticate answered SUCCESS");
    // Its answers to a failed logon are right: only the closed token shows the bug.
    assertFalse(
        result(report, Rule.SERVICE_FAILURES).did().contains("E_FAIL to every logon, Authenticate"),
        report.describe());
  }

  @Test
  void aPluginWhoseRecordsTheJdkRemembersIsStillUnloadable() throws Exception {
    ContractReport report =
        ContractCheck.run(
            testPlugin("recordy", "org.authhost.testplugins.recordy.RecordyPlugin"),
            QUICK.withCleanupBudget(Duration.ofSeconds(5)));

    // The JDK's record methods kept its record type (and so its loader) until the kit reset them.
    assertOutcome(report, Rule.UNLOADABLE, RuleResult.Outcome.PASS);
    assertOutcome(report, Rule.LIFECYCLE, RuleResult.Outcome.PASS);
  }
}
