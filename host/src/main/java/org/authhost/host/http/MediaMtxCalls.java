package org.authhost.host.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.authhost.api.PasswordCredential;
import org.authhost.host.access.Right;
import org.authhost.host.config.MediaMtxConfig;

/**
 * MediaMTX's {@code authMethod: http}: a JSON POST with {@code ip}, {@code user}, {@code password},
 * {@code token}, {@code action}, {@code path} (without its leading {@code /}), {@code protocol},
 * {@code id}, {@code query} (internal/auth/manager.go). {@code token} repeats the password when one
 * was given, so it is a token of its own only when it differs.
 */
final class MediaMtxCalls {
  private MediaMtxCalls() {}

  /** The action's stream for {@code api}, {@code metrics} and {@code pprof}: none. */
  static final String ADMIN = "";

  static StreamCall read(byte[] body, MediaMtxConfig config) throws MalformedCall {
    ObjectNode call = CallJson.object(body);
    String action = CallJson.required(call, "action");
    String address = StreamCalls.address(CallJson.text(call, "ip"), "ip");
    for (String field : new String[] {"protocol", "query", "userAgent"}) {
      CallJson.text(call, field); // types checked, values not needed
    }
    CallJson.textOrNumber(call, "id");
    Right right;
    boolean admin = false;
    switch (action) {
      case "publish" -> right = Right.WRITE;
      case "read", "playback" -> right = Right.READ;
      case "api", "metrics", "pprof" -> {
        // The server itself, not a stream: the administrative point's write right decides.
        right = Right.WRITE;
        admin = true;
      }
      default -> throw new MalformedCall("unknown action " + StreamCalls.shown(action));
    }
    String stream = ADMIN;
    if (!admin) {
      stream = StreamCalls.path(config.streamPrefix(), CallJson.required(call, "path"), "");
      // "live/cam1" is the stream itself, not a folder: no trailing slash.
      stream = stream.substring(0, stream.length() - 1);
    }
    String user = CallJson.text(call, "user");
    String password = CallJson.text(call, "password");
    String token = CallJson.text(call, "token");
    PasswordCredential credential = null;
    String authorization = null;
    if (user != null && !user.isEmpty() && password != null && !password.isEmpty()) {
      if (user.length() > StreamCalls.MAX_VALUE || password.length() > StreamCalls.MAX_VALUE) {
        throw new MalformedCall(
            "a credential longer than " + StreamCalls.MAX_VALUE + " characters");
      }
      credential = new PasswordCredential(user, password);
    } else if (token != null && !token.isEmpty() && !token.equals(password)) {
      authorization = StreamCalls.header(config.tokenScheme(), token);
    }
    return new StreamCall(
        action,
        true,
        right,
        stream,
        right == Right.WRITE ? "POST" : "GET",
        // The client's query joins the target: a credential in it (API 1.4, url-credentials)
        // reaches its plug-in as from an HTTP client's URL.
        StreamCalls.withQuery(
            stream.isEmpty() ? "/" : RequestTarget.encode(stream), CallJson.text(call, "query")),
        address,
        user == null || user.isEmpty() ? null : user,
        credential,
        authorization);
  }
}
