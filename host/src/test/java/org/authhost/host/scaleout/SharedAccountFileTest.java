package org.authhost.host.scaleout;

import static org.authhost.host.scaleout.NodeRequests.basic;
import static org.authhost.host.scaleout.NodeRequests.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.authhost.host.Main;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.testing.HostProcess;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two host processes on one account file and the in-memory state store (no Redis): what they share
 * (the accounts, through the file and its lock) and what they do not (nonces and their counts).
 * docs/scale-out.md promises both.
 */
class SharedAccountFileTest {
  /**
   * What docs/scale-out.md promises for a password changed on another node: the next poll of the
   * file (every second) on a quiet machine; the rest is room for a machine shared with other
   * builds.
   */
  static final Duration PASSWORD_CHANGE_BOUND = Duration.ofSeconds(10);

  @TempDir static Path root;

  static HostProcess a;
  static HostProcess b;

  @BeforeAll
  static void start() throws Exception {
    Path configA = NodeFolders.write(root, "A", null);
    Path configB = NodeFolders.write(root, "B", null);
    TestHosts.addAccount(configA, "alice", "pw-alice");
    TestHosts.addAccount(configA, "carol", "old-carol");
    TestHosts.addAccount(configA, "dave", "pw-dave");
    a = HostProcess.start("A", configA);
    b = HostProcess.start("B", configB);
  }

  @AfterAll
  static void stop() throws Exception {
    try (HostProcess first = a;
        HostProcess second = b) {
      // Both stopped by their process ids, whatever happened.
    }
  }

  @Test
  void withoutASharedStoreANonceOfOneNodeIsNotAcceptedByTheOther() throws Exception {
    LoadTool.DigestClient client = NodeRequests.digestClient(a.port(), "alice", "pw-alice");
    assertEquals(
        200, get(a.port(), NodeFolders.DIGEST_PATH, client.next(NodeFolders.DIGEST_PATH)).status());

    Response atB = get(b.port(), NodeFolders.DIGEST_PATH, client.next(NodeFolders.DIGEST_PATH));

    // Each node's key is its own (nonce.key in its data folder): B never issued this nonce, so
    // the client must start again on B's challenge; that is what state.redis is for.
    assertEquals(401, atB.status());
    LoadTool.DigestClient onB =
        LoadTool.DigestClient.from(atB.values("WWW-Authenticate"), "alice:pw-alice");
    assertEquals(
        200, get(b.port(), NodeFolders.DIGEST_PATH, onB.next(NodeFolders.DIGEST_PATH)).status());
  }

  @Test
  void withoutASharedStoreEachNodeCountsOnlyTheWrongPasswordsItSaw() throws Exception {
    for (int i = 0; i < 8; i++) {
      HostProcess node = i % 2 == 0 ? a : b;
      assertEquals(401, get(node.port(), NodeFolders.BASIC_PATH, basic("dave", "wrong")).status());
    }
    // Four on each: below the threshold of five on either node, so dave is not locked out
    // anywhere, though eight guesses were made. With state.redis they are counted together.
    assertEquals(200, get(a.port(), NodeFolders.BASIC_PATH, basic("dave", "pw-dave")).status());
    assertEquals(200, get(b.port(), NodeFolders.BASIC_PATH, basic("dave", "pw-dave")).status());
  }

  @Test
  void aPasswordChangedThroughOneNodesCommandLineStopsWorkingOnTheOther() throws Exception {
    String old = basic("carol", "old-carol");
    // B remembers carol's password now (PasswordVerifier), and A does too.
    assertEquals(200, get(b.port(), NodeFolders.BASIC_PATH, old).status());
    assertEquals(200, get(a.port(), NodeFolders.BASIC_PATH, old).status());
    LoadTool.DigestClient digest = NodeRequests.digestClient(b.port(), "carol", "old-carol");
    assertEquals(
        200, get(b.port(), NodeFolders.DIGEST_PATH, digest.next(NodeFolders.DIGEST_PATH)).status());

    String changed = passwd(a.config(), "carol", "new-carol");
    long changedAt = System.nanoTime();
    assertTrue(changed.contains("password of") && changed.contains("changed"), changed);

    long deadline = changedAt + PASSWORD_CHANGE_BOUND.toNanos();
    int status;
    while ((status = get(b.port(), NodeFolders.BASIC_PATH, old).status()) == 200
        && System.nanoTime() < deadline) {
      // B reads the file on its own schedule: look again shortly.
      TimeUnit.MILLISECONDS.sleep(50);
    }
    long tookMillis = (System.nanoTime() - changedAt) / 1_000_000;
    assertEquals(401, status, "the old password still works on B after " + tookMillis + " ms");
    assertEquals(
        401,
        get(b.port(), NodeFolders.DIGEST_PATH, digest.next(NodeFolders.DIGEST_PATH)).status(),
        "and its Digest HA1 is gone with it");
    assertEquals(200, get(b.port(), NodeFolders.BASIC_PATH, basic("carol", "new-carol")).status());
    LoadTool.DigestClient fresh = NodeRequests.digestClient(b.port(), "carol", "new-carol");
    assertEquals(
        200, get(b.port(), NodeFolders.DIGEST_PATH, fresh.next(NodeFolders.DIGEST_PATH)).status());
  }

  /**
   * {@code authhost accounts passwd USER --password-stdin --config DIR}, as an operator types it.
   */
  static String passwd(Path config, String user, String password) {
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
      return cli("accounts", "passwd", user, "--password-stdin", "--config", config.toString());
    } finally {
      System.setIn(stdin);
    }
  }

  /** One command of the command line, in this process; its output, or the test fails. */
  static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int rc = cli.execute(args);
    assertEquals(0, rc, String.join(" ", args) + ": " + err);
    return out.toString();
  }
}
