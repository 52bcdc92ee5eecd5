package org.authhost.host.tokens;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.authhost.api.AccessToken;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PrincipalLogon;
import org.authhost.api.Sid;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;

/**
 * The host's handle table for access tokens, and the token service plug-ins call.
 *
 * <p>Handles start at a random base and only grow, so a handle is never reused within a host's life
 * and a stale one can never name somebody else's token: every use of a closed or unknown handle
 * answers {@code SEC_E_INVALID_HANDLE}, as {@code SpGetContextTokenFn} requires.
 */
@Singleton
public final class TokenTable implements TokenService {
  private final AccountDirectory accounts;
  private final PasswordCheck passwords;
  private final Clock clock;

  /** The owner: the plug-in whose token service issued it, or {@link #HOST}. */
  /**
   * @param unmapped group names a principal's logon gave that are no local group, for the audit
   */
  private record Issued(AccessToken token, String owner, List<String> unmapped) {
    Issued(AccessToken token, String owner) {
      this(token, owner, List.of());
    }
  }

  /** The owner of handles the host issues itself. */
  static final String HOST = "";

  private final ConcurrentHashMap<Long, Issued> open = new ConcurrentHashMap<>();
  private final Object closedSignal = new Object();
  private final AtomicLong next;

  /** A table whose accounts cannot log on with a password (tests of the handle rules). */
  public TokenTable(AccountDirectory accounts, Clock clock) {
    this(accounts, (account, password) -> false, clock);
  }

  @Inject
  public TokenTable(AccountDirectory accounts, PasswordCheck passwords, Clock clock) {
    this.accounts = accounts;
    this.passwords = passwords;
    this.clock = clock;
    // Multiples of 4, like Windows handles, from a random 32-bit base.
    this.next = new AtomicLong((new SecureRandom().nextInt() & 0x3FFF_FFFFL) << 2);
  }

  @Override
  public HResult logonUser(
      String accountName, String authenticationPackage, Out<TokenHandle> token) {
    return issue(HOST, accountName, authenticationPackage, token);
  }

  @Override
  public HResult logonUser(
      String accountName, String authenticationPackage, Instant expiresAt, Out<TokenHandle> token) {
    return issueUntil(HOST, accountName, authenticationPackage, expiresAt, token);
  }

  @Override
  public HResult logonUser(
      String accountName, String password, String authenticationPackage, Out<TokenHandle> token) {
    return issueWithPassword(HOST, accountName, password, authenticationPackage, token);
  }

  private HResult issueWithPassword(
      String owner,
      String accountName,
      String password,
      String authenticationPackage,
      Out<TokenHandle> token) {
    if (accountName == null || password == null) {
      return HResult.E_LOGON_FAILURE;
    }
    return switch (passwords.check(accountName, password)) {
      case MATCH -> {
        LogonCaller.passwordChecked(accountName);
        yield issue(owner, accountName, authenticationPackage, token);
      }
      case BUSY -> {
        LogonCaller.refusedAsBusy();
        yield HResult.NS_E_NO_NEW_CONNECTIONS;
      }
      case MISMATCH -> {
        LogonCaller.passwordChecked(accountName);
        yield HResult.E_LOGON_FAILURE;
      }
    };
  }

  private HResult issue(
      String owner, String accountName, String authenticationPackage, Out<TokenHandle> token) {
    return issueUntil(owner, accountName, authenticationPackage, Instant.MAX, token);
  }

