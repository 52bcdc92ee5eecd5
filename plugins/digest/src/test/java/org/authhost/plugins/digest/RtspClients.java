package org.authhost.plugins.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Authorization} headers real RTSP clients send, built the way their code builds them
 * (MD5 only, as they know nothing else), independently of the plug-in's formulas:
 *
 * <ul>
 *   <li>{@link Ffmpeg}: FFmpeg {@code libavformat/httpauth.c} ({@code make_digest_auth}): the last
 *       Digest challenge wins, {@code qop=auth} when offered, {@code nc} counting every request, 16
 *       hex digits of cnonce, the request URL as {@code uri}, no spaces after the commas;
 *   <li>{@link Live555}: live555's {@code RTSPClient::createAuthenticatorString} (VLC): the
 *       challenge read with the rigid {@code sscanf} pattern {@code Digest realm="%[^"]",
 *       nonce="%[^"]"}, the RFC 2069 form, and its base URL as {@code uri} for every request;
 *   <li>{@link Gstreamer}: {@code gst_rtsp_generate_digest_auth_response} with the header of {@code
 *       gstrtspconnection.c}: the RFC 2069 form, the request URL, {@code opaque} echoed.
 * </ul>
 */
final class RtspClients {
  private RtspClients() {}

  static String md5(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code key="value"} and {@code key=token} pairs of one challenge, as ffmpeg's parser reads. */
  static Map<String, String> params(String challenge) {
    Map<String, String> p = new LinkedHashMap<>();
    Matcher m = Pattern.compile("([A-Za-z-]+)=(?:\"([^\"]*)\"|([^,\\s]*))").matcher(challenge);
    while (m.find()) {
      p.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
    }
    return p;
  }

  /** ffmpeg and ffprobe. */
  static final class Ffmpeg {
    private final String user;
    private final String password;
    private String realm;
    private String nonce;
    private String algorithm;
    private String opaque;
    private String qop;
    private int nc;
    private long cnonceSeed = 0x1234abcdL;

    Ffmpeg(String user, String password) {
      this.user = user;
      this.password = password;
    }

    /** Reads a 401's challenges: each Digest header resets the state, so the last one wins. */
    Ffmpeg challenged(List<String> challenges) {
      for (String line : challenges) {
        Map<String, String> p = params(line);
        realm = p.get("realm");
        nonce = p.get("nonce");
        algorithm = p.getOrDefault("algorithm", "");
        opaque = p.getOrDefault("opaque", "");
        String offered = p.getOrDefault("qop", "");
        qop = List.of(offered.split("\\s*,\\s*")).contains("auth") ? "auth" : "";
        nc = 0;
      }
      return this;
    }

    /** The header for one request; null where ffmpeg sends none (an algorithm it lacks). */
    String header(String method, String url) {
      nc++;
      String ncText = String.format("%08x", nc);
      String cnonce = String.format("%016x", cnonceSeed++);
      String a1 = md5(user + ":" + realm + ":" + password);
      if (algorithm.equals("MD5-sess")) {
        a1 = md5(a1 + ":" + nonce + ":" + cnonce);
      } else if (!algorithm.isEmpty() && !algorithm.equals("MD5")) {
        return null;
      }
      String a2 = md5(method + ":" + url);
      String response =
          md5(
              a1
                  + ":"
                  + nonce
                  + (qop.isEmpty() ? "" : ":" + ncText + ":" + cnonce + ":" + qop)
                  + ":"
                  + a2);
      StringBuilder b = new StringBuilder();
      b.append("username=\"").append(user).append('"');
      b.append(",realm=\"").append(realm).append('"');
      b.append(",nonce=\"").append(nonce).append('"');
      b.append(",uri=\"").append(url).append('"');
      b.append(",response=\"").append(response).append('"');
      if (!algorithm.isEmpty()) {
        b.append(",algorithm=").append(algorithm);
      }
      if (!opaque.isEmpty()) {
        b.append(",opaque=\"").append(opaque).append('"');
      }
      if (!qop.isEmpty()) {
        b.append(",qop=\"").append(qop).append('"');
        b.append(",cnonce=\"").append(cnonce).append('"');
        b.append(",nc=").append(ncText);
      }
      return b.toString();
    }
  }

  /** live555's RTSP client, as in VLC. */
  static final class Live555 {
    private static final Pattern SSCANF =
        Pattern.compile("^realm=\"([^\"]*)\", nonce=\"([^\"]*)\"");

    private final String user;
    private final String password;
    private String realm;
    private String nonce;

    /** The URL it hashes: the one it was given, then the {@code Content-Base} of DESCRIBE. */
    String baseUrl;

    Live555(String user, String password, String url) {
      this.user = user;
      this.password = password;
      this.baseUrl = url;
    }

    /**
     * Takes the first challenge its pattern reads (it keeps the Digest one, any of them); fails as
     * live555 does when none has realm first and nonce second.
     */
    Live555 challenged(List<String> challenges) {
      for (String line : challenges) {
        Matcher m = SSCANF.matcher(line);
        if (m.find()) {
          realm = m.group(1);
          nonce = m.group(2);
          return this;
        }
      }
      throw new AssertionError("live555 cannot read these challenges: " + challenges);
    }

    String header(String method) {
      String response =
          md5(
              md5(user + ":" + realm + ":" + password)
                  + ":"
                  + nonce
                  + ":"
                  + md5(method + ":" + baseUrl));
      return "username=\""
          + user
          + "\", realm=\""
          + realm
          + "\", nonce=\""
          + nonce
          + "\", uri=\""
          + baseUrl
          + "\", response=\""
          + response
          + "\"";
    }
  }

  /** GStreamer's rtspsrc. */
  static final class Gstreamer {
    private final String user;
    private final String password;
    private Map<String, String> params;

    Gstreamer(String user, String password) {
      this.user = user;
      this.password = password;
    }

    /** Keeps the parameters of the Digest challenges; a later one overwrites an earlier's. */
    Gstreamer challenged(List<String> challenges) {
      params = new LinkedHashMap<>();
      challenges.forEach(line -> params.putAll(params(line)));
      return this;
    }

    String header(String method, String url) {
      String realm = params.get("realm");
      String nonce = params.get("nonce");
      String response =
          md5(
              md5(user + ":" + realm + ":" + password)
                  + ":"
                  + nonce
                  + ":"
                  + md5(method + ":" + url));
      String header =
          "username=\""
              + user
              + "\", realm=\""
              + realm
              + "\", nonce=\""
              + nonce
              + "\", uri=\""
              + url
              + "\", response=\""
              + response
              + "\"";
      String opaque = params.get("opaque");
      return opaque == null ? header : header + ", opaque=\"" + opaque + "\"";
    }
  }
}
