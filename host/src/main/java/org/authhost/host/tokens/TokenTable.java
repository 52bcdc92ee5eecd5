package org.authhost.host.tokens;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.authhost.api.AccessToken;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.Sid;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;

/**
 * The host's handle table for access tokens, and the token service plug-ins call.
 *
 * <p>Handles start at a random base and only grow, so a handle is never reused within a host's
 * life and a stale one can never name somebody else's token: every use of a closed or unknown
 * handle answers {@code SEC_E_INVALID_HANDLE}, as {@code SpGetContextTokenFn} requires.
 */
@Singleton
public final class TokenTable implements TokenService {
  private final AccountDirectory accounts;
  private final Clock clock;
  private final ConcurrentHashMap<Long, AccessToken> open = new ConcurrentHashMap<>();
  private final AtomicLong next;

  @Inject
  public TokenTable(AccountDirectory accounts, Clock clock) {
    this.accounts = accounts;
    this.clock = clock;
    // Multiples of 4, like Windows handles, from a random 32-bit base.
    this.next = new AtomicLong((new SecureRandom().nextInt() & 0x3FFF_FFFFL) << 2);
  }

  @Override
  public HResult logonUser(String accountName, String authenticationPackage, Out<TokenHandle> token) {
    if (accountName == null || authenticationPackage == null || token == null) {
      return HResult.E_INVALIDARG;
    }
    Optional<Account> found = accounts.find(accountName);
    if (found.isEmpty() || found.get().disabled()) {
      return HResult.E_LOGON_FAILURE;
    }
    Account account = found.get();
    List<Sid> groups = new ArrayList<>();
    groups.add(Sid.EVERYONE);
    groups.addAll(account.groups());
    long handle = next.addAndGet(4);
    open.put(handle, new AccessToken(
        account.sid(), groups, account.qualifiedName(), authenticationPackage, clock.instant()));
    token.set(new TokenHandle(handle));
    return HResult.S_OK;
  }

  @Override
  public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
    AccessToken found = handle == null ? null : open.get(handle.value());
    if (found == null) {
      return HResult.SEC_E_INVALID_HANDLE;
    }
    if (token == null) {
      return HResult.E_POINTER;
    }
    token.set(found);
    return HResult.S_OK;
  }

  @Override
  public HResult closeHandle(TokenHandle handle) {
    return handle != null && open.remove(handle.value()) != null
        ? HResult.S_OK
        : HResult.SEC_E_INVALID_HANDLE;
  }

  /** Whether the handle is open. */
  public boolean isOpen(TokenHandle handle) {
    return handle != null && open.containsKey(handle.value());
  }

  /** How many handles are open: a number that must fall back when contexts are released. */
  public int openHandles() {
    return open.size();
  }

  /**
   * {@code ImpersonateSecurityContext}: makes the token the current thread's security context until
   * the returned scope is closed ({@code RevertSecurityContext}), also when the work in it fails.
   *
   * @throws InvalidHandleException for a closed or unknown handle
   */
  public Impersonation impersonate(TokenHandle handle) {
    AccessToken token = handle == null ? null : open.get(handle.value());
    if (token == null) {
      throw new InvalidHandleException(handle);
    }
    return Impersonation.begin(token);
  }
}
