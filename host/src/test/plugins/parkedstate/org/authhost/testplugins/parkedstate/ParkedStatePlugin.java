package org.authhost.testplugins.parkedstate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.StateService;
import org.authhost.api.UserContext;
import org.authhost.testplugins.TestPlugin;

/**
 * Digest's replay check reduced to its state: it takes its state service at each enable (as Digest
 * builds its verifier there), and a response {@code Test <key>} claims count 5 in that key's
 * window: the first use succeeds, a replay is refused (benignly, with a new challenge), a store
 * that fails answers busy (503). {@code Test deny:NAME} is a wrong password for the account NAME.
 *
 * <p>What a test puts in the system properties (the one object plug-in and test both see), under
 * the names its properties give: {@code park}, a pair of latches taken by the next request only (it
 * counts down the first once inside, then waits for the second before it claims, as Digest waits in
 * a slow {@code getDigestHa1}); {@code enabled}, a latch counted down at each enable.
 */
public final class ParkedStatePlugin extends TestPlugin {
  private static final byte[] FRESH = "fresh".getBytes(StandardCharsets.ISO_8859_1);

  private volatile StateService state;

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    if (state == null || !"true".equals(values.get("keepView", ""))) {
      state = server.state(); // keepView=true: taken in the first enable and kept (a plug-in bug)
    }
    if (System.getProperties().get(values.get("enabled", "")) instanceof CountDownLatch enabled) {
      enabled.countDown();
    }
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    context.set(new Claiming());
    return HResult.S_OK;
  }

  private final class Claiming extends Context {
    @Override
    public HResult authenticate(
        byte[] blob,
        UserContext user,
        PresentationContext presentation,
        CommandContext command,
        AuthenticationCallback callback,
        Object context) {
      if (blob.length == 0) {
        // The host asks for a challenge.
        callback.onAuthenticateComplete(AuthenticationResult.CONTINUE, FRESH, context);
        return HResult.S_OK;
      }
      StateService mine = state; // what this request's verifier was built with
      if (System.getProperties().remove(values.get("park", "")) instanceof CountDownLatch[] park) {
        park[0].countDown();
        try {
          if (!park[1].await(60, TimeUnit.SECONDS)) {
            return callback.onAuthenticateComplete(AuthenticationResult.ERROR, null, context);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return callback.onAuthenticateComplete(AuthenticationResult.ERROR, null, context);
        }
      }
      String leg = new String(blob, StandardCharsets.ISO_8859_1).strip();
      if (leg.startsWith("deny:")) {
        // A wrong password for the account named.
        user.setUserName(leg.substring(5));
        callback.onAuthenticateComplete(AuthenticationResult.DENIED, FRESH, context);
        return HResult.S_OK;
      }
      String key = "nc/" + leg;
      Out<StateService.WindowClaim> claim = new Out<>();
      HResult hr = mine.claimInWindow(key, 5, 64, Duration.ofMinutes(5), claim);
      if (hr.failed()) {
        callback.onAuthenticateBusy(context);
        return HResult.S_OK;
      }
      if (claim.get() != StateService.WindowClaim.FIRST) {
        callback.onAuthenticateRefused(FRESH, context); // a replay: benign, as Digest's
        return HResult.S_OK;
      }
      return ParkedStatePlugin.this.authenticate(this, callback, context);
    }
  }
}
