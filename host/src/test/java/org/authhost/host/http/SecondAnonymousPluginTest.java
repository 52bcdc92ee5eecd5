package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two anonymous plug-ins (the built-in one, and a copy of it under another id): each publishing
 * point offers the one it lists, and a point that lists both offers the first and is named in a
 * WARNING at start, never a silent 503.
 */
class SecondAnonymousPluginTest {
  @TempDir Path root;

  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  @Test
  void eachPointOffersTheAnonymousPluginItListsAndAPointListingTwoIsNamedAtStart()
      throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    Path anonymous = PluginJar.builtinPlugin("authhost-plugin-anonymous.jar");
    Files.copy(anonymous, plugins.resolve("anonymous.jar"));
    copyWithId(anonymous, "guests", plugins.resolve("guests.jar"));
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "order": ["anonymous", "guests"] },
          "http": { "port": 0 },
          "publishingPoints": [
            { "name": "public", "prefix": "/public/", "directory": "../media",
              "plugins": ["anonymous"] },
            { "name": "guests", "prefix": "/guests/", "directory": "../media",
              "plugins": ["guests"] },
            { "name": "both", "prefix": "/both/", "directory": "../media",
              "plugins": ["guests", "anonymous"] }
          ]
        }
        """);
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(new MutableClock()));
    host.start();

    assertEquals(200, get("/public/hello.txt"));
    assertEquals(200, get("/guests/hello.txt"), "the second anonymous plug-in is offered");
    assertEquals(200, get("/both/hello.txt"));
    List<EventRecord> logons =
        host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
            .filter(e -> e.text().startsWith("logon succeeded"))
            .toList();
    assertEquals(3, logons.size(), logons.toString());
    assertTrue(logons.get(1).text().contains("plugin=guests"), logons.toString());
    assertTrue(logons.get(2).text().contains("plugin=guests"), "the first the point lists");
    List<EventRecord> warnings =
        host.eventLog().query(EventQuery.all().withLevel(EventLevel.WARNING)).stream()
            .filter(e -> e.text().contains("anonymous plug-ins"))
            .toList();
    assertEquals(1, warnings.size(), warnings.toString());
    assertEquals(
        "publishing point 'both' lists 2 anonymous plug-ins (guests, anonymous); only 'guests',"
            + " the first listed, is offered there. Fix: list one anonymous plug-in in the point's"
            + " \"plugins\" in host.json, or give each its own publishing point",
        warnings.get(0).text());
  }

  private int get(String path) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.http().plainPort() + path))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  /** The plug-in JAR {@code source} with its descriptor's id replaced by {@code id}. */
  private static void copyWithId(Path source, String id, Path target) throws IOException {
    try (ZipFile in = new ZipFile(source.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
      Enumeration<? extends ZipEntry> entries = in.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        byte[] bytes;
        try (InputStream body = in.getInputStream(entry)) {
          bytes = body.readAllBytes();
        }
        if (entry.getName().equals("META-INF/authhost-plugin.properties")) {
          bytes =
              new String(bytes, StandardCharsets.UTF_8)
                  .replaceFirst("(?m)^id=.*$", "id=" + id)
                  .getBytes(StandardCharsets.UTF_8);
        }
        out.putNextEntry(new ZipEntry(entry.getName()));
        out.write(bytes);
        out.closeEntry();
      }
    }
  }
}
