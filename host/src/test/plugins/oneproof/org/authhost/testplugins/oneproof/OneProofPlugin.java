package org.authhost.testplugins.oneproof;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.UserContext;
import org.authhost.testplugins.TestPlugin;

/**
 * A {@code REVERIFYING_CONTEXT} (API 1.7) plug-in with one-time proofs, as the trial's toy-proof: a
 * blob {@code user:nonce} is a proof for {@code user} that a replay check ({@code
 * StateService.claim}) accepts once. A kept context answers a proof of the account it holds with
 * the token it holds, another account's with that account's logon. Its {@code broken} property
 * switches on one fault: {@code other} answers another account with the held token; {@code relogon}
 * checks no replay and logs on again for every proof; {@code refuses} checks no replay (its proofs
 * are reusable) and, holding a token, refuses every later proof; {@code first} logs every proof on
 * as the first account it ever logged on (while reporting the proof's). Its {@code challenge}
 * property set to {@code nonce} makes it a server-nonce protocol, as the trial's toy-proof was: an
 * empty leg is answered {@code CONTINUE} with {@code nonce=N}, and only {@code user:N} for a nonce
 * it issued is a proof, which no fixed response can be.
 */
public final class OneProofPlugin extends TestPlugin {
  private volatile String firstAccount;
  private final java.util.Set<String> issued = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @Override
  public HResult getFlags(Out<Integer> flags) {
    flags.set(AuthenticationFlags.TEXT_CHALLENGE | AuthenticationFlags.REVERIFYING_CONTEXT);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    context.set(new ProofContext());
    return HResult.S_OK;
  }

  private boolean serverNonce() {
    return values.get("challenge", "").equals("nonce");
  }

  private String broken() {
    return values.get("broken", "");
  }

  private final class ProofContext extends UnnamedContext {
    private String held;

    @Override
    public HResult authenticate(
        byte[] blob,
        UserContext user,
        PresentationContext presentation,
        CommandContext command,
        AuthenticationCallback callback,
        Object context) {
      String proof = new String(blob, StandardCharsets.ISO_8859_1);
      if (serverNonce() && blob.length == 0) {
        String nonce = java.util.UUID.randomUUID().toString();
        issued.add(nonce);
        callback.onAuthenticateComplete(
            AuthenticationResult.CONTINUE,
            ("nonce=" + nonce).getBytes(StandardCharsets.ISO_8859_1),
            context);
        return HResult.S_OK;
      }
      int colon = proof.indexOf(':');
      if (colon <= 0
          || colon == proof.length() - 1
          || (serverNonce() && !issued.contains(proof.substring(colon + 1)))) {
        callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
        return HResult.S_OK;
      }
      String account = proof.substring(0, colon);
      if (token != null && broken().equals("refuses")) {
        callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
        return HResult.S_OK;
      }
      if (!broken().equals("relogon") && !broken().equals("refuses")) {
        Out<Boolean> first = new Out<>();
        HResult hr = server.state().claim("n/" + proof, Duration.ofMinutes(5), first);
        if (hr.failed() || !Boolean.TRUE.equals(first.get())) {
          callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
          return HResult.S_OK;
        }
      }
      user.setUserName(account);
      boolean keep =
          token != null
              && !broken().equals("relogon")
              && (account.equals(held) || broken().equals("other"));
      if (!keep) {
        if (firstAccount == null) {
          firstAccount = account;
        }
        String logon = broken().equals("first") ? firstAccount : account;
        Out<TokenHandle> issued = new Out<>();
        if (server.tokenService().logonUser(logon, "Test", issued).failed()) {
          callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
          return HResult.S_OK;
        }
        if (token != null) {
          server.tokenService().closeHandle(token);
        }
        token = issued.get();
        held = account;
      }
      callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, context);
      return HResult.S_OK;
    }
  }
}
