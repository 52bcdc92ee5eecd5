package org.authhost.host.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.access.IpRules;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's address lists also gate the console (review item: an {@code ipAllow} written for the
 * clients alone shut the local operator out after the upgrade, with nothing said at start).
 */
class ConsoleAddressListsTest {
  @TempDir Path root;

  @Test
  void theAddressAnOperatorOnThisMachineComesFromIsCheckedAgainstTheLists() throws Exception {
    IpRules clientsOnly = IpRules.of(List.of("10.0.0.0/8"), List.of());
    assertEquals(
        InetAddress.getByName("127.0.0.1"),
        ConsoleServer.localOperatorShutOut("127.0.0.1", clientsOnly));
    assertEquals(
        InetAddress.getLoopbackAddress(),
        ConsoleServer.localOperatorShutOut("0.0.0.0", clientsOnly),
        "a console on every address is reached from loopback here");
    assertEquals(
        InetAddress.getByName("192.0.2.7"),
        ConsoleServer.localOperatorShutOut("192.0.2.7", clientsOnly));
    assertNull(
        ConsoleServer.localOperatorShutOut(
            "127.0.0.1", IpRules.of(List.of("10.0.0.0/8", "127.0.0.1"), List.of())));
    assertNull(ConsoleServer.localOperatorShutOut("127.0.0.1", IpRules.NONE));
    assertEquals(
        InetAddress.getByName("127.0.0.1"),
        ConsoleServer.localOperatorShutOut(
            "127.0.0.1", IpRules.of(List.of(), List.of("127.0.0.0/8"))),
        "a deny shuts out as much as a missing allow");
  }

  @Test
  void aConsoleTheListsShutTheLocalOperatorOutOfIsAWarningAtStart() throws Exception {
    Files.createDirectories(root.resolve("plugins"));
    Files.createDirectories(root.resolve("media"));
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins" },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "security": { "ipAllow": ["10.0.0.0/8"] },
          "publishingPoints": [ { "name": "vod", "prefix": "/vod/", "directory": "../media" } ],
          "console": { "port": 0 }
        }
        """);
    AuthHost host = AuthHost.create(ConfigLoader.load(config));
    host.start();
    try {
      List<EventRecord> warnings =
          host.eventLog().query(EventQuery.all().withLevel(EventLevel.WARNING)).stream()
              .filter(e -> e.text().startsWith("security.ipAllow/ipDeny"))
              .toList();
      assertEquals(1, warnings.size(), warnings.toString());
      String text = warnings.get(0).text();
      assertTrue(text.contains(config.resolve("host.json").toString()), text);
      assertTrue(text.contains("refuse 127.0.0.1"), text);
      assertTrue(text.contains("add \"127.0.0.1\" to security.ipAllow"), text);
      try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", host.console().plainPort())) {
        assertEquals(
            403, c.get("/console/", null).status(), "what the warning said the operator meets");
      }
    } finally {
      host.stop();
    }
  }
}
