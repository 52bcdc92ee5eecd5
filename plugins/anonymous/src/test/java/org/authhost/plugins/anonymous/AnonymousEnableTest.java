package org.authhost.plugins.anonymous;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.authhost.api.AccessToken;
import org.authhost.api.CredentialService;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;
import org.authhost.api.Sid;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.junit.jupiter.api.Test;

/**
 * The enable's check of the guest account's groups, on a fake host: a guest account whose token
 * cannot be read, or holds Administrators, is refused (fail closed), an ordinary one enables.
 */
class AnonymousEnableTest {
  private static final TokenHandle HANDLE = new TokenHandle(7);

  @Test
  void anOrdinaryGuestAccountEnables() {
    assertEquals(HResult.S_OK, enableWith(HResult.S_OK, List.of(Sid.EVERYONE, Sid.GUESTS)));
  }

  @Test
  void aGuestAccountInAdministratorsIsRefused() {
    assertEquals(
        HResult.NS_E_PLUGIN_ERROR_REPORTED,
        enableWith(HResult.S_OK, List.of(Sid.EVERYONE, Sid.ADMINISTRATORS)));
  }

  @Test
  void aTokenThatCannotBeReadIsRefusedNotTrusted() {
    assertEquals(HResult.SEC_E_INVALID_HANDLE, enableWith(HResult.SEC_E_INVALID_HANDLE, List.of()));
  }

  /** Initializes and enables the plug-in on a host whose queryToken answers {@code query}. */
  private static HResult enableWith(HResult query, List<Sid> groups) {
    AnonymousPlugin plugin = new AnonymousPlugin();
    assertEquals(HResult.S_OK, plugin.initialize(server(query, groups), values()));
    return plugin.enable(new Out<Duration>());
  }

  private static NamedValues values() {
    return new NamedValues() {
      @Override
      public String pluginId() {
        return "anonymous";
      }

      @Override
      public Optional<String> get(String name) {
        return Optional.empty();
      }

      @Override
      public Map<String, String> asMap() {
        return Map.of();
      }
    };
  }

  private static ServerContext server(HResult query, List<Sid> groups) {
    TokenService tokens =
        new TokenService() {
          @Override
          public HResult logonUser(
              String account, String authenticationPackage, Out<TokenHandle> t) {
            t.set(HANDLE);
            return HResult.S_OK;
          }

          @Override
          public HResult logonUser(
              String account, String password, String authenticationPackage, Out<TokenHandle> t) {
            return HResult.E_LOGON_FAILURE;
          }

          @Override
          public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
            if (query.succeeded()) {
              token.set(
                  new AccessToken(
                      new Sid("S-1-5-21-1-2-3-1001"), groups, "TEST\\iusr", "Test", Instant.EPOCH));
            }
            return query;
          }

          @Override
          public HResult closeHandle(TokenHandle handle) {
            return HResult.S_OK;
          }
        };
    EventLog events = (values, level, code, text) -> HResult.S_OK;
    return new ServerContext() {
      @Override
      public String serverName() {
        return "test";
      }

      @Override
      public String hostVersion() {
        return "0";
      }

      @Override
      public EventLog eventLog() {
        return events;
      }

      @Override
      public TokenService tokenService() {
        return tokens;
      }

      @Override
      public boolean isShuttingDown() {
        return false;
      }

      @Override
      public CredentialService credentials() {
        return null;
      }

      @Override
      public Path dataDirectory() {
        return Path.of(".");
      }

      @Override
      public String guestAccount() {
        return "iusr";
      }
    };
  }
}
