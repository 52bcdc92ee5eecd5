package org.authhost.api.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.authhost.api.AccessToken;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.junit.jupiter.api.Test;

class OwnedTokenTest {

  /** A handle table as the host keeps one: issued handles stay open until closed once. */
  static final class HandleTable implements TokenService {
    final Set<TokenHandle> open = new HashSet<>();
    final List<TokenHandle> closed = new ArrayList<>();
    Runnable duringLogon = () -> {};
    long next = 0x100;

    @Override
    public HResult logonUser(String account, String pkg, Out<TokenHandle> token) {
      if (account.equals("nobody")) {
        return HResult.E_LOGON_FAILURE;
      }
      duringLogon.run();
      TokenHandle h = new TokenHandle(next++);
      open.add(h);
      token.set(h);
      return HResult.S_OK;
    }

    @Override
    public HResult logonUser(String account, String password, String pkg, Out<TokenHandle> t) {
      return password.equals("right") ? logonUser(account, pkg, t) : HResult.E_LOGON_FAILURE;
    }

    @Override
    public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
      return HResult.E_NOTIMPL;
    }

    @Override
    public HResult closeHandle(TokenHandle handle) {
      if (!open.remove(handle)) {
        return HResult.SEC_E_INVALID_HANDLE;
      }
      closed.add(handle);
      return HResult.S_OK;
    }
  }

  private final HandleTable table = new HandleTable();
  private final OwnedToken owned = new OwnedToken(table);

  @Test
  void handsOutTheSameHandleEveryTimeWithoutDuplicatingIt() {
    assertEquals(HResult.S_OK, owned.logOn("alice", "pkg"));
    Out<TokenHandle> first = new Out<>();
    Out<TokenHandle> second = new Out<>();
    assertEquals(HResult.S_OK, owned.handOut(first));
    assertEquals(HResult.S_OK, owned.handOut(second));
    assertEquals(first.get(), second.get());
    assertEquals(Set.of(first.get()), table.open, "one handle issued, none duplicated");
  }

  @Test
  void aLogonWithAnEndOnAHostBefore14IsNotImplementedAndNeverDropsTheEnd() {
    // The table implements only the pre-1.4 methods: the default answers, no token without the end.
    java.time.Instant end = java.time.Instant.parse("2030-01-01T00:00:00Z");
    assertEquals(HResult.E_NOTIMPL, owned.logOn("alice", "pkg", end));
    assertFalse(owned.isHeld());
    assertTrue(table.open.isEmpty(), "no token issued without its end");
  }

  @Test
  void aLogonWithAnEndKeepsTheHandleTheHostIssuedWithIt() {
    List<java.time.Instant> ends = new ArrayList<>();
    OwnedToken withEnds =
        new OwnedToken(
            new TokenService() {
              @Override
              public HResult logonUser(String a, String pkg, Out<TokenHandle> t) {
                return HResult.E_FAIL;
              }

              @Override
              public HResult logonUser(
                  String a, String pkg, java.time.Instant expiresAt, Out<TokenHandle> t) {
                ends.add(expiresAt);
                return table.logonUser(a, pkg, t);
              }

              @Override
              public HResult logonUser(String a, String p, String pkg, Out<TokenHandle> t) {
                return HResult.E_FAIL;
              }

              @Override
              public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
                return HResult.E_NOTIMPL;
              }

              @Override
              public HResult closeHandle(TokenHandle handle) {
                return table.closeHandle(handle);
              }
            });
    java.time.Instant end = java.time.Instant.parse("2030-01-01T00:00:00Z");
    assertEquals(HResult.S_OK, withEnds.logOn("alice", "pkg", end));
    assertEquals(List.of(end), ends);
    assertTrue(withEnds.isHeld());
    assertEquals(1, table.open.size());
  }

  @Test
  void beforeALogonThereIsNothingToImpersonate() {
    Out<TokenHandle> out = new Out<>();
    assertEquals(HResult.SEC_E_NO_IMPERSONATION, owned.handOut(out));
    assertFalse(out.isSet());
    assertEquals(HResult.E_LOGON_FAILURE, owned.logOn("nobody", "pkg"));
    assertEquals(HResult.E_LOGON_FAILURE, owned.logOn("alice", "wrong", "pkg"));
    assertEquals(HResult.SEC_E_NO_IMPERSONATION, owned.handOut(out));
    assertTrue(table.open.isEmpty());
  }

  @Test
  void releaseClosesTheHandleOnceAndInvalidatesTheContext() {
    owned.logOn("alice", "right", "pkg");
    Out<TokenHandle> out = new Out<>();
    owned.handOut(out);
    owned.release();
    owned.release();
    assertEquals(List.of(out.get()), table.closed, "closed exactly once");
    assertEquals(HResult.SEC_E_INVALID_HANDLE, owned.handOut(new Out<>()));
    assertTrue(owned.isReleased());
    assertFalse(owned.isHeld());
  }

  @Test
  void aSecondLogonReplacesAndClosesTheFirstHandle() {
    owned.logOn("alice", "pkg");
    Out<TokenHandle> first = new Out<>();
    owned.handOut(first);
    owned.logOn("bob", "pkg");
    Out<TokenHandle> second = new Out<>();
    owned.handOut(second);
    assertEquals(List.of(first.get()), table.closed);
    assertEquals(Set.of(second.get()), table.open);
  }

  @Test
  void aLogonThatCompletesAfterReleaseClosesItsNewHandle() {
    table.duringLogon = owned::release; // the connection closes while the logon runs
    assertEquals(HResult.SEC_E_INVALID_HANDLE, owned.logOn("alice", "pkg"));
    assertTrue(table.open.isEmpty(), "no handle leaks: " + table.open);
    assertEquals(1, table.closed.size());
  }

  @Test
  void adoptingTheHandleItAlreadyHoldsChangesNothing() {
    owned.logOn("alice", "pkg");
    Out<TokenHandle> held = new Out<>();
    owned.handOut(held);
    assertEquals(HResult.S_OK, owned.adopt(held.get()));
    assertEquals(Set.of(held.get()), table.open, "still open, not closed by its own adoption");
    Out<TokenHandle> again = new Out<>();
    assertEquals(HResult.S_OK, owned.handOut(again));
    assertEquals(held.get(), again.get());
  }

  @Test
  void adoptingNothingIsRefused() {
    assertEquals(HResult.E_POINTER, owned.adopt(null));
  }
}
