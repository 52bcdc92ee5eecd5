package org.authhost.host.http.content;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs /usr/bin/curl and collects what it got: exit code, status, headers, body. */
final class Curl {
  static final String CURL = "/usr/bin/curl";

  /**
   * The outcome of one curl run.
   *
   * @param exit curl's exit code
   * @param status the final status code (0 when none)
   * @param headers the final response's headers, names in lower case (last value wins)
   * @param body the body as saved
   * @param stderr what curl said
   */
  record Result(int exit, int status, Map<String, String> headers, byte[] body, String stderr) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String sha256() {
      return Curl.sha256(body);
    }

    @Override
    public String toString() {
      return "curl exit "
          + exit
          + ", status "
          + status
          + ", headers "
          + headers
          + ", stderr "
          + stderr;
    }
  }

  private Curl() {}

  /** Runs curl with {@code args} (URL included), saving headers and body under {@code dir}. */
  static Result run(Path dir, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "body", ".bin");
    Path headers = Files.createTempFile(dir, "headers", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    List<String> command = new ArrayList<>();
    command.add(CURL);
    command.add("-q"); // no .curlrc
    command.add("--silent");
    command.add("--show-error");
    command.add("--noproxy");
    command.add("*");
    command.add("--max-time");
    command.add("120");
    command.add("-o");
    command.add(out.toString());
    command.add("-D");
    command.add(headers.toString());
    command.add("-w");
    command.add("%{http_code}");
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String written =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    if (!process.waitFor(150, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("curl did not finish: " + command);
    }
    int status = written.matches("\\d{3}") ? Integer.parseInt(written) : 0;
    byte[] body = Files.readAllBytes(out);
    Map<String, String> parsed =
        parseLastBlock(Files.readString(headers, StandardCharsets.ISO_8859_1));
    String stderr = Files.readString(err, StandardCharsets.UTF_8).trim();
    Files.deleteIfExists(out);
    Files.deleteIfExists(headers);
    Files.deleteIfExists(err);
    return new Result(process.exitValue(), status, parsed, body, stderr);
  }

  /** The headers of the last response in a -D dump (interim responses come first). */
  private static Map<String, String> parseLastBlock(String dump) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : dump.split("\r\n")) {
      if (line.startsWith("HTTP/")) {
        headers.clear();
        headers.put(":status-line", line);
      } else {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).trim());
        }
      }
    }
    return headers;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
