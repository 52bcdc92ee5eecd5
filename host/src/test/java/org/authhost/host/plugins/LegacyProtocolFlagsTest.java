package org.authhost.host.plugins;

import static org.authhost.api.AuthenticationFlags.ANONYMOUS;
import static org.authhost.api.AuthenticationFlags.AUTHENTICATION_INFO;
import static org.authhost.api.AuthenticationFlags.BROWSER_ANSWERS;
import static org.authhost.api.AuthenticationFlags.CHALLENGE_FIRST;
import static org.authhost.api.AuthenticationFlags.COMPLETES_IN_ONE_LEG;
import static org.authhost.api.AuthenticationFlags.CONNECTION_BOUND;
import static org.authhost.api.AuthenticationFlags.REUSABLE_CONTEXT;
import static org.authhost.api.AuthenticationFlags.REVERIFYING_CONTEXT;
import static org.authhost.api.AuthenticationFlags.SENDS_PASSWORD;
import static org.authhost.api.AuthenticationFlags.TEXT_CHALLENGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class LegacyProtocolFlagsTest {

  @Test
  void pluginsBeforeApi13GetWhatTheHostOnceKnewByName() {
    assertEquals(
        CHALLENGE_FIRST | CONNECTION_BOUND | BROWSER_ANSWERS,
        LegacyProtocolFlags.apply(ApiVersion.of("1.2"), "NTLM", CHALLENGE_FIRST));
    // Kerberos under Negotiate completes in one leg (what nginx auth_request needs); NTLM never.
    assertEquals(
        CONNECTION_BOUND | COMPLETES_IN_ONE_LEG | BROWSER_ANSWERS,
        LegacyProtocolFlags.apply(ApiVersion.of("1.0"), "negotiate", 0));
    assertEquals(
        CONNECTION_BOUND | COMPLETES_IN_ONE_LEG | BROWSER_ANSWERS,
        LegacyProtocolFlags.apply(ApiVersion.of("1.1"), "Kerberos", 0));
    // What a browser answers by itself: the web console offers it.
    assertEquals(
        SENDS_PASSWORD | BROWSER_ANSWERS,
        LegacyProtocolFlags.apply(ApiVersion.of("1.1"), "Basic", 0));
    assertEquals(
        AUTHENTICATION_INFO | BROWSER_ANSWERS,
        LegacyProtocolFlags.apply(ApiVersion.of("1.2"), "Digest", 0));
    assertEquals(0, LegacyProtocolFlags.apply(ApiVersion.of("1.2"), "X-Token", 0));
  }

  @Test
  void fromApi13OnTheFlagsAreTakenAsThePluginGivesThem() {
    // Only BROWSER_ANSWERS (API 1.4) comes by name for a 1.3 plug-in: the console keeps offering
    // it.
    assertEquals(
        CHALLENGE_FIRST | BROWSER_ANSWERS,
        LegacyProtocolFlags.apply(ApiVersion.of("1.3"), "NTLM", CHALLENGE_FIRST));
    assertEquals(BROWSER_ANSWERS, LegacyProtocolFlags.apply(ApiVersion.of("1.3"), "Basic", 0));
    assertEquals(0, LegacyProtocolFlags.apply(ApiVersion.of("1.3"), "X-Token", 0));
    assertEquals(
        0, LegacyProtocolFlags.apply(ApiVersion.of("1.4"), "Basic", 0), "1.4 says so itself");
    assertEquals(
        CONNECTION_BOUND,
        LegacyProtocolFlags.apply(ApiVersion.of("1.4"), "X-Token", CONNECTION_BOUND));
  }

  @Test
  void aKeptContextIsOnlyForPluginsThatDeclareApi16() {
    // Before 1.6 the bit promised nothing: such a plug-in's contexts still live for one request.
    assertEquals(
        ANONYMOUS,
        LegacyProtocolFlags.apply(ApiVersion.of("1.5"), "X-Anon", ANONYMOUS | REUSABLE_CONTEXT));
    assertEquals(
        ANONYMOUS,
        LegacyProtocolFlags.apply(ApiVersion.of("1.2"), "X-Anon", ANONYMOUS | REUSABLE_CONTEXT));
    assertEquals(
        ANONYMOUS | REUSABLE_CONTEXT,
        LegacyProtocolFlags.apply(ApiVersion.of("1.6"), "X-Anon", ANONYMOUS | REUSABLE_CONTEXT));
  }

  @Test
  void aReverifyingContextIsOnlyForPluginsThatDeclareApi17() {
    // Before 1.7 the bit promised nothing: such a plug-in's contexts still live for one request.
    assertEquals(
        TEXT_CHALLENGE | AUTHENTICATION_INFO,
        LegacyProtocolFlags.apply(
            ApiVersion.of("1.6"),
            "X-Digest",
            TEXT_CHALLENGE | AUTHENTICATION_INFO | REVERIFYING_CONTEXT));
    assertEquals(
        TEXT_CHALLENGE | REVERIFYING_CONTEXT,
        LegacyProtocolFlags.apply(
            ApiVersion.of("1.7"), "X-Digest", TEXT_CHALLENGE | REVERIFYING_CONTEXT));
  }

  @Test
  void theFlagsIgnoredForAnOlderApiAreNamedForTheOperator() {
    assertEquals(
        "REVERIFYING_CONTEXT (API 1.7)",
        LegacyProtocolFlags.ignored(ApiVersion.of("1.6"), TEXT_CHALLENGE | REVERIFYING_CONTEXT));
    assertEquals(
        "REUSABLE_CONTEXT (API 1.6), REVERIFYING_CONTEXT (API 1.7)",
        LegacyProtocolFlags.ignored(
            ApiVersion.of("1.5"), ANONYMOUS | REUSABLE_CONTEXT | REVERIFYING_CONTEXT));
    assertNull(
        LegacyProtocolFlags.ignored(ApiVersion.of("1.7"), REUSABLE_CONTEXT | REVERIFYING_CONTEXT));
    assertNull(LegacyProtocolFlags.ignored(ApiVersion.of("1.2"), TEXT_CHALLENGE | ANONYMOUS));
  }
}
