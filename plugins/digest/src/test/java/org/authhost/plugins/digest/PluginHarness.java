package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;

/** Drives the plug-in as the host does: initialize, enable, one context per request. */
final class PluginHarness {
  final FakeServer server;
  final FakeServer.TestClock clock;
  final DigestAuthenticationPlugin plugin;

  /** What one Authenticate call produced. */
  record Answer(
      AuthenticationResult result, String blob, HResult hr, AuthenticationContext context) {
    List<String> lines() {
      return blob == null ? List.of() : Arrays.asList(blob.split("\n"));
    }

    boolean stale() {
      return lines().stream()
              .allMatch(l -> l.matches("realm=\"[^\"]*\", nonce=\"[^\"]*\", stale=true, .*"))
          && !lines().isEmpty();
    }
  }

  PluginHarness(Path data, String... namedValues) {
    this(new FakeServer(data), namedValues);
  }

  /**
   * A plug-in object on {@code server}: a second harness on the same server is a new version of the
   * plug-in on the same host (the same state service, clock and data folder).
   */
  PluginHarness(FakeServer server, String... namedValues) {
    this.server = server;
    this.clock = server.clock;
    this.plugin = new DigestAuthenticationPlugin(clock, new SecureRandom());
    assertEquals(HResult.S_OK, plugin.initialize(server, FakeServer.values(namedValues)));
    assertEquals(HResult.S_OK, plugin.enable(new Out<>(Duration.ZERO)));
  }

  /**
   * One Authenticate on a new context; {@code header == null} is the first leg. The context stays
   * open.
   */
  Answer send(String header, FakeRequest request) {
    Out<AuthenticationContext> out = new Out<>();
    assertEquals(HResult.S_OK, plugin.createAuthenticationContext(out));
    return again(out.get(), header, request);
  }

  /**
   * One Authenticate on {@code context}, as the host asks a context it keeps for a connection
   * (REVERIFYING_CONTEXT) with the connection's next request. The context stays open.
   */
  Answer again(AuthenticationContext context, String header, FakeRequest request) {
    AtomicInteger calls = new AtomicInteger();
    Object token = new Object();
    Answer[] answer = new Answer[1];
    byte[] blob = header == null ? new byte[0] : header.getBytes(StandardCharsets.ISO_8859_1);
    HResult hr =
        context.authenticate(
            blob,
            request,
            request,
            request,
            (result, challenge, ctx) -> {
              calls.incrementAndGet();
              assertEquals(token, ctx, "the context value comes back unchanged");
              answer[0] =
                  new Answer(
                      result,
                      challenge == null ? null : new String(challenge, StandardCharsets.ISO_8859_1),
                      null,
                      context);
              return HResult.S_OK;
            },
            token);
    assertEquals(1, calls.get(), "the callback runs exactly once");
    assertNotNull(answer[0]);
    return new Answer(answer[0].result(), answer[0].blob(), hr, context);
  }

  /** {@link #send}, then release the context as the host does when the request ends. */
  Answer sendAndRelease(String header, FakeRequest request) {
    Answer a = send(header, request);
    a.context().release();
    return a;
  }

  /** The challenges of a first leg. */
  List<String> challenges() {
    Answer a = sendAndRelease(null, get("/private/a.txt"));
    assertEquals(AuthenticationResult.CONTINUE, a.result());
    return a.lines();
  }

  /** A client for the first challenge with {@code algorithm}. */
  TestClient client(String algorithm, String user, String password) {
    return client(challenges(), algorithm, user, password);
  }

  static TestClient client(
      List<String> challenges, String algorithm, String user, String password) {
    for (String line : challenges) {
      if (line.contains("algorithm=" + algorithm + ",")) {
        return new TestClient(line, user, password);
      }
    }
    throw new AssertionError("no " + algorithm + " challenge in " + challenges);
  }

  static FakeRequest get(String target) {
    return new FakeRequest("GET", target);
  }

  /** The INFORMATION events so far. */
  List<String> information() {
    return server.texts(EventLevel.INFORMATION);
  }
}
