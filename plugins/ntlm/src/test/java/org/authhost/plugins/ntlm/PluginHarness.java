package org.authhost.plugins.ntlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.UserContext;

/**
 * Drives the plug-in as the host does for a connection-bound protocol: initialize, enable, then one
 * context per client connection, which gets every leg of that connection.
 */
final class PluginHarness {
  final FakeServer server;
  final FakeServer.TestClock clock = new FakeServer.TestClock();
  final NtlmAuthenticationPlugin plugin;
  private static final AtomicLong CONNECTIONS = new AtomicLong();

  /** What one Authenticate call produced. */
  record Answer(AuthenticationResult result, String blob, HResult hr) {}

  /** One client connection: its context and its user. */
  final class Connection {
    final AuthenticationContext context;
    final FakeUser user = new FakeUser(CONNECTIONS.incrementAndGet());

    Connection() {
      Out<AuthenticationContext> out = new Out<>();
      assertEquals(HResult.S_OK, plugin.createAuthenticationContext(out));
      context = out.get();
    }

    /**
     * One leg: {@code blob} is the Authorization value after "NTLM ", or "" for the host's own ask.
     */
    Answer send(String blob) {
      AtomicInteger calls = new AtomicInteger();
      Object token = new Object();
      Answer[] answer = new Answer[1];
      HResult hr =
          context.authenticate(
              blob.getBytes(StandardCharsets.ISO_8859_1),
              user,
              null,
              null,
              (result, challenge, ctx) -> {
                calls.incrementAndGet();
                assertEquals(token, ctx, "the context value comes back unchanged");
                answer[0] =
                    new Answer(
                        result,
                        challenge == null
                            ? null
                            : new String(challenge, StandardCharsets.ISO_8859_1),
                        null);
                return HResult.S_OK;
              },
              token);
      assertEquals(1, calls.get(), "the callback runs exactly once");
      assertNotNull(answer[0]);
      return new Answer(answer[0].result(), answer[0].blob(), hr);
    }

    /**
     * NEGOTIATE then AUTHENTICATE (NTLMv2) on this connection, as curl does without a 401 first.
     */
    Answer logOn(NtlmTestClient client) {
      Answer challenge = send(client.negotiateHeader().substring(5));
      assertEquals(AuthenticationResult.CONTINUE, challenge.result());
      return send(client.authenticateHeader(challenge.blob()).substring(5));
    }
  }

  PluginHarness(String... namedValues) {
    this(new FakeServer(), namedValues);
  }

  PluginHarness(FakeServer server, String... namedValues) {
    this(server, new Random(5), namedValues);
  }

  /** With {@code random} for the server challenges (a fixed one makes every CHALLENGE the same). */
  PluginHarness(FakeServer server, Random random, String... namedValues) {
    this.server = server;
    this.plugin = new NtlmAuthenticationPlugin(clock, random);
    assertEquals(HResult.S_OK, plugin.initialize(server, FakeServer.values(namedValues)));
    assertEquals(HResult.S_OK, plugin.enable(new Out<>(Duration.ZERO)));
  }

  Connection connect() {
    return new Connection();
  }

  NtlmTestClient client(String user, String domain, String password) {
    return NtlmTestClient.withPassword(user, domain, password).clock(clock);
  }

  /** The user of one connection. */
  static final class FakeUser implements UserContext {
    private final long connection;
    private volatile String name;

    FakeUser(long connection) {
      this.connection = connection;
    }

    @Override
    public Optional<String> userAgent() {
      return Optional.of("curl/7.88.1");
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
      return 40000 + (int) (connection % 20000);
    }

    @Override
    public String controlProtocol() {
      return "HTTP";
    }

    @Override
    public long connectionId() {
      return connection;
    }
  }
}
