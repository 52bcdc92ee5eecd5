package org.authhost.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.host.testing.ThrowawayKdc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The five built-in plug-ins against the kit as authors get it (its own API, its own module): each
 * with what makes it reach SUCCESS where the kit can, so the token rules and the host-service
 * failures run. Here and not in each plug-in's module: the plug-ins build before the host, and the
 * kit is the host's code, so a test dependency of a plug-in on the kit would be a reactor cycle.
 */
class BuiltinPluginsTest {
  private static final String PASSWORD = "pw-alice-7";

  private static Path builtin(String fileName) {
    Path jar = Path.of(System.getProperty("authhost.test.builtinPlugins")).resolve(fileName);
    assertTrue(Files.isRegularFile(jar), "the reactor built " + jar);
    return jar;
  }

  private static KitOptions quick() {
    return KitOptions.defaults().withBlobs(500);
  }

  private static void assertOutcome(ContractReport report, RuleId rule, RuleResult.Outcome o) {
    assertEquals(o, report.result(rule).outcome(), report.describe());
  }

  @Test
  void anonymousLogsGuestOnAndKeepsEveryRule() {
    ContractReport report =
        PluginContract.assertPasses(
            builtin("authhost-plugin-anonymous.jar"), quick().withProperty("account", "Guest"));

    assertOutcome(report, RuleId.TOKEN_OWNERSHIP, RuleResult.Outcome.NOT_EXERCISED);
    assertTrue(
        report.result(RuleId.TOKEN_OWNERSHIP).did().contains("failure path not exercised"),
        "an ANONYMOUS plug-in accepts anything: " + report.describe());
    assertOutcome(report, RuleId.SERVICE_FAILURES, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.LIFECYCLE, RuleResult.Outcome.PASS);
  }

  @Test
  void basicWithAnAccountInTheKitsStoreReachesSuccess() {
    byte[] credentials =
        Base64.getEncoder().encode(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    ContractReport report =
        PluginContract.assertPasses(
            builtin("authhost-plugin-basic.jar"),
            quick().withAccount("alice", PASSWORD).withResponses(List.of(credentials)));

    assertOutcome(report, RuleId.TOKEN_OWNERSHIP, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.SERVICE_FAILURES, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.MALFORMED_INPUT, RuleResult.Outcome.PASS);
  }

  @Test
  void digestWithAClientThatAnswersItsChallengeReachesSuccess() {
    ContractReport report =
        PluginContract.assertPasses(
            builtin("authhost-plugin-digest.jar"),
            quick().withAccount("alice", PASSWORD).withClient(new DigestClient("alice", PASSWORD)));

    assertOutcome(report, RuleId.TOKEN_OWNERSHIP, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.SERVICE_FAILURES, RuleResult.Outcome.PASS);
    assertTrue(
        report.result(RuleId.SERVICE_FAILURES).did().contains("SEC_E_LOGON_DENIED"),
        report.describe());
  }

  @Test
  void ntlmKeepsTheRulesTheKitCanReachWithoutAnNtlmClient() {
    ContractReport report =
        PluginContract.assertPasses(builtin("authhost-plugin-ntlm.jar"), quick());

    assertOutcome(report, RuleId.LIFECYCLE, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.CALLBACK_ONCE, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.MALFORMED_INPUT, RuleResult.Outcome.PASS);
  }

  @Test
  void negotiateWithAKerberosRealmKeepsTheRulesTheKitCanReachWithoutAKerberosClient(
      @TempDir Path dir) throws Exception {
    // Skipped without MIT Kerberos, as the host's Negotiate serving test is.
    try (ThrowawayKdc kdc = ThrowawayKdc.start(dir.resolve("kdc"))) {
      ContractReport report =
          PluginContract.assertPasses(
              builtin("authhost-plugin-negotiate.jar"),
              quick()
                  .withProperty("servicePrincipal", kdc.servicePrincipal())
                  .withProperty("keytab", kdc.keytab().toString())
                  .withProperty("krb5Config", kdc.krb5Conf().toString()));

      assertOutcome(report, RuleId.LIFECYCLE, RuleResult.Outcome.PASS);
      assertOutcome(report, RuleId.CALLBACK_ONCE, RuleResult.Outcome.PASS);
      assertOutcome(report, RuleId.MALFORMED_INPUT, RuleResult.Outcome.PASS);
    }
  }

  @Test
  void negotiateWithoutItsServicePrincipalIsToldWhatToFix() {
    ContractReport report =
        PluginContract.check(builtin("authhost-plugin-negotiate.jar"), quick().withBlobs(10));

    assertOutcome(report, RuleId.LIFECYCLE, RuleResult.Outcome.FAIL);
    assertTrue(report.result(RuleId.LIFECYCLE).did().contains("servicePrincipal"));
    // The rules after it were not run, and say why: they are no failures of their own.
    assertEquals(1, report.failures().size(), report.describe());
    assertTrue(
        report.result(RuleId.CALLBACK_ONCE).did().contains("never came into service"),
        report.describe());
  }

  /** RFC 7616 Digest, the client side: answers the plug-in's challenge for one account. */
  private static final class DigestClient implements ContractClient {
    private static final Pattern PARAM =
        Pattern.compile("([A-Za-z0-9*-]+)\\s*=\\s*(\"([^\"]*)\"|[^,\\s]+)");
    private final String user;
    private final String password;

    DigestClient(String user, String password) {
      this.user = user;
      this.password = password;
    }

    @Override
    public byte[] respond(int leg, byte[] challenge) {
      if (leg == 0) {
        return new byte[0];
      }
      if (leg > 1) {
        return null;
      }
      String text = new String(challenge, StandardCharsets.ISO_8859_1);
      if (text.regionMatches(true, 0, "Digest ", 0, 7)) {
        text = text.substring(7);
      }
      Map<String, String> c = new HashMap<>();
      Matcher m = PARAM.matcher(text);
      while (m.find()) {
        c.put(m.group(1).toLowerCase(Locale.ROOT), m.group(3) != null ? m.group(3) : m.group(2));
      }
      String nonce = c.get("nonce");
      assertNotNull(nonce, "a Digest challenge with a nonce: " + text);
      String algorithm = c.getOrDefault("algorithm", "MD5");
      String uri = "/vod/kit.wmv";
      String cnonce = "0a4f113b";
      String nc = "00000001";
      String ha1 = h(algorithm, user + ":" + c.get("realm") + ":" + password);
      String ha2 = h(algorithm, "GET:" + uri);
      String response = h(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
      String answer =
          "username=\""
              + user
              + "\", realm=\""
              + c.get("realm")
              + "\", nonce=\""
              + nonce
              + "\", uri=\""
              + uri
              + "\", algorithm="
              + algorithm
              + ", qop=auth, nc="
              + nc
              + ", cnonce=\""
              + cnonce
              + "\", response=\""
              + response
              + "\""
              + (c.containsKey("opaque") ? ", opaque=\"" + c.get("opaque") + "\"" : "");
      return answer.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String h(String algorithm, String text) {
      try {
        MessageDigest md =
            MessageDigest.getInstance(algorithm.equalsIgnoreCase("SHA-256") ? "SHA-256" : "MD5");
        return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
