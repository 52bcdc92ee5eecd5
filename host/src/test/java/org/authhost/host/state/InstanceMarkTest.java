package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.authhost.api.StateService.WindowClaim;
import org.authhost.host.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The life mark is the plug-in instance's, taken when it is enabled: after Redis lost its data and
 * the host adopted a new mark, a call of an instance enabled before (a request already inside its
 * verifier, an enable that ran across the reset) is refused, never claimed on the empty window.
 */
class InstanceMarkTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  private static final Duration TTL = Duration.ofMinutes(5);

  private RedisLink link;
  private RedisStateService store;
  private final CountDownLatch lossSeen = new CountDownLatch(1);

  @BeforeEach
  void connect() throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    link =
        new RedisLink(
            RedisStateBehaviourTest.config(REDIS.server().uri(), "mark:"),
            new RedisOutage((level, code, text) -> {}, "test"));
    link.whenReset(lossSeen::countDown);
    link.connect();
    store = new RedisStateService(link, LocalStateService.CapacityAlarm.SILENT, TTL);
  }

  @AfterEach
  void disconnect() {
    link.close();
  }

  /** What {@link HostState} does on a loss: 503 meanwhile, the new mark adopted, then reopened. */
  private void resetAsTheHostDoes() throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    assertEquals(
        HResult.NS_E_NO_NEW_CONNECTIONS,
        store.claim("anything", TTL, new Out<>()),
        "the host's own call finds the loss");
    assertTrue(lossSeen.await(10, TimeUnit.SECONDS));
    assertTrue(store.beginReset());
    link.adoptLife().get(10, TimeUnit.SECONDS);
    store.reopen();
  }

  @Test
  void aRequestInsideAVerifierOfAnInstanceEnabledBeforeTheResetIsRefusedNotClaimedAfresh()
      throws Exception {
    CountDownLatch restartAsked = new CountDownLatch(1);
    InstanceMark before = new InstanceMark(link::life, () -> {}, restartAsked::countDown);
    before.enabling();
    StateService old = store.forInstance(before);
    String lifeBefore = link.life();
    Out<WindowClaim> claim = new Out<>();
    assertEquals(HResult.S_OK, old.claimInWindow("nonce/N", 5, 64, TTL, claim));
    assertEquals(WindowClaim.FIRST, claim.get());

    resetAsTheHostDoes();
    assertFalse(lifeBefore.equals(link.life()), "a new mark was adopted");

    // The captured request (nonce N, nc=5) reaches the emptied window through the old instance.
    claim = new Out<>();
    assertEquals(
        HResult.NS_E_NO_NEW_CONNECTIONS,
        old.claimInWindow("nonce/N", 5, 64, TTL, claim),
        "an instance enabled before the reset never claims on the empty window");
    assertEquals(null, claim.get());
    assertTrue(restartAsked.await(10, TimeUnit.SECONDS), "the host is asked to restart it");

    // Its next enable carries the new mark (in practice with a new epoch: another key).
    before.enabling();
    assertEquals(HResult.S_OK, old.claimInWindow("nonce/M", 1, 64, TTL, claim));
    assertEquals(WindowClaim.FIRST, claim.get());
  }

  @Test
  void aViewPinnedToAnEnableKeepsItsMarkWhenTheResetEnablesTheSameInstanceAgain() throws Exception {
    java.util.concurrent.atomic.AtomicInteger restartsAsked =
        new java.util.concurrent.atomic.AtomicInteger();
    InstanceMark instance = new InstanceMark(link::life, () -> {}, restartsAsked::incrementAndGet);
    instance.enabling();
    StateService verifier = store.forInstance(instance.pinned()); // what the enable built
    StateService latest = store.forInstance(instance);
    Out<WindowClaim> claim = new Out<>();
    assertEquals(HResult.S_OK, verifier.claimInWindow("nonce/N", 5, 64, TTL, claim));

    // The reset disables the same instance and enables it again: a new enable, a new mark.
    resetAsTheHostDoes();
    instance.enabling();

    claim = new Out<>();
    assertEquals(
        HResult.NS_E_NO_NEW_CONNECTIONS,
        verifier.claimInWindow("nonce/N", 5, 64, TTL, claim),
        "a request still inside the earlier enable's verifier is refused");
    assertEquals(null, claim.get());
    assertEquals(
        0, restartsAsked.get(), "the instance itself serves under the new mark: no restart asked");
    assertEquals(HResult.S_OK, latest.claimInWindow("nonce/M", 1, 64, TTL, claim));
    assertEquals(WindowClaim.FIRST, claim.get());
    assertEquals(
        HResult.S_OK,
        store.forInstance(instance.pinned()).claimInWindow("nonce/M", 2, 64, TTL, claim),
        "a view pinned to the new enable serves");
    assertEquals(WindowClaim.FIRST, claim.get());
  }

  @Test
  void whatAnInstanceReadBeforeTheLossIsNotSeededAgainUnderTheNewMark() throws Exception {
    CountDownLatch restartAsked = new CountDownLatch(1);
    InstanceMark before = new InstanceMark(link::life, () -> {}, restartAsked::countDown);
    before.enabling();
    StateService old = store.forInstance(before);
    assertEquals(HResult.S_OK, old.put("key", new byte[] {1}, TTL));
    resetAsTheHostDoes();
    assertEquals(
        HResult.NS_E_NO_NEW_CONNECTIONS,
        old.getOrPut("key", new byte[] {2}, TTL, new Out<>()),
        "what the instance read before the loss is not seeded again under the new mark");
    assertEquals(
        "1", REDIS.server().call("DBSIZE"), "only the new life mark is in the emptied store");
    assertTrue(restartAsked.await(10, TimeUnit.SECONDS));
  }

  @Test
  void anInstanceEnabledBeforeAnyConnectionTakesTheFirstMarkItMeets() throws Exception {
    InstanceMark early = new InstanceMark(() -> null, () -> {}, () -> {});
    early.enabling();
    StateService view = store.forInstance(early);
    Out<Boolean> first = new Out<>();
    assertEquals(HResult.S_OK, view.claim("once", TTL, first));
    assertTrue(first.get());
    assertFalse(early.staleAgainst(link.life()));
  }
}
