package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.api.HResult;
import org.authhost.api.NamedValueException;
import org.authhost.api.Out;
import org.authhost.api.PluginException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The named values, and what initialize and enable say when the set-up is wrong. */
class DigestSettingsTest {
  @TempDir Path data;

  @Test
  void defaults() {
    DigestSettings s = DigestSettings.from(FakeServer.values());
    assertEquals("AuthHost", s.realm());
    assertEquals(List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), s.algorithms());
    assertEquals(List.of("auth", "auth-int"), s.qops());
    assertEquals(true, s.userhash());
    assertEquals(false, s.legacy());
    assertEquals(Duration.ofMinutes(5), s.nonceLifetime());
  }

  @Test
  void everyAlgorithmMayBeOfferedInAnyOrder() {
    DigestSettings s =
        DigestSettings.from(
            FakeServer.values(
                "algorithms",
                "SHA-512-256-sess,sha-512-256, SHA-256-sess , SHA-256,MD5-sess,MD5",
                "qop",
                "auth-int,auth",
                "userhash",
                "FALSE",
                "legacy",
                "true",
                "nonceLifetimeSeconds",
                "86400"));
    assertEquals(
        List.of(
            DigestAlgorithm.SHA_512_256_SESS,
            DigestAlgorithm.SHA_512_256,
            DigestAlgorithm.SHA_256_SESS,
            DigestAlgorithm.SHA_256,
            DigestAlgorithm.MD5_SESS,
            DigestAlgorithm.MD5),
        s.algorithms());
    assertEquals(List.of("auth-int", "auth"), s.qops());
    assertEquals(false, s.userhash());
    assertEquals(true, s.legacy());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "realm| | named value 'realm' must be 1 to 251 printable ASCII characters without '\"' or '\\'",
        "realm| a\"b| named value 'realm' must be 1 to 251 printable ASCII characters without '\"' or '\\'",
        "realm| M\u00e9dia| named value 'realm' must be 1 to 251 printable ASCII characters without '\"' or '\\'",
        "algorithms| SHA-1| named value 'algorithms' has 'SHA-1'; use MD5, MD5-sess, SHA-256, SHA-256-sess,"
            + " SHA-512-256, SHA-512-256-sess",
        "algorithms| MD5,md5| named value 'algorithms' names MD5 twice",
        "algorithms| MD5,| named value 'algorithms' has an empty item; write a comma-separated list such as"
            + " SHA-256,MD5",
        "qop| auth-conf| named value 'qop' has 'auth-conf'; use auth, auth-int",
        "qop| auth,auth| named value 'qop' names auth twice",
        "userhash| yes| named value 'userhash' must be \"true\" or \"false\"",
        "nonceLifetimeSeconds| 0| named value 'nonceLifetimeSeconds' must be a whole number of seconds from 1 to 86400",
        "nonceLifetimeSeconds| 5m| named value 'nonceLifetimeSeconds' must be a whole number of seconds from 1 to"
            + " 86400",
        "algorithm| MD5| named value 'algorithm' is not a setting of this plug-in; the settings are realm, algorithms,"
            + " qop, userhash, legacy, nonceLifetimeSeconds",
      })
  void wrongValuesFailInitializeWithTheFix(String name, String value, String message) {
    PluginException e =
        assertThrows(
            PluginException.class,
            () ->
                new DigestAuthenticationPlugin()
                    .initialize(
                        new FakeServer(data), FakeServer.values(name, value == null ? "" : value)));
    assertEquals(HResult.E_INVALIDARG, e.hresult());
    assertEquals(
        message + "; fix plugins.settings.digest.properties." + name + " in host.json",
        e.getMessage());
  }

  @Test
  void theRealmLimitIsTheWmsOne() {
    DigestSettings.from(FakeServer.values("realm", "r".repeat(251)));
    assertThrows(
        PluginException.class,
        () -> DigestSettings.from(FakeServer.values("realm", "r".repeat(252))));
  }

  @Test
  void enableFailsWhenTheHostKeepsNoSecretsForTheRealm() {
    DigestAuthenticationPlugin plugin = new DigestAuthenticationPlugin();
    assertEquals(
        HResult.S_OK,
        plugin.initialize(new FakeServer(data), FakeServer.values("realm", "Elsewhere")));
    PluginException e =
        assertThrows(PluginException.class, () -> plugin.enable(new Out<>(Duration.ZERO)));
    assertEquals(HResult.E_INVALIDARG, e.hresult());
    assertEquals("realm", assertInstanceOf(NamedValueException.class, e).name());
    assertEquals(
        "the host keeps no Digest secrets for realm 'Elsewhere' (SHA-256): add it to accounts.digestRealms"
            + " in host.json and set the users' passwords again, or set plugins.settings.digest.properties.realm to one"
            + " of accounts.digestRealms",
        e.getMessage());
  }

  @Test
  void enableFailsWhenTheKeyCannotBeKept() throws Exception {
    Path notAFolder = Files.writeString(data.resolve("file"), "x");
    DigestAuthenticationPlugin plugin = new DigestAuthenticationPlugin();
    assertEquals(HResult.S_OK, plugin.initialize(new FakeServer(notAFolder), FakeServer.values()));
    PluginException e =
        assertThrows(PluginException.class, () -> plugin.enable(new Out<>(Duration.ZERO)));
    assertEquals(HResult.E_FAIL, e.hresult());
    assertEquals(
        true,
        e.getMessage().startsWith("cannot read or create the nonce key nonce.key in " + notAFolder),
        e.getMessage());
    assertEquals(
        true,
        e.getMessage().endsWith("; fix it, then run: authhost plugins enable digest"),
        e.getMessage());
  }
}
