package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.authhost.host.config.MediaMtxConfig;
import org.authhost.host.config.StreamHookConfig;

/**
 * Coverage-guided fuzzing of the streaming servers' call parsers ({@link NginxRtmpCalls}, {@link
 * MediaMtxCalls}, {@link SrsCalls}, {@link AuthRequestCalls}): any bytes a caller can send.
 *
 * <p>The oracle: a call is either refused as {@link MalformedCall} or read into a {@link
 * StreamCall} whose stream a request path could also be (under the configured prefix, no control
 * character, no empty, {@code .} or {@code ..} part), whose credentials could be one header, and no
 * other exception escapes. Seeds in {@code StreamCallsFuzzTestInputs/<method>/}.
 */
class StreamCallsFuzzTest {
  static final StreamHookConfig HOOK =
      new StreamHookConfig(
          "/.authhost/x", "/s/", true, "user", "pass", Map.of("key", "ApiKey", "token", "Bearer"));
  static final MediaMtxConfig MEDIAMTX = new MediaMtxConfig("/.authhost/m", "/s/", null, "Bearer");

  @FuzzTest(maxDuration = "")
  void nginxRtmpForms(byte[] input) {
    String form = new String(input, StandardCharsets.UTF_8);
    try {
      check(NginxRtmpCalls.read(form, HOOK));
    } catch (MalformedCall e) {
      assertNotNull(e.getMessage());
    }
  }

  @FuzzTest(maxDuration = "")
  void streamServerJson(byte[] input) {
    try {
      check(MediaMtxCalls.read(input, MEDIAMTX));
    } catch (MalformedCall e) {
      assertNotNull(e.getMessage());
    }
    try {
      check(SrsCalls.read(input, HOOK));
    } catch (MalformedCall e) {
      assertNotNull(e.getMessage());
    }
  }

  @FuzzTest(maxDuration = "")
  void authRequestHeaders(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    String[] parts = text.split("\n", 3);
    HttpHeaders headers = new DefaultHttpHeaders(false);
    headers.add(AuthRequestCalls.ORIGINAL_URI, parts[0]);
    if (parts.length > 1) {
      headers.add(AuthRequestCalls.ORIGINAL_METHOD, parts[1]);
    }
    if (parts.length > 2) {
      headers.add("Authorization", parts[2]);
    }
    try {
      StreamCall call = AuthRequestCalls.read(headers);
      assertTrue(call.stream().startsWith("/"));
      assertFalse(call.stream().contains("/../") || call.stream().endsWith("/.."));
    } catch (MalformedCall e) {
      assertNotNull(e.getMessage());
    }
  }

  private static void check(StreamCall call) {
    if (!call.checked()) {
      return;
    }
    String stream = call.stream();
    if (!stream.isEmpty()) {
      assertTrue(stream.startsWith("/s/"), stream);
      assertTrue(stream.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\'), stream);
      for (String part : stream.substring(1).split("/", -1)) {
        assertFalse(part.equals(".") || part.equals(".."), stream);
      }
      assertFalse(stream.substring(0, stream.length() - 1).contains("//"), stream);
    }
    assertNotNull(call.clientAddress());
    if (call.password() != null) {
      assertFalse(call.password().userName().isEmpty());
    }
    if (call.authorization() != null) {
      assertTrue(call.authorization().chars().noneMatch(c -> c < 0x20 || c > 0xff));
    }
  }
}
