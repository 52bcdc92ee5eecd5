package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Module;
import com.google.inject.util.Modules;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Digest plug-in costs the host's state store, through the running host: one entry per
 * nonce however many counts its client uses, and a full store answers 503 with one event.
 */
class DigestStateEntriesTest {

  private static final String NO_LOCKOUT =
      "\"security\": { \"lockout\": { \"threshold\": 0, \"addressThreshold\": 0 } }";

  @TempDir Path root;

  private final MutableClock clock = new MutableClock();
  private AuthHost host;
  private LocalStateService store;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  /**
   * A host on the test's clock; with {@code store}, on that store instead of its own; with {@code
   * stateSection} (or null), that {@code state} in its host.json.
   */
  private void start(String stateSection, LocalStateService store) throws Exception {
    this.store = store;
    Module overrides =
        store == null
            ? FakeTime.of(clock)
            : Modules.combine(
                FakeTime.of(clock),
                binder -> binder.bind(LocalStateService.class).toInstance(store));
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-digest.jar",
            "hello, digest\n",
            DigestHostJson.of(
                "SHA-256,MD5",
                Stream.concat(Stream.of(NO_LOCKOUT), Stream.ofNullable(stateSection))
                    .toArray(String[]::new)),
            overrides);
  }

  @Test
  void aClientUsingOneNonceForManyRequestsTakesOneStoreEntry() throws Exception {
    start(null, new LocalStateService(clock, 1_000_000));
    try (Connection c = new Connection(host.http().plainPort())) {
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(c.send(null).challenges(), "alice:pw-alice");
      assertNotNull(client);
      List<String> sent = new ArrayList<>();
      // As ffmpeg does: one nonce, nc 1, 2, 3, ... on a keep-alive connection.
      for (int i = 1; i <= 300; i++) {
        String header = client.next("/d/hello.txt");
        sent.add(header);
        assertEquals(200, c.send(header).status(), "nc " + i);
      }
      assertEquals(
          2, store.size(), "the nonce key and the nonce's one window: not one entry per request");
      Response replay = c.send(sent.get(41));
      assertEquals(401, replay.status(), "a count used before is a replay");
      assertTrue(replay.challenges().stream().noneMatch(h -> h.contains("stale=true")));
      assertEquals(2, store.size());
    }
  }

  @Test
  void aFullStoreAnswers503WithOneEventForManyRequests() throws Exception {
    // The smallest store the setting allows: the nonce key and 99 nonces in use fill it. The
    // host makes it from host.json, with its events.
    start("\"state\": { \"maxEntries\": 100 }", null);
    assertEquals(100, host.config().state().maxEntries(), "read from host.json");
    int port = host.http().plainPort();
    for (int i = 0; i < 99; i++) {
      assertEquals(200, useNewNonce(port), "nonce " + i);
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(503, useNewNonce(port), "full: fail closed, never accepted unrecorded");
    }
    List<EventRecord> full =
        host.eventLog().query(EventQuery.all().withSource(HostEvents.HOST)).stream()
            .filter(e -> e.text().contains("state store is full"))
            .toList();
    assertEquals(1, full.size(), "one event for five refused requests: " + full);
    assertEquals(EventLevel.ERROR, full.get(0).level());
    assertTrue(full.get(0).text().contains("state.maxEntries"), full.get(0).text());
    List<EventRecord> failedLogons =
        host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT)).stream()
            .filter(e -> e.text().contains("logon failed"))
            .toList();
    assertEquals(List.of(), failedLogons, "a full store is no failed logon of alice's");
    List<String> busy = RedisOutageTest.refused503(host);
    assertTrue(
        !busy.isEmpty()
            && busy.stream()
                .allMatch(
                    t ->
                        t.contains("could not reach the shared state (the host's memory full)")
                            && !t.contains("Redis")),
        "the audit names the store in memory, not Redis, which this host has none of: " + busy);
    assertEquals(503, useNewNonce(port), "still a challenge, then busy: Digest is not in error");
  }

  /** A request on a fresh nonce, on a connection of its own: the status of the second answer. */
  private static int useNewNonce(int port) throws Exception {
    try (Connection c = new Connection(port)) {
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(c.send(null).challenges(), "alice:pw-alice");
      return c.send(client.next("/d/hello.txt")).status();
    }
  }

  record Response(int status, List<String> challenges) {}

  /** One keep-alive HTTP/1.1 connection to the host. */
  private static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final BufferedReader in;

    Connection(int port) throws Exception {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      out = socket.getOutputStream();
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    Response send(String authorization) throws Exception {
      out.write(
          ("GET /d/hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                  + "\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      int status = Integer.parseInt(in.readLine().split(" ")[1]);
      List<String> challenges = new ArrayList<>();
      int length = 0;
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        if (line.regionMatches(true, 0, "www-authenticate:", 0, 17)) {
          challenges.add(line.substring(17).strip());
        }
        if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Integer.parseInt(line.substring(15).strip());
        }
      }
      for (int i = 0; i < length; i++) {
        in.read();
      }
      return new Response(status, challenges);
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }
}
