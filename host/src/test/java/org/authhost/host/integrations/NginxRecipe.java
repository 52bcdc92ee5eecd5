package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.host.testing.PrivateNginx;

/**
 * A documented nginx configuration, read from {@code docs/integrations/} and filled in for a test:
 * the file operators copy is the very file the tests run, so neither can drift from the other.
 * Every placeholder must be given and every given one must be in the file.
 */
final class NginxRecipe {
  static final String AUTH_REQUEST = "nginx-auth-request.conf";
  static final String RTMP = "nginx-rtmp.conf";

  private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z_]+@");

  private NginxRecipe() {}

  /** The folder of the recipes: the tests run in {@code host/}. */
  static Path folder() {
    Path dir = Path.of("..", "docs", "integrations").toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(dir), "the documented recipes are not at " + dir);
    return dir;
  }

  static String text(String name) throws IOException {
    return Files.readString(folder().resolve(name));
  }

  /**
   * The recipe {@code name} with its placeholders replaced ({@code "@AUTHHOST@" ->
   * "127.0.0.1:8080"}) and then the literal {@code edits} made (test-only changes, such as a
   * shorter update interval), each of which must find its text.
   */
  static String filled(String name, Map<String, String> values, Map<String, String> edits)
      throws IOException {
    String text = text(name);
    for (Map.Entry<String, String> v : values.entrySet()) {
      assertTrue(text.contains(v.getKey()), name + " has no placeholder " + v.getKey());
      text = text.replace(v.getKey(), v.getValue());
    }
    Matcher left = PLACEHOLDER.matcher(text);
    assertFalse(left.find(), () -> name + " still has " + left.group() + " after filling in");
    for (Map.Entry<String, String> e : edits.entrySet()) {
      assertTrue(text.contains(e.getKey()), name + " has no '" + e.getKey() + "' to change");
      text = text.replace(e.getKey(), e.getValue());
    }
    return text;
  }

  /**
   * A private nginx running the documented auth_request recipe in front of the AuthHost on {@code
   * authhostPort}, serving {@code prefix/html}, with no application behind {@code /app/}.
   */
  static PrivateNginx startWithoutApp(Path prefix, int authhostPort) throws Exception {
    return start(
        prefix,
        "http",
        ports ->
            new PrivateNginx.Blocks(
                filled(
                    AUTH_REQUEST,
                    Map.of(
                        "@AUTHHOST@",
                        "127.0.0.1:" + authhostPort,
                        "@LISTEN@",
                        "127.0.0.1:" + ports.get("http"),
                        "@ROOT@",
                        prefix.resolve("html").toAbsolutePath().toString(),
                        "@APP@",
                        "127.0.0.1:9"), // no application here
                    Map.of()),
                null));
  }

  /**
   * A private nginx running the documented nginx-rtmp recipe in front of the AuthHost on {@code
   * authhostPort}, with the literal test-only {@code edits} made to it.
   */
  static PrivateNginx startRtmp(Path prefix, int authhostPort, Map<String, String> edits)
      throws Exception {
    return start(
        prefix,
        "rtmp",
        ports ->
            new PrivateNginx.Blocks(
                null,
                filled(
                    RTMP,
                    Map.of(
                        "@AUTHHOST@", "127.0.0.1:" + authhostPort,
                        "@RTMP_LISTEN@", "127.0.0.1:" + ports.get("rtmp")),
                    edits)));
  }

  /** The configuration for the ports nginx was given; reading a recipe may fail. */
  private interface Blocks {
    PrivateNginx.Blocks of(Map<String, Integer> ports) throws Exception;
  }

  private static PrivateNginx start(Path prefix, String listener, Blocks blocks) throws Exception {
    return PrivateNginx.start(
        prefix,
        List.of(listener),
        ports -> {
          try {
            return blocks.of(ports);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
