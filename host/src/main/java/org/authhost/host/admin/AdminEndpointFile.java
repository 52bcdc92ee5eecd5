package org.authhost.host.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.authhost.host.files.AtomicWrite;

/**
 * Where a running host tells the command line how to reach it: its port and a random bearer token,
 * new at every start, in {@code admin-<id>.json} (the id is derived from the data folder, one host
 * per data folder) in the run folder.
 *
 * <p>The run folder is none of the folders host.json names, which plug-ins are given or can find
 * from what they are given (the data folder holds each plug-in's own folder): {@code
 * -Dauthhost.runDirectory} if set, else {@code ~/.authhost/run}, the same for the host and the
 * command line whatever their environment; the host makes it owner-only (0700) and refuses one
 * owned by another account. Plug-ins run as the host's account, so this keeps the token out of
 * their way, not out of their reach: see "Trust model" in the README.
 *
 * @param port the admin endpoint's loopback port
 * @param token the bearer token
 * @param pid the host's process id
 */
public record AdminEndpointFile(int port, String token, long pid) {
  /** The system property that names the run folder. */
  public static final String RUN_DIRECTORY_PROPERTY = "authhost.runDirectory";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  /** The file of the host whose data folder this is. */
  public static Path of(Path dataDirectory) {
    return runDirectory().resolve("admin-" + idOf(dataDirectory) + ".json");
  }

  /** The run folder (see the class comment). */
  public static Path runDirectory() {
    String configured = System.getProperty(RUN_DIRECTORY_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    // Not $XDG_RUNTIME_DIR: a host started by a service manager and the operator's shell may see
    // different ones (or none), and logind deletes it when the last session ends.
    return Path.of(System.getProperty("user.home"), ".authhost", "run");
  }

  void write(Path dataDirectory) throws IOException {
    Path file = of(dataDirectory);
    ownerOnlyFolder(file.getParent());
    byte[] json =
        JSON.writeValueAsBytes(
            Map.of(
                "port",
                port,
                "token",
                token,
                "pid",
                pid,
                "dataDirectory",
                dataDirectory.toString()));
    // Owner only (it holds the admin token); not forced: it is written again at every start.
    AtomicWrite.replace(file, json, AtomicWrite.OWNER_ONLY, false);
  }

  /** Reads the file of a running host. */
  public static AdminEndpointFile read(Path dataDirectory) throws IOException {
    var node = JSON.readTree(of(dataDirectory).toFile());
    return new AdminEndpointFile(
        node.path("port").asInt(), node.path("token").asText(), node.path("pid").asLong());
  }

  /** Makes the folder, or checks the one there, so that only this account can open it. */
  private static void ownerOnlyFolder(Path folder) throws IOException {
    try {
      if (!Files.isDirectory(folder)) {
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, OWNER_ONLY);
        return;
      }
      UserPrincipal owner = Files.getOwner(folder);
      UserPrincipal me = currentUser(folder);
      if (!owner.equals(me)) {
        throw new IOException(
            "the run folder "
                + folder
                + " belongs to "
                + owner.getName()
                + ", not to this account ("
                + me.getName()
                + "): remove it, or name another with -D"
                + RUN_DIRECTORY_PROPERTY
                + "=DIR");
      }
      if (!Files.getPosixFilePermissions(folder).equals(OWNER_ONLY)) {
        Files.setPosixFilePermissions(folder, OWNER_ONLY);
      }
    } catch (UnsupportedOperationException notPosix) {
      Files.createDirectories(folder);
    }
  }

  /** This process's account, by name, or else as the owner of a file it makes in {@code folder}. */
  private static UserPrincipal currentUser(Path folder) throws IOException {
    try {
      return folder
          .getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
    } catch (UserPrincipalNotFoundException noNameForThisUid) {
      Path probe = Files.createTempFile(folder, ".owner", ".tmp");
      try {
        return Files.getOwner(probe);
      } finally {
        Files.delete(probe);
      }
    }
  }

  /**
   * A short id of the data folder: its real path's SHA-256, first 16 hex digits (the absolute path
   * if it does not exist yet). Real, so that a host and a command line that name it through
   * different links find the same file.
   */
  private static String idOf(Path dataDirectory) {
    Path folder = dataDirectory.toAbsolutePath().normalize();
    try {
      folder = folder.toRealPath();
    } catch (IOException notThereYet) {
      // The absolute path, as a host that has not made it yet names it too.
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(folder.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
