package org.authhost.plugins.digest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.authhost.api.AccessToken;
import org.authhost.api.CredentialService;
import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;
import org.authhost.api.StateService;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;

/**
 * A host for unit tests: the edge of the plug-in, faked with the behaviour the API documents
 * (accounts with passwords, HA1 per realm in UTF-8, handles, an event log that records).
 */
final class FakeServer implements ServerContext {
  /** One logged event. */
  record Event(EventLevel level, HResult code, String text) {}

  final Map<String, String> passwords = new HashMap<>();
  final Set<String> digestRealms = new HashSet<>(Set.of("AuthHost"));
  final List<Event> events = new ArrayList<>();

  /** When set, the credential service throws it, as a broken host service would. */
  RuntimeException credentialsThrow;

  final Set<Long> openHandles = new HashSet<>();

  /** Accounts the token service refuses although the credential service still knows them. */
  final Set<String> logonRefused = new HashSet<>();

  /** When set, the credential service answers this instead of working. */
  HResult credentialsAnswer;

  /** The host's clock, which the state service's expiry follows too. */
  final TestClock clock = new TestClock();

  /** The host's state service (each FakeServer has its own: a new one is a restarted host). */
  final FakeState state = new FakeState(clock);

  private final AtomicLong nextHandle = new AtomicLong(0x100);
  private final Path dataDirectory;

  FakeServer(Path dataDirectory) {
    this.dataDirectory = dataDirectory;
    passwords.put("Mufasa", "Circle of Life");
    passwords.put("J\u00e4s\u00f8n Doe", "Secret, or not?");
  }

  static NamedValues values(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return new NamedValues() {
      @Override
      public String pluginId() {
        return "digest";
      }

      @Override
      public Optional<String> get(String name) {
        return Optional.ofNullable(map.get(name));
      }

      @Override
      public Map<String, String> asMap() {
        return map;
      }
    };
  }

  /** Events at this level, texts only. */
  synchronized List<String> texts(EventLevel level) {
    return events.stream().filter(e -> e.level() == level).map(Event::text).toList();
  }

  @Override
  public String serverName() {
    return "TEST";
  }

  @Override
  public String hostVersion() {
    return "0.0.0";
  }

  @Override
  public EventLog eventLog() {
    return (values, level, code, text) -> {
      synchronized (this) {
        events.add(new Event(level, code, text));
      }
      return HResult.S_OK;
    };
  }

  @Override
  public TokenService tokenService() {
    return new TokenService() {
      @Override
      public HResult logonUser(
          String account, String authenticationPackage, Out<TokenHandle> token) {
        if (!passwords.containsKey(account) || logonRefused.contains(account)) {
          return HResult.E_LOGON_FAILURE;
        }
        long handle = nextHandle.getAndIncrement();
        synchronized (FakeServer.this) {
          openHandles.add(handle);
        }
        token.set(new TokenHandle(handle));
        return HResult.S_OK;
      }

      @Override
      public HResult logonUser(
          String account, String password, String authenticationPackage, Out<TokenHandle> t) {
        return HResult.E_NOTIMPL; // Digest never has the password
      }

      @Override
      public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
        return HResult.E_NOTIMPL;
      }

      @Override
      public HResult closeHandle(TokenHandle handle) {
        synchronized (FakeServer.this) {
          return openHandles.remove(handle.value()) ? HResult.S_OK : HResult.SEC_E_INVALID_HANDLE;
        }
      }
    };
  }

  @Override
  public boolean isShuttingDown() {
    return false;
  }

  @Override
  public CredentialService credentials() {
    return new CredentialService() {
      @Override
      public HResult getDigestHa1(String account, String realm, String algorithm, Out<byte[]> ha1) {
        if (credentialsAnswer != null) {
          return credentialsAnswer;
        }
        if (credentialsThrow != null) {
          throw credentialsThrow;
        }
        DigestAlgorithm a = DigestAlgorithm.forToken(algorithm).orElse(null);
        if (a == null || a.session() || !digestRealms.contains(realm)) {
          return HResult.E_INVALIDARG;
        }
        String password = passwords.get(account);
        if (password == null) {
          return HResult.E_LOGON_FAILURE;
        }
        ha1.set(
            HexFormat.of()
                .parseHex(
                    a.hash(
                        (account + ":" + realm + ":" + password)
                            .getBytes(StandardCharsets.UTF_8))));
        return HResult.S_OK;
      }

      @Override
      public HResult keepsDigestSecrets(String realm, String algorithm) {
        if (credentialsAnswer != null) {
          return credentialsAnswer;
        }
        if (credentialsThrow != null) {
          throw credentialsThrow;
        }
        return digestRealms.contains(realm) ? HResult.S_OK : HResult.S_FALSE;
      }

      @Override
      public HResult findUserByHash(
          String realm, String algorithm, String userhash, Out<String> accountName) {
        if (credentialsAnswer != null) {
          return credentialsAnswer;
        }
        if (credentialsThrow != null) {
          throw credentialsThrow;
        }
        DigestAlgorithm a = DigestAlgorithm.forToken(algorithm).orElseThrow();
        for (String name : passwords.keySet()) {
          if (a.hash((name + ":" + realm).getBytes(StandardCharsets.UTF_8)).equals(userhash)) {
            accountName.set(name);
            return HResult.S_OK;
          }
        }
        return HResult.E_LOGON_FAILURE;
      }

      @Override
      public HResult getNtHash(String accountName, Out<byte[]> ntHash) {
        return HResult.E_NOTIMPL;
      }
    };
  }

  @Override
  public Path dataDirectory() {
    return dataDirectory;
  }

  @Override
  public StateService state() {
    return state;
  }

  /** A clock the test moves by hand. */
  static final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2025-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
