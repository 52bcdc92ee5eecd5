package org.authhost.plugins.digest;

import java.util.regex.Pattern;

/**
 * Whether the {@code uri} of a Digest response names the request it came with (RFC 7616 §3.4.6).
 * Without this check a response captured for one resource could be replayed against another.
 *
 * <p>Accepted: the same string as the request target; or, when exactly one of the two is in
 * absolute form ({@code scheme://authority/path?query}), the other equal to its path and query. An
 * absolute {@code uri} against an origin-form request must also name this server: its authority
 * must equal the {@code Host} header (old Android clients send the absolute form; Tomcat accepts it
 * the same way). The plug-in cannot see whether the connection is TLS, so the scheme is not
 * compared. RTSP requests are checked by {@link #namesRtsp}.
 *
 * <p>Not accepted: old Internet Explorer's {@code uri} without the query string (Apache's {@code
 * AuthDigestEnableQueryStringHack}); it would let the query be changed without the response.
 */
final class RequestUris {
  /**
   * A track's control as servers append it to the aggregate URL in their SDP: {@code trackID=0}
   * (live555, MediaMTX, most cameras), {@code stream=0} (GStreamer), {@code streamid=0} (ffmpeg's
   * server), {@code track1}. gortsplib's verifier accepts only {@code trackID=N}.
   */
  private static final Pattern TRACK_CONTROL =
      Pattern.compile("(?i)(?:trackid=|streamid=|stream=|track=|track)[0-9]{1,9}");

  private RequestUris() {}

  /**
   * @param uri the response's {@code uri}
   * @param target the request target exactly as on the request line
   * @param host the {@code Host} header, or {@code null}
   */
  static boolean names(String uri, String target, String host) {
    if (uri.equals(target)) {
      return true;
    }
    int uriScheme = schemeEnd(uri);
    int targetScheme = schemeEnd(target);
    if (targetScheme > 0 && uriScheme < 0) {
      return uri.equals(pathAndQuery(target, targetScheme));
    }
    if (uriScheme > 0 && targetScheme < 0) {
      return host != null
          && pathAndQuery(uri, uriScheme).equals(target)
          && authority(uri, uriScheme).equalsIgnoreCase(host.strip());
    }
    return false;
  }

  /**
   * The RTSP form of {@link #names}: RTSP request targets are absolute, and clients disagree on
   * what they hash. Accepted, always against what the client sent on this request line:
   *
   * <ul>
   *   <li>the target itself (ffmpeg, live555/VLC for DESCRIBE and PLAY, GStreamer);
   *   <li>its path and query alone (Bosch BVMS sends a relative path);
   *   <li>either of those with a trailing slash added or removed: live555 (VLC) hashes its base
   *       URL, the {@code Content-Base} with its slash, also for the aggregate PLAY whose request
   *       line the SDP's control may give without it;
   *   <li>in SETUP only, the aggregate (base) URL the track's URL was made from: the target without
   *       its last path segment, with or without the trailing slash, absolute or as a path (VLC
   *       hashes the base URL for a track's SETUP; HappyTime NVR drops the slash), and only when
   *       that segment is a track control ({@link #TRACK_CONTROL}) with no query of its own. So the
   *       base URL's response covers the tracks of that stream and nothing else: not {@code SETUP
   *       rtsp://h/cam/x?token=t} (the query would go unhashed, what {@link #names} refuses for
   *       HTTP), not another resource below the base. gortsplib's verifier ({@code urlMatches})
   *       accepts the same, for {@code trackID=N}.
   * </ul>
   *
   * <p>The method is in the hash, so a base-URL response for SETUP is no use for any other method.
   * No other host, port or path is accepted.
   *
   * @param uri the response's {@code uri}
   * @param target the request target exactly as on the request line
   * @param method the RTSP method
   */
  static boolean namesRtsp(String uri, String target, String method) {
    if (uri.equals(target)) {
      return true;
    }
    int scheme = schemeEnd(target);
    if (scheme < 0) {
      return false; // "*" (OPTIONS) or a relative target: only the exact string
    }
    if (sameOrItsPath(uri, target, scheme) || sameOrItsPath(uri, otherSlash(target), scheme)) {
      return true;
    }
    if (!"SETUP".equalsIgnoreCase(method)) {
      return false;
    }
    // The last '/' of the whole target: a control appended to a base URL with a query
    // ("rtsp://h/live?token=t/trackID=0", as ffmpeg builds it) leaves that base whole.
    int slash = target.lastIndexOf('/');
    if (slash < pathStart(target, scheme)
        || !TRACK_CONTROL.matcher(target.substring(slash + 1)).matches()) {
      return false; // no path segment to drop, or one that is not a track's control
    }
    String base = target.substring(0, slash);
    return sameOrItsPath(uri, base, scheme) || sameOrItsPath(uri, base + "/", scheme);
  }

  /** {@code url} with a trailing slash if it has none, without it if it has one. */
  private static String otherSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url + "/";
  }

  /** {@code uri} is {@code url} (absolute), or {@code url}'s path and query. */
  private static boolean sameOrItsPath(String uri, String url, int scheme) {
    return uri.equals(url) || (schemeEnd(uri) < 0 && uri.equals(pathAndQuery(url, scheme)));
  }

  /**
   * The index just after {@code "://"} if {@code s} starts with an RFC 3986 scheme and it, else -1.
   */
  private static int schemeEnd(String s) {
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
      if (!ok) {
        break;
      }
      i++;
    }
    return i > 0 && s.startsWith("://", i) ? i + 3 : -1;
  }

  private static int pathStart(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c == '?') {
        return i;
      }
    }
    return s.length();
  }

  private static String authority(String s, int schemeEnd) {
    return s.substring(schemeEnd, pathStart(s, schemeEnd));
  }

  /** {@code /path?query}; an empty path is {@code /} (RFC 9112 §3.2.1). */
  private static String pathAndQuery(String s, int schemeEnd) {
    String rest = s.substring(pathStart(s, schemeEnd));
    return rest.startsWith("/") ? rest : "/" + rest;
  }
}