  /** An account's token that ends at {@code expiresAt} (its proof's end), MAX for none. */
  private HResult issueUntil(
      String owner,
      String accountName,
      String authenticationPackage,
      Instant expiresAt,
      Out<TokenHandle> token) {
    if (accountName == null
        || authenticationPackage == null
        || expiresAt == null
        || token == null) {
      return HResult.E_INVALIDARG;
    }
    Instant now = clock.instant();
    if (!now.isBefore(expiresAt)) {
      return HResult.SEC_E_CONTEXT_EXPIRED;
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
    open.put(
        handle,
        new Issued(
            new AccessToken(
                account.sid(),
                groups,
                account.qualifiedName(),
                authenticationPackage,
                now,
                account.qualifiedName(),
                expiresAt),
            owner));
    token.set(new TokenHandle(handle));
    return HResult.S_OK;
  }

  @Override
  public HResult logonPrincipal(
      PrincipalLogon logon, String authenticationPackage, Out<TokenHandle> token) {
    return issueForPrincipal(HOST, logon, authenticationPackage, token);
  }

  /**
   * A token for a principal without a local account: its user SID is derived from the owner, the
   * issuer and the subject (stable, and in an authority no local account uses), its groups are
   * Everyone, Authenticated Users and the named local groups that exist.
   */
  private HResult issueForPrincipal(
      String owner, PrincipalLogon logon, String authenticationPackage, Out<TokenHandle> token) {
    if (logon == null || authenticationPackage == null || token == null) {
      return HResult.E_INVALIDARG;
    }
    Instant now = clock.instant();
    if (!now.isBefore(logon.expiresAt())) {
      return HResult.SEC_E_CONTEXT_EXPIRED;
    }
    List<Sid> groups = new ArrayList<>();
    groups.add(Sid.EVERYONE);
    groups.add(Sid.AUTHENTICATED_USERS);
    List<String> unmapped = new ArrayList<>();
    for (String name : logon.groups()) {
      // A provider's claims may name groups this host does not have: they grant nothing here, and
      // the audit of the logon lists them, so that an operator sees a mapping's typo.
      Optional<Sid> group = accounts.findGroupSid(name);
      if (group.isEmpty()) {
        if (!unmapped.contains(name)) {
          unmapped.add(name);
        }
        continue;
      }
      if (group.get().equals(Sid.ADMINISTRATORS)) {
        // A proof from another party never makes an administrator of this host: the operator's
        // own accounts do that.
        return HResult.E_ACCESSDENIED;
      }
      if (!groups.contains(group.get())) {
        groups.add(group.get());
      }
    }
    long handle = next.addAndGet(4);
    open.put(
        handle,
        new Issued(
            new AccessToken(
                PrincipalSids.of(owner, logon.issuer(), logon.subject()),
                groups,
                // Qualified by the plug-in, so that it never reads as a local account's name (the
                // audit and the lockout key accounts by name). Unambiguous: a plug-in id holds no
                // ':' and an issuer no '|' (PrincipalLogon refuses it), so each part ends at the
                // first of its separator.
                owner + ":" + logon.issuer() + "|" + logon.subject(),
                authenticationPackage,
                now,
                logon.displayName(),
                logon.expiresAt()),
            owner,
            List.copyOf(unmapped)));
    token.set(new TokenHandle(handle));
    return HResult.S_OK;
  }

  /**
   * {@code issued} as the host would issue it now, for reauthorizing a logon without asking its
   * plug-in again: a local account's token with the account's current groups, empty once the
   * account is disabled or deleted (or its name now belongs to another SID), ending when it did
   * (its proof's end, {@code logonUser} with {@code expiresAt}); a principal's token (a proof from
   * another party, {@code logonPrincipal}) as it was, its groups being that party's word and its
   * end its {@code expiresAt}. A map look-up, no password check.
   */
  public Optional<AccessToken> asNow(AccessToken issued) {
    if (issued.user().value().startsWith(PrincipalSids.AUTHORITY)) {
      return Optional.of(issued);
    }
    Optional<Account> found = accounts.find(issued.accountName());
    if (found.isEmpty() || found.get().disabled() || !found.get().sid().equals(issued.user())) {
      return Optional.empty();
    }
    Account account = found.get();
    if (issued.groups().size() == account.groups().size() + 1
        && issued.groups().containsAll(account.groups())) {
      return Optional.of(issued);
    }
    List<Sid> groups = new ArrayList<>(account.groups().size() + 1);
    groups.add(Sid.EVERYONE);
    groups.addAll(account.groups());
    return Optional.of(
        new AccessToken(
            account.sid(),
            groups,
            account.qualifiedName(),
            issued.authenticationPackage(),
            issued.logonTime(),
            account.qualifiedName(),
            // The proof it was issued on ends when it did, whatever the account's groups are now.
            issued.expiresAt()));
  }

  /** The host's view: any open handle. */
  @Override
  public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
    return queryToken(null, handle, token);
  }

