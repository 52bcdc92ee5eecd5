package org.authhost.host.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.authhost.api.AccessToken;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.Sid;
import org.authhost.api.TokenHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImpersonationTest {
  @TempDir Path dataDir;

  private TokenTable table;
  private TokenHandle guest;
  private TokenHandle admin;

  @BeforeEach
  void setUp() throws Exception {
    assertEquals(
        Optional.empty(), Impersonation.current(), "no impersonation leaked into this test");
    table =
        new TokenTable(
            BuiltinAccounts.load("authhost", dataDir),
            Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC));
    guest = logon("Guest");
    admin = logon("Administrator");
  }

  @AfterEach
  void noImpersonationLeft() {
    assertEquals(Optional.empty(), Impersonation.current());
  }

  private TokenHandle logon(String name) {
    Out<TokenHandle> out = new Out<>();
    assertEquals(HResult.S_OK, table.logonUser(name, "Test", out));
    return out.get();
  }

  private AccessToken token(TokenHandle handle) {
    Out<AccessToken> out = new Out<>();
    assertEquals(HResult.S_OK, table.queryToken(handle, out));
    return out.get();
  }

  @Test
  void currentIsTheTokenInsideAndEmptyAfter() {
    AccessToken expected = token(guest);
    assertEquals(Optional.empty(), Impersonation.current());
    try (Impersonation scope = table.impersonate(guest)) {
      assertEquals(Optional.of(expected), Impersonation.current());
      assertTrue(Impersonation.current().orElseThrow().hasSid(Sid.GUESTS));
    }
    assertEquals(Optional.empty(), Impersonation.current());
  }

  @Test
  void revertsWhenTheBodyThrows() {
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () -> {
              try (Impersonation scope = table.impersonate(admin)) {
                assertTrue(Impersonation.current().orElseThrow().hasSid(Sid.ADMINISTRATORS));
                throw new IllegalStateException("work failed");
              }
            });
    assertEquals("work failed", thrown.getMessage());
    assertEquals(Optional.empty(), Impersonation.current());
  }

  @Test
  void nestedImpersonationRestoresTheOuterToken() {
    AccessToken outer = token(guest);
    AccessToken inner = token(admin);
    try (Impersonation a = table.impersonate(guest)) {
      assertSame(outer, Impersonation.current().orElseThrow());
      try (Impersonation b = table.impersonate(admin)) {
        assertSame(inner, Impersonation.current().orElseThrow());
      }
      assertSame(outer, Impersonation.current().orElseThrow());
    }
    assertEquals(Optional.empty(), Impersonation.current());
  }

  @Test
  void closingTwiceDoesNotUndoTheOuterScope() {
    AccessToken outer = token(guest);
    try (Impersonation a = table.impersonate(guest)) {
      Impersonation b = table.impersonate(admin);
      b.close();
      b.close();
      assertSame(outer, Impersonation.current().orElseThrow());
    }
  }

  @Test
  void impersonationIsPerThread() throws Exception {
    try (Impersonation scope = table.impersonate(guest)) {
      Optional<AccessToken> seenElsewhere =
          CompletableFuture.supplyAsync(Impersonation::current).get();
      assertEquals(Optional.empty(), seenElsewhere);
      assertTrue(Impersonation.current().isPresent());
    }
  }

  @Test
  void closingOnAnotherThreadThrowsAndLeavesTheScopeOpen() throws Exception {
    AccessToken expected = token(guest);
    Impersonation scope = table.impersonate(guest);
    try {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread other =
          new Thread(
              () -> {
                try {
                  scope.close();
                } catch (Throwable t) {
                  failure.set(t);
                }
              });
      other.start();
      other.join();
      assertInstanceOf(IllegalStateException.class, failure.get());
      assertEquals(Optional.of(expected), Impersonation.current());
    } finally {
      scope.close();
    }
    assertEquals(Optional.empty(), Impersonation.current());
  }

  @Test
  void closingTheHandleDoesNotAlterAnOpenScopeButBlocksNewOnes() {
    AccessToken expected = token(guest);
    try (Impersonation scope = table.impersonate(guest)) {
      assertEquals(HResult.S_OK, table.closeHandle(guest));
      assertEquals(Optional.of(expected), Impersonation.current());
      assertEquals(
          HResult.SEC_E_INVALID_HANDLE,
          assertThrows(InvalidHandleException.class, () -> table.impersonate(guest)).hresult());
      assertEquals(Optional.of(expected), Impersonation.current());
    }
  }
}
