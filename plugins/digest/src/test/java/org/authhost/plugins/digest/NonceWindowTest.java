package org.authhost.plugins.digest;

import static org.authhost.api.AuthenticationResult.DENIED;
import static org.authhost.api.AuthenticationResult.SUCCESS;
import static org.authhost.plugins.digest.PluginHarness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PluginException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counts of a nonce live in one window entry of the host's state service ({@link
 * NonceLedger#NC_WINDOW}): one entry per nonce, not per request; out of order inside the window,
 * accepted once; below it, stale.
 */
class NonceWindowTest {
  private static final String URI = "/private/a.txt";

  @TempDir Path data;

  @Test
  void aClientCountingUpOnOneNonceTakesOneStoreEntry() {
    PluginHarness h = new PluginHarness(data);
    TestClient ffmpeg = h.client("MD5", "Mufasa", "Circle of Life");
    for (long nc = 1; nc <= 2_000; nc++) {
      assertEquals(
          SUCCESS, h.sendAndRelease(ffmpeg.header("GET", URI, "auth", nc), get(URI)).result());
    }
    assertEquals(1, h.server.state.count("nc/"), "one window for 2,000 counts");
    assertEquals(2, h.server.state.count(""), "and the nonce secret: nothing else");
    PluginHarness.Answer replay =
        h.sendAndRelease(ffmpeg.header("GET", URI, "auth", 1_999), get(URI));
    assertEquals(DENIED, replay.result());
    assertFalse(replay.stale(), "a replay inside the window, refused as such");
  }

  @Test
  void countsOutOfOrderInsideTheWindowAreAcceptedOnceAndThoseBelowItAreStale() {
    PluginHarness h = new PluginHarness(data);
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    long top = NonceLedger.NC_WINDOW + 10;
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("GET", URI, "auth", top), get(URI)).result());
    long lowest = top - NonceLedger.NC_WINDOW + 1;
    assertEquals(
        SUCCESS,
        h.sendAndRelease(client.header("GET", URI, "auth", lowest), get(URI)).result(),
        "the lowest count the window knows, after a higher one: a parallel connection's");
    assertEquals(
        DENIED, h.sendAndRelease(client.header("GET", URI, "auth", lowest), get(URI)).result());
    PluginHarness.Answer old =
        h.sendAndRelease(client.header("GET", URI, "auth", lowest - 1), get(URI));
    assertEquals(DENIED, old.result());
    assertTrue(old.stale(), "too old to tell from a replay: the client retries on a new nonce");
    assertEquals(HResult.S_FALSE, old.hr());
  }

  @Test
  void theRfc2069FormOverHttpIsStillGoodOnceInItsOneEntry() {
    PluginHarness h = new PluginHarness(data, "legacy", "true");
    TestClient client = h.client("MD5", "Mufasa", "Circle of Life");
    String header = client.header("GET", URI, null, 0);
    assertEquals(SUCCESS, h.sendAndRelease(header, get(URI)).result());
    PluginHarness.Answer again = h.sendAndRelease(header, get(URI));
    assertEquals(DENIED, again.result());
    assertTrue(again.stale(), "the nonce is spent: stale, and the next one");
    assertEquals(1, h.server.state.count("nc/"));
  }

  @Test
  void aStoreWithoutTheWindowOperationKeepsDigestFromEnablingWithTheFix() {
    FakeServer server = new FakeServer(data);
    server.state.offersWindows = false; // a store written for API 1.3
    DigestAuthenticationPlugin plugin =
        new DigestAuthenticationPlugin(server.clock, new SecureRandom());
    assertEquals(HResult.S_OK, plugin.initialize(server, FakeServer.values()));
    PluginException e =
        assertThrows(PluginException.class, () -> plugin.enable(new Out<>(Duration.ZERO)));
    assertEquals(HResult.E_NOTIMPL, e.hresult());
    assertTrue(e.getMessage().contains("claimInWindow"), e.getMessage());
    assertTrue(e.getMessage().contains("API 1.4"), e.getMessage());
    assertEquals(0, server.state.count("window-probe"), "the check stored nothing");
  }
}
