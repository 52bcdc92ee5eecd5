package org.authhost.plugins.ntlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PluginException;
import org.authhost.api.TokenHandle;
import org.authhost.api.support.PluginEvents;
import org.junit.jupiter.api.Test;

/** The plug-in as the host sees it: results, blobs, events and token ownership. */
class NtlmPluginTest {
  static final String PASSWORD = NtlmExchangeTest.PASSWORD;

  @Test
  void describesItself() {
    NtlmAuthenticationPlugin p = new PluginHarness().plugin;
    Out<String> s = new Out<>();
    assertEquals(HResult.S_OK, p.getProtocolName(s));
    assertEquals("NTLM", s.get());
    assertEquals(HResult.S_OK, p.getPackageName(s));
    assertEquals("NTLM", s.get());
    Out<Integer> flags = new Out<>();
    assertEquals(HResult.S_OK, p.getFlags(flags));
    assertEquals(
        AuthenticationFlags.CLIENT_SHOWS_UI
            | AuthenticationFlags.CHALLENGE_FIRST
            | AuthenticationFlags.CONNECTION_BOUND
            | AuthenticationFlags.BROWSER_ANSWERS,
        flags.get());
  }

  @Test
  void theFirstChallengeIsABareNtlm() {
    PluginHarness.Answer a = new PluginHarness().connect().send("");
    assertEquals(AuthenticationResult.CONTINUE, a.result());
    assertEquals("", a.blob());
    assertEquals(HResult.S_OK, a.hr());
  }

  @Test
  void curlLogsOnAndTheContextOwnsItsToken() {
    PluginHarness h = new PluginHarness();
    PluginHarness.Connection c = h.connect();
    NtlmTestClient curl = h.client("alice", "", PASSWORD).offer(NtlmTestClient.CURL_FLAGS);
    PluginHarness.Answer challenge = c.send(curl.negotiateHeader().substring(5));
    assertEquals(AuthenticationResult.CONTINUE, challenge.result());
    assertFalse(challenge.blob().contains("\n"), "one WWW-Authenticate line");
    assertTrue(challenge.blob().startsWith("TlRMTVNTUAACAAAA"), challenge.blob());
    PluginHarness.Answer ok = c.send(curl.authenticateHeader(challenge.blob()).substring(5));
    assertEquals(AuthenticationResult.SUCCESS, ok.result());
    assertNull(ok.blob());
    assertEquals(HResult.S_OK, ok.hr());
    assertEquals("alice", c.user.userName().orElseThrow());

    Out<TokenHandle> first = new Out<>();
    Out<TokenHandle> second = new Out<>();
    assertEquals(HResult.S_OK, c.context.getImpersonationToken(first));
    assertEquals(HResult.S_OK, c.context.getImpersonationToken(second));
    assertEquals(first.get(), second.get(), "the same handle, not a duplicate");
    assertEquals(Set.of(first.get().value()), h.server.openHandles);
    Out<String> id = new Out<>();
    assertEquals(HResult.S_OK, c.context.getLogicalUserId(id));
    assertEquals("alice", id.get());
    assertEquals(HResult.E_NOTIMPL, c.context.getImpersonationAccountName(new Out<>()));

    c.context.release();
    assertTrue(h.server.openHandles.isEmpty(), "release closes the token");
    assertEquals(HResult.SEC_E_INVALID_HANDLE, c.context.getImpersonationToken(new Out<>()));
    c.context.release(); // a second release is harmless
    assertEquals(List.of(), h.server.events);
  }

  @Test
  void aSecondLogonOnTheConnectionReplacesTheToken() {
    PluginHarness h = new PluginHarness();
    PluginHarness.Connection c = h.connect();
    assertEquals(AuthenticationResult.SUCCESS, c.logOn(h.client("alice", "", PASSWORD)).result());
    assertEquals(AuthenticationResult.SUCCESS, c.logOn(h.client("User", "", "Password")).result());
    assertEquals(1, h.server.openHandles.size());
    Out<String> id = new Out<>();
    c.context.getLogicalUserId(id);
    assertEquals("User", id.get());
    c.context.release();
    assertTrue(h.server.openHandles.isEmpty());
  }

  @Test
  void aTokenThatIsNotBase64IsABenignRefusalNamingNobody() {
    PluginHarness.Connection c = new PluginHarness().connect();
    PluginHarness.Answer a = c.send("!!not base64!!");
    assertEquals(AuthenticationResult.DENIED, a.result());
    // API 1.3: no password was tried, so the host counts it toward no lockout.
    assertEquals(HResult.S_FALSE, a.hr());
    assertTrue(c.user.userName().isEmpty());
  }

