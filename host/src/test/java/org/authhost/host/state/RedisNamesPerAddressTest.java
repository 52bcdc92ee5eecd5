package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import org.authhost.host.AuthHost;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.testing.RedisServer;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-address cap of account names counted per window ({@code security.lockout
 * .namesPerAddress}) holds for the counts shared in Redis too: one address inventing a name per
 * wrong password leaves at most that many name counts there, while its own count counts every one.
 */
class RedisNamesPerAddressTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  @TempDir Path root;
  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  private int logOn(String credentials) throws Exception {
    try (RedisOutageTest.Connection c = new RedisOutageTest.Connection(host.http().plainPort())) {
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(c.send(null).challenges(), credentials);
      return c.send(client.next("/d/hello.txt")).status();
    }
  }

  @Test
  void anAddressInventingNamesLeavesAtMostItsCapOfNameCountsInRedis() throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-digest.jar",
            "hello\n",
            DigestHostJson.of(
                "MD5",
                "\"security\": { \"lockout\": { \"threshold\": 3, \"addressThreshold\": 1000,"
                    + " \"namesPerAddress\": 5 } }",
                "\"state\": { \"redis\": { \"uri\": \"%s\", \"keyPrefix\": \"names:\","
                        .formatted(REDIS.server().uri())
                    + " \"timeoutMillis\": 5000 } }"));
    for (int i = 0; i < 20; i++) {
      assertEquals(401, logOn("invented" + i + ":wrong"));
    }
    String names = REDIS.server().call("KEYS", "names:lockout/count/account:*");
    assertEquals(
        5,
        Arrays.stream(names.split("\n")).filter(k -> !k.isBlank()).count(),
        "the first five names, not one count per invented name: " + names);
    assertEquals(
        "20",
        REDIS.server().call("GET", "names:lockout/count/ip:127.0.0.1"),
        "the address's own count counts every failure");
    // A name counted already goes on counting in Redis, to its lockout on every host: its 2nd
    // failure, then its 3rd, which begins the lockout (still answered 401), then 429.
    assertEquals(401, logOn("invented0:wrong"));
    assertEquals(401, logOn("invented0:wrong"));
    assertEquals(429, logOn("invented0:wrong"));
    // A real account's name is counted past the cap: alice's third wrong password locks her.
    for (int i = 0; i < 3; i++) {
      assertEquals(401, logOn("alice:wrong" + i));
    }
    assertEquals(429, logOn("alice:pw-alice"), "alice is locked out, her right password too");
  }
}
