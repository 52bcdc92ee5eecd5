package org.authhost.host.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where a running host tells the command line how to reach it: {@code admin.json} in the data
 * folder, holding the port and a random bearer token, readable by the host's account only.
 *
 * @param port the admin endpoint's loopback port
 * @param token the bearer token
 * @param pid the host's process id
 */
public record AdminEndpointFile(int port, String token, long pid) {
  static final String NAME = "admin.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The file of the host whose data folder this is. */
  public static Path in(Path dataDirectory) {
    return dataDirectory.resolve(NAME);
  }

  void write(Path dataDirectory) throws IOException {
    Files.createDirectories(dataDirectory);
    Path temp = dataDirectory.resolve(NAME + ".tmp");
    Files.deleteIfExists(temp);
    try {
      Files.createFile(
          temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(temp);
    }
    JSON.writeValue(temp.toFile(), Map.of("port", port, "token", token, "pid", pid));
    Files.move(
        temp,
        in(dataDirectory),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Reads the file of a running host. */
  public static AdminEndpointFile read(Path dataDirectory) throws IOException {
    var node = JSON.readTree(in(dataDirectory).toFile());
    return new AdminEndpointFile(
        node.path("port").asInt(), node.path("token").asText(), node.path("pid").asLong());
  }
}