  @Test
  void aWrongPasswordIsDeniedWithAnAuditEvent() {
    PluginHarness h = new PluginHarness();
    PluginHarness.Connection c = h.connect();
    NtlmTestClient client = h.client("alice", "", "guess");
    PluginHarness.Answer a = c.logOn(client);
    assertEquals(AuthenticationResult.DENIED, a.result());
    assertNull(a.blob(), "the host asks for a fresh bare challenge");
    assertEquals(HResult.S_OK, a.hr());
    assertEquals(
        "alice",
        c.user.userName().orElseThrow(),
        "the host's lockout counts it against the account");
    assertEquals(
        List.of(
            "NTLM logon from 127.0.0.1 as 'alice' refused: wrong password for 'alice': the NTLMv2 "
                + "proof does not match"),
        h.server.texts(EventLevel.INFORMATION));
    assertTrue(h.server.openHandles.isEmpty());
    assertEquals(HResult.SEC_E_NO_IMPERSONATION, c.context.getImpersonationToken(new Out<>()));
    assertNoSecretsIn(h, NtlmTestClient.ntHash("guess"), NtlmTestClient.ntHash(PASSWORD));
  }

  @Test
  void refusalsAreAuditedAndCutShort() {
    PluginHarness h = new PluginHarness();
    String longName = "x".repeat(250);
    assertEquals(
        AuthenticationResult.DENIED, h.connect().logOn(h.client(longName, "", PASSWORD)).result());
    String text = h.server.texts(EventLevel.INFORMATION).get(0);
    assertTrue(text.length() <= PluginEvents.MAX_CLIENT_TEXT + 3, text);
    assertTrue(text.contains("xxx...'"), text);
  }

  @Test
  void anAuthenticateOnANewConnectionIsDenied() {
    PluginHarness h = new PluginHarness();
    NtlmTestClient client = h.client("alice", "", PASSWORD);
    PluginHarness.Answer challenge = h.connect().send(client.negotiateHeader().substring(5));
    PluginHarness.Connection other = h.connect();
    PluginHarness.Answer a = other.send(client.authenticateHeader(challenge.blob()).substring(5));
    assertEquals(AuthenticationResult.DENIED, a.result());
    assertTrue(
        h.server
            .texts(EventLevel.INFORMATION)
            .get(0)
            .endsWith(
                "refused: AUTHENTICATE without a CHALLENGE "
                    + "on this connection: none was issued, or it was already used"));
  }

  @Test
  void anEmptyBlobMidHandshakeStartsOver() {
    PluginHarness h = new PluginHarness();
    PluginHarness.Connection c = h.connect();
    NtlmTestClient client = h.client("alice", "", PASSWORD);
    PluginHarness.Answer challenge = c.send(client.negotiateHeader().substring(5));
    assertEquals(AuthenticationResult.CONTINUE, c.send("").result());
    assertEquals(
        AuthenticationResult.DENIED,
        c.send(client.authenticateHeader(challenge.blob()).substring(5)).result());
  }

  @Test
  void garbageIsDenied() {
    PluginHarness h = new PluginHarness();
    assertEquals(AuthenticationResult.DENIED, h.connect().send("not base64!").result());
    assertEquals(
        AuthenticationResult.DENIED,
        h.connect().send("A".repeat(NtlmContext.MAX_BASE64 + 4)).result());
    assertEquals(
        AuthenticationResult.DENIED,
        h.connect().send(Base64.getEncoder().encodeToString(new byte[40])).result());
    assertEquals(
        List.of(
            "NTLM logon from 127.0.0.1 refused: the NTLM token is not base64",
            "NTLM logon from 127.0.0.1 refused: an NTLM token of 87388 base64 characters; at most 87384 are accepted",
            "NTLM logon from 127.0.0.1 refused: not an NTLMSSP message (no \"NTLMSSP\\0\" signature)"),
        h.server.texts(EventLevel.INFORMATION));
  }

  @Test
  void anAccountTheHostNoLongerLogsOnIsDenied() {
    PluginHarness h = new PluginHarness();
    h.server.logonRefused.add("alice");
    assertEquals(
        AuthenticationResult.DENIED, h.connect().logOn(h.client("alice", "", PASSWORD)).result());
    assertTrue(h.server.openHandles.isEmpty());
  }

