package org.authhost.plugins.negotiate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.UserContext;

/**
 * Drives the plug-in as the host does for a connection-bound protocol: initialize, enable, one
 * context per connection, every leg to it. Kerberos is a scripted fake: no KDC here.
 */
final class PluginHarness {
  final FakeServer server = new FakeServer();
  final NegotiateAuthenticationPlugin plugin;

  /** The tokens the fake Kerberos acceptor was given, per handshake. */
  final List<List<byte[]>> kerberosTokens = new ArrayList<>();

  /** What the fake Kerberos acceptor answers to a token. */
  Function<byte[], Step> kerberos = t -> new Step.Refused("no script");

  int disposedHandshakes;

  /** How often the acceptor was disposed (disable, shutdown). */
  int disposedAcceptors;

  /** The server's clock, so the plug-in's and its NTLM's, which the test moves. */
  final MovableClock clock = new MovableClock();

  /** Whether enable asked the acceptor to make the JDK re-read its krb5.conf. */
  boolean refreshedConfig;

  /** What one Authenticate call produced. */
  record Answer(AuthenticationResult result, String blob, HResult hr) {
    byte[] token() {
      return blob == null ? null : Base64.getDecoder().decode(blob);
    }
  }

  PluginHarness(NtlmPort ntlm, String... namedValues) {
    this(false, ntlm, namedValues);
  }

  /** With the bundled NTLM mechanism itself (allowNtlm=true). */
  static PluginHarness withRealNtlm(String... namedValues) {
    return new PluginHarness(true, null, namedValues);
  }

  private PluginHarness(boolean realNtlm, NtlmPort ntlm, String... namedValues) {
    plugin =
        new NegotiateAuthenticationPlugin(
            (settings, refresh) -> {
              refreshedConfig = refresh;
              return fakeAcceptor();
            },
            null);
    // The plug-in and its bundled NTLM both take the host's clock, as in the host.
    server.clock = clock;
    List<String> values =
        new ArrayList<>(
            List.of(
                "servicePrincipal",
                "HTTP/localhost@TEST.LOCAL",
                "keytab",
                "/k",
                "allowNtlm",
                Boolean.toString(realNtlm)));
    values.addAll(List.of(namedValues));
    assertEquals(
        HResult.S_OK, plugin.initialize(server, FakeServer.values(values.toArray(String[]::new))));
    if (ntlm != null) {
      plugin.useNtlm(ntlm);
    }
    assertEquals(HResult.S_OK, plugin.enable(new Out<>(Duration.ZERO)));
  }

  private GssAcceptor fakeAcceptor() {
    boolean[] disposed = {false};
    return new GssAcceptor() {
      @Override
      public Handshake newHandshake() {
        List<byte[]> seen = new ArrayList<>();
        kerberosTokens.add(seen);
        return new Handshake() {
          @Override
          public Step accept(byte[] token) {
            seen.add(token);
            // As JdkGssAcceptor does once its credential is gone.
            return disposed[0]
                ? new Step.Unavailable("the plug-in was disabled")
                : kerberos.apply(token);
          }

          @Override
          public void dispose() {
            disposedHandshakes++;
          }
        };
      }

      @Override
      public void dispose() {
        disposed[0] = true;
        disposedAcceptors++;
      }
    };
  }

  /** A clock that stands still until moved. */
  static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2024-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  AuthenticationContext connection() {
    Out<AuthenticationContext> out = new Out<>();
    assertEquals(HResult.S_OK, plugin.createAuthenticationContext(out));
    return out.get();
  }

  /** One leg with the raw token (null: the empty first leg). */
  Answer send(AuthenticationContext context, byte[] token) {
    return sendText(context, token == null ? "" : Base64.getEncoder().encodeToString(token));
  }

  /** One leg with the Authorization value after the scheme, as text. */
  Answer sendText(AuthenticationContext context, String value) {
    AtomicInteger calls = new AtomicInteger();
    Object marker = new Object();
    Answer[] answer = new Answer[1];
    HResult hr =
        context.authenticate(
            value.getBytes(StandardCharsets.ISO_8859_1),
            user,
            null,
            null,
            (result, challenge, ctx) -> {
              calls.incrementAndGet();
              assertEquals(marker, ctx, "the context value comes back unchanged");
              answer[0] =
                  new Answer(
                      result,
                      challenge == null ? null : new String(challenge, StandardCharsets.ISO_8859_1),
                      null);
              return HResult.S_OK;
            },
            marker);
    assertEquals(1, calls.get(), "the callback runs exactly once");
    assertNotNull(answer[0]);
    return new Answer(answer[0].result(), answer[0].blob(), hr);
  }

  /** The INFORMATION events (refusals) so far. */
  List<String> refusals() {
    return server.texts(EventLevel.INFORMATION);
  }

  final TestUser user = new TestUser();

  /** The user context of the connection: records the name the plug-in sets. */
  static final class TestUser implements UserContext {
    String name;

    @Override
    public Optional<String> userAgent() {
      return Optional.of("test");
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
      return "192.0.2.7";
    }

    @Override
    public int port() {
      return 50000;
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
}
