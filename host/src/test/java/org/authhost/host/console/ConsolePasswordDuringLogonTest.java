package org.authhost.host.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.host.accounts.AccountPoller;
import org.authhost.host.testing.LogCapture;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password set while a console logon is being checked (review item: the session recorded the
 * password-change time read after the check, so a session made with the old password outlived the
 * reset). The test plug-in {@code gated} logs {@code root} on and holds its answer until the test
 * has reset root's password with the command line and the host has read the store.
 */
class ConsolePasswordDuringLogonTest {
  @TempDir Path root;
  ConsoleHost console;
  final String prefix = "console.during." + System.nanoTime() + ".";
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch gate = new CountDownLatch(1);

  @AfterEach
  void stop() throws Exception {
    gate.countDown();
    System.getProperties().keySet().removeIf(k -> k.toString().startsWith(prefix));
    if (console != null) {
      console.close();
    }
  }

  @Test
  void aPasswordSetWhileTheLogonIsCheckedEndsTheSessionThatLogonOpens() throws Exception {
    System.getProperties().put(prefix + "entered", entered);
    System.getProperties().put(prefix + "gate", gate);
    console =
        ConsoleHost.start(
            root,
            "",
            100,
            false,
            "{ \"account\": \"root\", \"entered\": \"%sentered\", \"gate\": \"%sgate\" }"
                .formatted(prefix, prefix));
    CompletableFuture<RawHttpConnection.Response> logon =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return console.call("GET", "/console/api/session", "Authorization: Test root");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(entered.await(30, TimeUnit.SECONDS), "the logon is being checked");
    try (LogCapture poller = LogCapture.of(AccountPoller.class.getName())) {
      console.passwd("root", "pw-root-2");
      // The host picks up what another process wrote to the store on its next poll: the logon
      // goes on once the host holds the new password.
      console.clock.advance(Duration.ofSeconds(2));
      assertTrue(poller.await("reloaded the accounts", Duration.ofSeconds(30)), "read the change");
    }
    gate.countDown();
    RawHttpConnection.Response opened = logon.get(30, TimeUnit.SECONDS);
    assertEquals(200, opened.status(), opened.bodyText());
    String cookie = ConsoleLogonTest.sessionCookie(opened);
    assertNotNull(cookie, opened.headers().toString());
    assertEquals(
        401,
        console.call("GET", "/console/api/session", "Cookie: " + cookie).status(),
        "the session of a logon checked before the reset ends at its next use");
    assertEquals(
        200,
        console
            .call("GET", "/console/api/session", "Authorization: Basic cm9vdDpwdy1yb290LTI=")
            .status(),
        "a logon with the new password works");
  }
}
