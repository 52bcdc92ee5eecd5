package org.authhost.plugins.bearer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.api.Out;

/** One {@code authenticate} through a fresh context, with what the callback was told. */
record Exchange(HResult hr, List<AuthenticationResult> results, boolean benign, String challenge) {
  static Exchange run(BearerPlugin plugin, byte[] blob, FakeServer.Client client) {
    Out<AuthenticationContext> out = new Out<>();
    plugin.createAuthenticationContext(out);
    AuthenticationContext context = out.get();
    List<AuthenticationResult> results = new CopyOnWriteArrayList<>();
    CountDownLatch called = new CountDownLatch(1);
    boolean[] benign = {false};
    String[] challenge = {null}; // written before the latch counts down, read after
    Object marker = new Object();
    AuthenticationCallback callback =
        new AuthenticationCallback() {
          @Override
          public HResult onAuthenticateComplete(
              AuthenticationResult result, byte[] blob, Object ctx) {
            challenge[0] = blob == null ? null : new String(blob, StandardCharsets.ISO_8859_1);
            results.add(result);
            called.countDown();
            return ctx == marker ? HResult.S_OK : HResult.E_INVALIDARG;
          }

          @Override
          public HResult onAuthenticateRefused(byte[] blob, Object ctx) {
            benign[0] = true;
            return onAuthenticateComplete(AuthenticationResult.DENIED, blob, ctx);
          }
        };
    try {
      HResult hr = context.authenticate(blob, client, null, null, callback, marker);
      // The plug-in answers from its fetch thread when it had to fetch keys first.
      if (!called.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("no callback within 10 s");
      }
      return new Exchange(hr, List.copyOf(results), benign[0], challenge[0]);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      context.release();
    }
  }

  static Exchange run(BearerPlugin plugin, String token) {
    return run(plugin, token.getBytes(StandardCharsets.ISO_8859_1), new FakeServer.Client());
  }

  AuthenticationResult result() {
    return results.get(0);
  }
}