  /**
   * What a handle stands for, if {@code owner} issued it; for any other owner the handle does not
   * exist (SEC_E_INVALID_HANDLE), so one plug-in cannot read or close another's tokens.
   *
   * @param owner a plug-in id, or null for the host, which sees every handle
   */
  public HResult queryToken(String owner, TokenHandle handle, Out<AccessToken> token) {
    Issued found = handle == null ? null : open.get(handle.value());
    if (found == null || (owner != null && !owner.equals(found.owner()))) {
      return HResult.SEC_E_INVALID_HANDLE;
    }
    if (token == null) {
      return HResult.E_POINTER;
    }
    token.set(found.token());
    return HResult.S_OK;
  }

  @Override
  public HResult closeHandle(TokenHandle handle) {
    return closeHandle(null, handle);
  }

  /**
   * The group names a principal's logon gave that named no local group (they granted nothing);
   * empty for any other token or a closed handle.
   */
  public List<String> unmappedGroups(TokenHandle handle) {
    Issued found = handle == null ? null : open.get(handle.value());
    return found == null ? List.of() : found.unmapped();
  }

  private HResult closeHandle(String owner, TokenHandle handle) {
    if (handle == null) {
      return HResult.SEC_E_INVALID_HANDLE;
    }
    Issued found = open.get(handle.value());
    if (found == null || (owner != null && !owner.equals(found.owner()))) {
      return HResult.SEC_E_INVALID_HANDLE;
    }
    if (!open.remove(handle.value(), found)) {
      return HResult.SEC_E_INVALID_HANDLE;
    }
    handlesClosed();
    return HResult.S_OK;
  }

  /** The token service one plug-in sees: it issues handles it owns and can use no others. */
  public TokenService serviceFor(String pluginId) {
    return new TokenService() {
      @Override
      public HResult logonUser(
          String accountName, String authenticationPackage, Out<TokenHandle> token) {
        return TokenTable.this.issue(pluginId, accountName, authenticationPackage, token);
      }

      @Override
      public HResult logonUser(
          String accountName,
          String authenticationPackage,
          Instant expiresAt,
          Out<TokenHandle> token) {
        return TokenTable.this.issueUntil(
            pluginId, accountName, authenticationPackage, expiresAt, token);
      }

      @Override
      public HResult logonUser(
          String accountName,
          String password,
          String authenticationPackage,
          Out<TokenHandle> token) {
        return TokenTable.this.issueWithPassword(
            pluginId, accountName, password, authenticationPackage, token);
      }

      @Override
      public HResult logonPrincipal(
          PrincipalLogon logon, String authenticationPackage, Out<TokenHandle> token) {
        return TokenTable.this.issueForPrincipal(pluginId, logon, authenticationPackage, token);
      }

      @Override
      public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
        return TokenTable.this.queryToken(pluginId, handle, token);
      }

      @Override
      public HResult closeHandle(TokenHandle handle) {
        return TokenTable.this.closeHandle(pluginId, handle);
      }
    };
  }

  /** Closes every handle a plug-in still holds, when it is unloaded; returns how many. */
  public int closeAllOwnedBy(String pluginId) {
    int[] closed = {0};
    open.entrySet()
        .removeIf(
            e -> {
              boolean owned = e.getValue().owner().equals(pluginId);
              if (owned) {
                closed[0]++;
              }
              return owned;
            });
    if (closed[0] > 0) {
      handlesClosed();
    }
    return closed[0];
  }

  private void handlesClosed() {
    synchronized (closedSignal) {
      closedSignal.notifyAll();
    }
  }

  /**
   * Waits until {@code handle} is closed, woken by the close itself rather than by polling: for
   * tests of what closes a handle on another thread (a connection's end releasing its context).
   *
   * @return whether it was closed within {@code timeout}
   */
  public boolean awaitClosed(TokenHandle handle, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (closedSignal) {
      while (isOpen(handle)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(closedSignal, left);
      }
      return true;
    }
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
   * @throws ExpiredTokenException for a token past its {@code expiresAt} on the host's clock
   */
  public Impersonation impersonate(TokenHandle handle) {
    Issued issued = handle == null ? null : open.get(handle.value());
    if (issued == null) {
      throw new InvalidHandleException(handle);
    }
    if (issued.token().hasExpired(clock.instant())) {
      // The proof behind it has ended (a principal's exp): nothing is authorized with it any more,
      // however long the context that owns it lives.
      throw new ExpiredTokenException(handle, issued.token());
    }
    return Impersonation.begin(issued.token());
  }
}
