package org.authhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the host process (SIGKILL) while a plug-in is writing events through the event log, then
 * starts the host again on the same data: every event the plug-in was told was logged is there,
 * numbering is contiguous, and no record is torn.
 */
class HostCrashTest {
  private static final int ACKS_BEFORE_KILL = 20_000;

  @TempDir Path root;

  @Test
  void everyAcknowledgedEventSurvivesKillMinusNine() throws Exception {
    Path config = TestHosts.configFolder(root, "");
    PluginJar.of("chatty", "org.authhost.testplugins.chatty.ChattyPlugin")
        .writeTo(root.resolve("plugins"), "chatty.jar");
    Process host =
        new ProcessBuilder(
                TestHosts.hostCommand(config, "-Dlogback.configurationFile=" + quietLogback()))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    Set<Long> acknowledged = new HashSet<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String line;
      while (acknowledged.size() < ACKS_BEFORE_KILL
          && System.nanoTime() < deadline
          && (line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          acknowledged.add(Long.parseLong(line.substring(4).strip()));
        }
      }
      host.destroyForcibly();
      assertTrue(host.waitFor(20, TimeUnit.SECONDS));
    }
    assertTrue(
        acknowledged.size() >= ACKS_BEFORE_KILL,
        "only " + acknowledged.size() + " acknowledgements");

    Files.delete(root.resolve("plugins/chatty.jar"));
    AuthHost restarted = AuthHost.create(TestHosts.load(config));
    restarted.start();
    try {
      List<EventRecord> all = restarted.eventLog().query(EventQuery.all());
      for (int i = 0; i < all.size(); i++) {
        assertEquals(i + 1, all.get(i).recordNumber(), "record numbers are contiguous");
      }
      Set<Long> logged = new HashSet<>();
      for (EventRecord e : all) {
        if (e.source().equals("chatty")) {
          assertTrue(e.text().matches("chatty \\d+"), "intact text: " + e.text());
          logged.add(Long.parseLong(e.text().substring(7)));
        }
      }
      Set<Long> lost = new HashSet<>(acknowledged);
      lost.removeAll(logged);
      assertTrue(
          lost.isEmpty(),
          lost.size() + " acknowledged events lost, e.g. " + lost.stream().limit(5).toList());
      EventRecord last = all.get(all.size() - 1);
      assertTrue(
          last.source().equals("host") && last.text().startsWith("host ready"), last.toString());
    } finally {
      restarted.stop();
    }
  }

  /** Logback that writes nothing: the test reads the host's standard output. */
  private Path quietLogback() throws Exception {
    Path file = root.resolve("logback-quiet.xml");
    Files.writeString(file, "<configuration><root level=\"OFF\"/></configuration>\n");
    return file;
  }
}