  @Test
  void aBrokenCredentialServiceIsReportedOnce() {
    PluginHarness h = new PluginHarness();
    h.server.credentialsAnswer = HResult.E_FAIL;
    PluginHarness.Answer a = h.connect().logOn(h.client("alice", "", PASSWORD));
    assertEquals(AuthenticationResult.ERROR, a.result());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, a.hr());
    List<FakeServer.Event> errors = h.server.events(EventLevel.ERROR);
    assertEquals(1, errors.size());
    assertEquals(HResult.E_FAIL, errors.get(0).code());
    assertEquals(
        "NTLM failed: the host's credential service answered "
            + HResult.E_FAIL
            + " for getNtHash; fix it, "
            + "then run: authhost plugins enable ntlm",
        errors.get(0).text());
  }

  @Test
  void aThrowingCredentialServiceIsReportedOnce() {
    PluginHarness h = new PluginHarness();
    h.server.credentialsThrow = new IllegalStateException("secret detail");
    PluginHarness.Answer a = h.connect().logOn(h.client("alice", "", PASSWORD));
    assertEquals(AuthenticationResult.ERROR, a.result());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, a.hr());
    assertEquals(1, h.server.events(EventLevel.ERROR).size());
    assertEquals(HResult.E_UNEXPECTED, h.server.events(EventLevel.ERROR).get(0).code());
  }

  @Test
  void allowingNtlmV1IsAWarningAtEnable() {
    assertEquals(List.of(), new PluginHarness().server.events);
    PluginHarness h = new PluginHarness("allowNtlmV1", "true");
    List<String> warnings = h.server.texts(EventLevel.WARNING);
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).startsWith("allowNtlmV1 is true: NTLMv1 responses are accepted"));
    PluginHarness.Connection c = h.connect();
    NtlmTestClient client = h.client("alice", "", PASSWORD);
    PluginHarness.Answer challenge = c.send(client.negotiateHeader().substring(5));
    client.authenticateHeader(challenge.blob()); // reads the challenge
    PluginHarness.Answer ok = c.send(Base64.getEncoder().encodeToString(client.authenticateV1()));
    assertEquals(AuthenticationResult.SUCCESS, ok.result());
  }

  @Test
  void aBadSettingFailsInitializeWithTheFix() {
    NtlmAuthenticationPlugin p = new NtlmAuthenticationPlugin();
    PluginException e =
        assertThrows(
            PluginException.class,
            () -> p.initialize(new FakeServer(), FakeServer.values("requireMic", "yes")));
    assertEquals(HResult.E_INVALIDARG, e.hresult());
    assertEquals(
        "named value 'requireMic' must be \"true\" or \"false\"; fix plugins.settings.ntlm.properties."
            + "requireMic in host.json",
        e.getMessage());
  }

  @Test
  void noContextsUnlessEnabled() {
    NtlmAuthenticationPlugin p = new NtlmAuthenticationPlugin();
    assertEquals(HResult.E_UNEXPECTED, p.createAuthenticationContext(new Out<>()));
    assertEquals(HResult.S_OK, p.initialize(new FakeServer(), FakeServer.values()));
    assertEquals(HResult.E_UNEXPECTED, p.createAuthenticationContext(new Out<>()));
    assertEquals(HResult.S_OK, p.enable(new Out<>(Duration.ZERO)));
    assertEquals(HResult.S_OK, p.createAuthenticationContext(new Out<>()));
    assertEquals(HResult.S_OK, p.disable());
    assertEquals(HResult.E_UNEXPECTED, p.createAuthenticationContext(new Out<>()));
  }

  @Test
  void theMechanismKeepsTheHostsClock() {
    Clock hostTime = new FakeServer.TestClock(Instant.parse("2001-01-01T00:00:00Z"));
    FakeServer server =
        new FakeServer() {
          @Override
          public Clock clock() {
            return hostTime;
          }
        };

    // The public factory, as the Negotiate plug-in calls it for the NTLM it bundles.
    assertSame(hostTime, NtlmMechanism.create(FakeServer.values(), "", server).clock);
  }

  /** No event may carry an NT hash, in hex or base64. */
  static void assertNoSecretsIn(PluginHarness h, byte[]... hashes) {
    for (FakeServer.Event e : h.server.events) {
      for (byte[] hash : hashes) {
        assertFalse(e.text().toLowerCase().contains(HexFormat.of().formatHex(hash)), e.text());
        assertFalse(e.text().contains(Base64.getEncoder().encodeToString(hash)), e.text());
      }
    }
  }
}
