package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.authhost.host.admin.AdminClient;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.Test;

/**
 * The admin API while a reload waits for plug-in code: the listing is answered at once, not after
 * the reload (which a hanging InitializePlugin holds until its time limit); an unknown id is 404.
 */
class AdminDuringReloadTest extends HostTestBase {

  @Test
  void theListingIsAnsweredWhileAReloadWaitsForAHangingInitialize() throws Exception {
    startHost("\"watch\": false, \"rescanSeconds\": 0");
    AdminClient admin = AdminClient.connect(root.resolve("var"), root.resolve("config"));
    PluginJar.of("hanginginit", "org.authhost.testplugins.hanginginit.HangingInitPlugin")
        .writeTo(root.resolve("plugins"), "hanginginit.jar");
    CountDownLatch staging = new CountDownLatch(1);
    host.plugins().beforeStaging(d -> staging.countDown());

    CompletableFuture<JsonNode> reload =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return admin.post("/plugins/reload");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(staging.await(30, TimeUnit.SECONDS), "the reload began loading the JAR");

    // The reload now waits in InitializePlugin, which the test's clock alone can cut off.
    JsonNode listing =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return admin.get("/plugins");
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .get(20, TimeUnit.SECONDS);
    assertTrue(listing.isArray(), listing.toString());
    assertFalse(reload.isDone(), "the listing did not wait for the reload");

    // The call's deadline is set when the guard starts it, which may be after this point: move
    // the clock until the watchdog has cut it off (bounded), rather than once.
    for (int i = 0; i < 300 && !reload.isDone(); i++) {
      clock.advance(Duration.ofSeconds(1));
      try {
        reload.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillWaiting) {
        // the watchdog looks again at its next period
      }
    }
    JsonNode done = reload.get(1, TimeUnit.SECONDS);
    assertTrue(done.toString().contains("hanginginit"), done.toString());

    AdminClient.AdminException unknown =
        assertThrows(AdminClient.AdminException.class, () -> admin.post("/plugins/nosuch/reload"));
    assertTrue(unknown.getMessage().contains("no plug-in 'nosuch'"), unknown.getMessage());
  }
}
