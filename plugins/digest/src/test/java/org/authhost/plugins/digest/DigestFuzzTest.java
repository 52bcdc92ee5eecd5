package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;

/**
 * Coverage-guided fuzzing of what a Digest client sends and of what the plug-in writes back.
 *
 * <p>{@link #authorization}: the {@code Authorization} value after {@code "Digest "} through the
 * plug-in's real {@code authenticate}. The nonce key is fixed ({@link #KEY}), so the seeds carry
 * nonces with a right MAC and right responses for {@code Mufasa}: mutations of them reach every
 * check, up to the response comparison and the replay cache. None of the seeds' nonces was issued
 * by this plug-in instance, so nothing can succeed: the oracle is DENIED (CONTINUE for the empty
 * first leg), never ERROR, never an exception, no ERROR event.
 *
 * <p>{@link #quotedValues}: any value the plug-in quotes into a challenge or an {@code
 * Authentication-Info} (a nonce, an opaque, the client's cnonce it echoes) reads back the same
 * through the plug-in's own parser, or is refused for a control character.
 */
class DigestFuzzTest {
  static final String URI = "/private/a.txt";

  /** The nonce key of every run, so that checked-in seeds keep a right MAC. */
  static final byte[] KEY = new byte[NonceKeyFile.LENGTH];

  static {
    Arrays.fill(KEY, (byte) 0x42);
  }

  private static final PluginHarness HARNESS = start();

  private static PluginHarness start() {
    try {
      Path data = Files.createDirectories(Path.of("target", "digest-fuzz"));
      Files.write(data.resolve(NonceKeyFile.NAME), KEY);
      return new PluginHarness(
          data,
          "algorithms",
          "SHA-256,MD5,SHA-512-256,MD5-sess,SHA-256-sess,SHA-512-256-sess",
          "legacy",
          "true");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "")
  void authorization(byte[] header) {
    PluginHarness.Answer a =
        HARNESS.sendAndRelease(
            new String(header, StandardCharsets.ISO_8859_1), PluginHarness.get(URI));
    // S_OK, or S_FALSE for a refusal that is not a wrong credential (API 1.3): never a failure.
    assertTrue(
        a.hr().equals(HResult.S_OK) || a.hr().equals(HResult.S_FALSE), String.valueOf(a.hr()));
    assertEquals(
        header.length == 0 ? AuthenticationResult.CONTINUE : AuthenticationResult.DENIED,
        a.result(),
        "client input is DENIED, never ERROR or SUCCESS");
    synchronized (HARNESS.server) {
      assertEquals(List.of(), HARNESS.server.texts(EventLevel.ERROR), "no ERROR event");
      HARNESS.server.events.clear(); // refusal events: keep a long campaign's memory flat
    }
  }

  @FuzzTest(maxDuration = "")
  void quotedValues(byte[] octets) {
    String value = new String(octets, StandardCharsets.ISO_8859_1);
    boolean control = value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7F);
    DigestSettings settings = DigestSettings.from(FakeServer.values("userhash", "true"));
    String challenge = Challenges.challenges(settings, value, value, true, false).split("\n")[0];
    DigestCredentials echoed =
        new DigestCredentials(
            "u",
            false,
            "r",
            "n",
            "/",
            "0".repeat(32),
            DigestAlgorithm.MD5,
            "auth",
            "00000001",
            1,
            value,
            null);
    String info =
        new String(
            Challenges.authenticationInfoOctets(new byte[] {(byte) 0xab}, echoed, value),
            StandardCharsets.ISO_8859_1);
    Map<String, String> read = readBack(challenge, control);
    if (read != null) {
      assertEquals(value, read.get("nonce"));
      assertEquals(value, read.get("opaque"));
      assertEquals("true", read.get("stale"));
      assertEquals("SHA-256", read.get("algorithm"));
    }
    read = readBack(info, control);
    if (read != null) {
      assertEquals(value, read.get("cnonce"));
      assertEquals(value, read.get("nextnonce"));
      assertEquals("00000001", read.get("nc"));
    }
  }

  /** The parameters of {@code line}, or null when it is refused, which only a control may cause. */
  private static Map<String, String> readBack(String line, boolean control) {
    try {
      Map<String, String> read = DigestParams.parse(line);
      assertTrue(!control, "a control character was accepted: " + line);
      return read;
    } catch (Malformed e) {
      assertTrue(control, "refused without a control character: " + e.getMessage());
      return null;
    }
  }
}
