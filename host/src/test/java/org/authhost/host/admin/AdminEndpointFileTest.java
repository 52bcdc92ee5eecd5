package org.authhost.host.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.authhost.host.AuthHost;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin bearer token is where the command line finds it and nowhere a plug-in is pointed to:
 * not in the configuration, plug-in or data folders (the data folder holds each plug-in's own).
 */
class AdminEndpointFileTest {
  @TempDir Path root;

  @Test
  void theTokenIsInTheOwnerOnlyRunFolderAndInNoFolderThePluginsAreGiven() throws Exception {
    Path runFolder = AdminEndpointFile.runDirectory();
    Files.createDirectories(runFolder);
    // A run folder left open (here by hand) is closed again at start.
    Files.setPosixFilePermissions(runFolder, PosixFilePermissions.fromString("rwxrwxrwx"));
    AuthHost host =
        TestHosts.startServing(
            root,
            "authhost-plugin-digest.jar",
            "hello\n",
            """
            {
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "settings": { "digest": { "enabled": true,
                "properties": { "realm": "AuthHost" } } } },
              "http": { "port": 0 },
              "publishingPoints": [ { "name": "d", "prefix": "/d/", "directory": "../media",
                "plugins": ["digest"] } ]
            }
            """,
            FakeTime.of(new MutableClock()));
    Path data = host.config().dataDirectory();
    Path file = AdminEndpointFile.of(data);
    try {
      AdminEndpointFile endpoint = AdminEndpointFile.read(data);
      assertEquals(host.adminPort(), endpoint.port());
      assertTrue(endpoint.token().length() >= 40, endpoint.token());
      assertEquals(runFolder, file.getParent());
      assertFalse(file.startsWith(root), file + " is outside the host's folders");
      assertEquals(
          "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runFolder)));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      // The digest plug-in keeps its nonce key in its own folder under the data folder.
      assertTrue(Files.isDirectory(data.resolve("plugin-data/digest")), "the plug-in's folder");
      for (Path folder :
          List.of(host.config().configDirectory(), host.config().plugins().directory(), data)) {
        assertEquals(List.of(), filesHolding(folder, endpoint.token()), "token under " + folder);
      }
      assertEquals(200, AdminClientProbe.plugins(data, host.config().configDirectory()));
      // Whoever knocks without the token learns nothing of where it is.
      HttpResponse<String> refused =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + host.adminPort() + "/plugins"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(401, refused.statusCode());
      assertFalse(refused.body().contains(runFolder.toString()), refused.body());
      assertFalse(refused.body().contains("admin-"), refused.body());
    } finally {
      host.stop();
    }
    assertFalse(Files.exists(file), "removed on stop");
  }

  @Test
  void aHostAndACommandLineThatNameTheDataFolderThroughALinkFindTheSameFile() throws Exception {
    Path data = Files.createDirectories(root.resolve("var"));
    Path link = Files.createSymbolicLink(root.resolve("var-link"), data);

    assertEquals(AdminEndpointFile.of(data), AdminEndpointFile.of(link));
    assertEquals(AdminEndpointFile.of(data), AdminEndpointFile.of(root.resolve("x/../var")));
  }

  private static List<Path> filesHolding(Path folder, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f -> {
                try {
                  return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
                      .contains(new String(needle, StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              })
          .toList();
    }
  }

  /** The command line's client, as `authhost plugins` uses it. */
  private static final class AdminClientProbe {
    static int plugins(Path data, Path config) throws AdminClient.AdminException {
      return AdminClient.connect(data, config).get("/plugins").isArray() ? 200 : 500;
    }
  }
}
