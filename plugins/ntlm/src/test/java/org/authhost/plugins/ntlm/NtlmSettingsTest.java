package org.authhost.plugins.ntlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import org.authhost.api.CredentialService;
import org.authhost.api.HResult;
import org.authhost.api.NamedValueException;
import org.authhost.api.PluginException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The named values: defaults from the server name, the prefix, and what a wrong value says. */
class NtlmSettingsTest {
  @Test
  void defaultsFromADnsServerName() {
    NtlmSettings s = NtlmSettings.from(FakeServer.values(), "", "Media01.Example.test");
    assertEquals("MEDIA01", s.netbiosComputer());
    assertEquals("MEDIA01", s.netbiosDomain());
    assertEquals("media01.example.test", s.dnsComputer());
    assertEquals("example.test", s.dnsDomain());
    assertEquals(Set.of(), s.acceptedDomains());
    assertFalse(s.anyDomain());
    assertEquals(Duration.ofMinutes(5), s.timestampSkew());
    assertEquals(Duration.ofSeconds(60), s.handshakeTimeout());
    assertFalse(s.allowNtlmV1());
    assertTrue(s.emptyDomainFallback());
    assertFalse(s.requireMic());
    assertTrue(s.standalone());
  }

  @Test
  void defaultsFromAPlainOrOddServerName() {
    NtlmSettings s = NtlmSettings.from(FakeServer.values(), "", "averyveryverylongservername");
    assertEquals("AVERYVERYVERYLO", s.netbiosComputer());
    assertEquals("averyveryverylongservername", s.dnsComputer());
    assertEquals("averyveryverylongservername", s.dnsDomain());
    s = NtlmSettings.from(FakeServer.values(), "", "Média Server");
    assertEquals("M-DIA-SERVER", s.netbiosComputer());
    assertEquals("m-dia-server", s.dnsComputer());
    assertEquals("AUTHHOST", NtlmSettings.from(FakeServer.values(), "", " ").netbiosComputer());
  }

  @Test
  void everyValueSet() {
    NtlmSettings s =
        NtlmSettings.from(
            FakeServer.values(
                "netbiosComputer",
                "STREAM1",
                "netbiosDomain",
                "CORP",
                "dnsComputer",
                "stream1.corp.example",
                "dnsDomain",
                "corp.example",
                "acceptedDomains",
                " OTHER , legacy.example ",
                "timestampSkewSeconds",
                "30",
                "handshakeTimeoutSeconds",
                "10",
                "allowNtlmV1",
                "TRUE",
                "emptyDomainFallback",
                "false",
                "requireMic",
                "true"),
            "",
            "ignored");
    assertEquals("CORP", s.netbiosDomain());
    assertFalse(s.standalone());
    assertEquals(Set.of("OTHER", "LEGACY.EXAMPLE"), s.acceptedDomains());
    assertEquals(Duration.ofSeconds(30), s.timestampSkew());
    assertEquals(Duration.ofSeconds(10), s.handshakeTimeout());
    assertTrue(s.allowNtlmV1());
    assertFalse(s.emptyDomainFallback());
    assertTrue(s.requireMic());
    assertTrue(s.serves("other"));
    assertTrue(s.serves("Corp"));
    assertTrue(s.serves("STREAM1.corp.example"));
    assertFalse(s.serves("elsewhere"));
    assertTrue(
        NtlmSettings.from(FakeServer.values("acceptedDomains", "*"), "", "x").serves("elsewhere"));
  }

  @Test
  void aPrefixReadsOnlyItsOwnNames() {
    NtlmSettings s =
        NtlmSettings.from(
            FakeServer.values(
                "ntlm.requireMic", "true", "requireMic", "false", "spn", "HTTP/media01"),
            "ntlm.",
            "media01");
    assertTrue(s.requireMic());
    PluginException e =
        assertThrows(
            PluginException.class,
            () ->
                NtlmSettings.from(
                    FakeServer.values("ntlm.requireMIC", "true"), "ntlm.", "media01"));
    assertTrue(
        e.getMessage()
            .startsWith("named value 'ntlm.requireMIC' is not an NTLM setting; the settings are "),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith("; fix plugins.settings.ntlm.properties.ntlm.requireMIC in host.json"));
  }

  @Test
  void anUnknownNameIsRefused() {
    PluginException e =
        assertThrows(
            PluginException.class,
            () -> NtlmSettings.from(FakeServer.values("allowNTLMv1", "true"), "", "media01"));
    assertEquals(HResult.E_INVALIDARG, e.hresult());
    // Named, with the settings, so the host can point at the line and suggest "allowNtlmV1".
    NamedValueException named = assertInstanceOf(NamedValueException.class, e);
    assertEquals("allowNTLMv1", named.name());
    assertTrue(named.settings().contains("allowNtlmV1"), named.settings().toString());
    assertEquals(
        "named value 'allowNTLMv1' is not an NTLM setting; the settings are netbiosComputer, netbiosDomain, "
            + "dnsComputer, dnsDomain, acceptedDomains, timestampSkewSeconds, handshakeTimeoutSeconds, allowNtlmV1, "
            + "emptyDomainFallback, requireMic; fix plugins.settings.ntlm.properties.allowNTLMv1 in host.json",
        e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      value = {
        "netbiosComputer#SIXTEEN-CHARS-XX#must be 1 to 15 printable ASCII characters without spaces or \\/:*?\"<>|",
        "netbiosDomain#A B#must be 1 to 15 printable ASCII characters without spaces or \\/:*?\"<>|",
        "dnsComputer#host name#must be a DNS name: 1 to 255 ASCII letters, digits, '-', '_' or '.'",
        "dnsDomain#'  '#must be a DNS name: 1 to 255 ASCII letters, digits, '-', '_' or '.'",
        "acceptedDomains#a,,b#must be a comma-separated list of domain names (1 to 255 characters each) or *",
        "timestampSkewSeconds#0#must be a whole number of seconds from 1 to 86400",
        "timestampSkewSeconds#five#must be a whole number of seconds from 1 to 86400",
        "handshakeTimeoutSeconds#3601#must be a whole number of seconds from 1 to 3600",
        "allowNtlmV1#1#must be \"true\" or \"false\"",
        "emptyDomainFallback#on#must be \"true\" or \"false\"",
      })
  void aWrongValueNamesTheFix(String name, String value, String problem) {
    PluginException e =
        assertThrows(
            PluginException.class,
            () -> NtlmSettings.from(FakeServer.values(name, value), "", "media01"));
    assertEquals(HResult.E_INVALIDARG, e.hresult());
    assertEquals(
        "named value '"
            + name
            + "' "
            + problem
            + "; fix plugins.settings.ntlm.properties."
            + name
            + " in host.json",
        e.getMessage());
  }

  @Test
  void theMechanismNeedsTheCredentialService() {
    FakeServer old =
        new FakeServer() {
          @Override
          public CredentialService credentials() {
            return null;
          }
        };
    PluginException e =
        assertThrows(
            PluginException.class, () -> NtlmMechanism.create(FakeServer.values(), "", old));
    assertEquals(HResult.E_NOINTERFACE, e.hresult());
  }
}
