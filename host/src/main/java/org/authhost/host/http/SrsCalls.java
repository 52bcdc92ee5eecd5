package org.authhost.host.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.authhost.host.access.Right;
import org.authhost.host.config.StreamHookConfig;

/**
 * SRS's {@code http_hooks}: a JSON POST per event with {@code action}, {@code ip}, {@code app},
 * {@code stream} and {@code param}, the client's query with its leading {@code ?}
 * (srs_app_http_hooks.cpp).
 */
final class SrsCalls {
  private SrsCalls() {}

  static StreamCall read(byte[] body, StreamHookConfig config) throws MalformedCall {
    ObjectNode call = CallJson.object(body);
    String action = CallJson.required(call, "action");
    Right right;
    switch (action) {
      case "on_publish" -> right = Right.WRITE;
      case "on_play" -> right = Right.READ;
      case "on_connect" -> {
        if (!config.checkConnect()) {
          return StreamCall.notification(action);
        }
        right = Right.READ;
      }
      case "on_unpublish", "on_stop", "on_close", "on_dvr", "on_hls", "on_hls_notify" -> {
        // Notifications: SRS only logs what they are answered.
        return StreamCall.notification(action);
      }
      default -> throw new MalformedCall("unknown action " + StreamCalls.shown(action));
    }
    CallJson.textOrNumber(call, "client_id"); // its type is checked; its value is not needed
    String app = CallJson.required(call, "app");
    String stream =
        action.equals("on_connect")
            ? StreamCalls.path(config.streamPrefix(), app, "")
            : StreamCalls.path(config.streamPrefix(), app, CallJson.required(call, "stream"));
    String address = StreamCalls.address(CallJson.text(call, "ip"), "ip");
    String param = CallJson.text(call, "param");
    Map<String, List<String>> query =
        param == null || param.isEmpty()
            ? Map.of()
            : StreamCalls.fields(param.startsWith("?") ? param.substring(1) : param);
    StreamCalls.Credentials credentials = StreamCalls.credentials(query, config);
    return new StreamCall(
        action,
        true,
        right,
        stream,
        right == Right.WRITE ? "POST" : "GET",
        StreamCalls.withQuery(
            RequestTarget.encode(stream),
            param == null || !param.startsWith("?") ? param : param.substring(1)),
        address,
        credentials.account(),
        credentials.password(),
        credentials.authorization());
  }
}
