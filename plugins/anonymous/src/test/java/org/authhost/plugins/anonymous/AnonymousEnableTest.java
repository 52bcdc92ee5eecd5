package org.authhost.plugins.anonymous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CredentialService;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;
import org.authhost.api.Sid;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.api.UserContext;
import org.junit.jupiter.api.Test;

/**
 * The enable's check of the guest account, on a fake host: a guest account that cannot log on,
 * whose token cannot be read, or that holds Administrators, is refused (fail closed, the first and
 * last with an ERROR saying what to do), an ordinary one enables; one that stops logging on while
 * the plug-in serves is reported once per episode.
 */
class AnonymousEnableTest {
  private static final TokenHandle HANDLE = new TokenHandle(7);

  /** What the fake host's events and logons are: the test changes {@code logon} as it goes. */
  private static final class Host {
    volatile HResult logon = HResult.S_OK;
    final List<String> events = new CopyOnWriteArrayList<>();
  }

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

  /**
   * A guest account that does not exist (or is disabled) at the enable: WMS's code alone named
   * neither the account nor the setting; the ERROR names both, the fix, and the re-enable.
   */
  @Test
  void aGuestAccountThatCannotLogOnIsRefusedWithAnErrorNamingItAndTheFix() {
    Host host = new Host();
    host.logon = HResult.E_LOGON_FAILURE;
    AnonymousPlugin plugin = new AnonymousPlugin();
    assertEquals(HResult.S_OK, plugin.initialize(server(host, HResult.S_OK, List.of()), values()));
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, plugin.enable(new Out<Duration>()));
    assertEquals(1, host.events.size(), host.events.toString());
    String event = host.events.get(0);
    for (String part :
        List.of(
            "ERROR ",
            "'iusr' (accounts.guestAccount) cannot log on",
            "./authhost accounts add iusr --no-password",
            "./authhost accounts enable iusr",
            "./authhost plugins enable anonymous")) {
      assertTrue(event.contains(part), part + " in " + event);
    }
  }

  @Test
  void thePlugInsOwnAccountPropertyIsNamedWhenItSetsTheAccount() {
    Host host = new Host();
    host.logon = HResult.E_LOGON_FAILURE;
    AnonymousPlugin plugin = new AnonymousPlugin();
    assertEquals(
        HResult.S_OK,
        plugin.initialize(
            server(host, HResult.S_OK, List.of()), values(Map.of("account", "Visitor"))));
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, plugin.enable(new Out<Duration>()));
    assertTrue(
        host.events.get(0).contains("'Visitor' (plugins.settings.anonymous.properties.account)"),
        host.events.toString());
  }

  /**
   * The guest account disabled while the host serves: the refused anonymous clients give one
   * WARNING per episode, not one per request, and its end one INFORMATION.
   */
  @Test
  void aGuestAccountThatStopsLoggingOnWarnsOncePerEpisode() {
    Host host = new Host();
    AnonymousPlugin plugin = new AnonymousPlugin();
    assertEquals(HResult.S_OK, plugin.initialize(server(host, HResult.S_OK, List.of()), values()));
    assertEquals(HResult.S_OK, plugin.enable(new Out<Duration>()));
    assertEquals(AuthenticationResult.SUCCESS, authenticate(plugin));
    assertEquals(List.of(), host.events);

    host.logon = HResult.E_LOGON_FAILURE;
    assertEquals(AuthenticationResult.DENIED, authenticate(plugin));
    assertEquals(AuthenticationResult.DENIED, authenticate(plugin));
    assertEquals(1, host.events.size(), host.events.toString());
    String warning = host.events.get(0);
    for (String part :
        List.of(
            "WARNING ",
            "'iusr' (accounts.guestAccount) cannot log on",
            "./authhost accounts enable iusr",
            "get 401 with the other plug-ins' challenges")) {
      assertTrue(warning.contains(part), part + " in " + warning);
    }

    host.logon = HResult.S_OK;
    assertEquals(AuthenticationResult.SUCCESS, authenticate(plugin));
    assertEquals(AuthenticationResult.SUCCESS, authenticate(plugin));
    assertEquals(2, host.events.size(), host.events.toString());
    assertTrue(host.events.get(1).startsWith("INFORMATION "), host.events.get(1));

    host.logon = HResult.E_LOGON_FAILURE;
    assertEquals(AuthenticationResult.DENIED, authenticate(plugin));
    assertEquals(3, host.events.size(), "a new episode warns again: " + host.events);
  }

  /**
   * One anonymous client's first Authenticate, in a fresh context: the result it completes with.
   */
  private static AuthenticationResult authenticate(AnonymousPlugin plugin) {
    Out<AuthenticationContext> context = new Out<>();
    assertEquals(HResult.S_OK, plugin.createAuthenticationContext(context));
    List<AuthenticationResult> results = new ArrayList<>();
    context
        .get()
        .authenticate(
            new byte[0],
            new User(),
            null,
            null,
            (result, challenge, state) -> {
              results.add(result);
              return HResult.S_OK;
            },
            null);
    context.get().release();
    assertEquals(1, results.size());
    return results.get(0);
  }

  /** The client, as far as the plug-in uses it. */
  private static final class User implements UserContext {
    private String name;

    @Override
    public Optional<String> userAgent() {
      return Optional.empty();
    }

    @Override
    public Optional<String> userName() {
      return Optional.ofNullable(name);
    }

    @Override
    public void setUserName(String userName) {
      name = userName;
    }

    @Override
    public String ipAddress() {
      return "127.0.0.1";
    }

    @Override
    public int port() {
      return 0;
    }

    @Override
    public String controlProtocol() {
      return "HTTP";
    }

    @Override
    public long connectionId() {
      return 1;
    }
  }

  /** Initializes and enables the plug-in on a host whose queryToken answers {@code query}. */
  private static HResult enableWith(HResult query, List<Sid> groups) {
    AnonymousPlugin plugin = new AnonymousPlugin();
    assertEquals(HResult.S_OK, plugin.initialize(server(new Host(), query, groups), values()));
    return plugin.enable(new Out<Duration>());
  }

  private static NamedValues values() {
    return values(Map.of());
  }

  private static NamedValues values(Map<String, String> properties) {
    return new NamedValues() {
      @Override
      public String pluginId() {
        return "anonymous";
      }

      @Override
      public Optional<String> get(String name) {
        return Optional.ofNullable(properties.get(name));
      }

      @Override
      public Map<String, String> asMap() {
        return properties;
      }
    };
  }

  private static ServerContext server(Host host, HResult query, List<Sid> groups) {
    TokenService tokens =
        new TokenService() {
          @Override
          public HResult logonUser(
              String account, String authenticationPackage, Out<TokenHandle> t) {
            if (host.logon.failed()) {
              return host.logon;
            }
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
    EventLog events =
        (values, level, code, text) -> {
          host.events.add(level + " " + text);
          return HResult.S_OK;
        };
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
