package org.authhost.host.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.authhost.host.access.Right;
import org.authhost.host.authn.UrlCredentials;
import org.authhost.host.config.StreamHookConfig;

/**
 * nginx-rtmp's notify calls ({@code on_connect}, {@code on_publish}, {@code on_play}, {@code
 * on_update}, {@code on_*_done}): form fields in a POST body, or in the query with {@code
 * notify_method get}. {@code call} says which; {@code app}, {@code name} and {@code addr} say where
 * and who; the client's own URL query follows as more fields (ngx_rtmp_notify_module.c).
 */
final class NginxRtmpCalls {
  /**
   * The fields nginx-rtmp writes itself, in any of its calls (ngx_rtmp_notify_module.c); every
   * other field is the client's URL query.
   */
  private static final Set<String> NGINX_FIELDS =
      Set.of(
          "call",
          "app",
          "flashver",
          "swfurl",
          "tcurl",
          "pageurl",
          "addr",
          "clientid",
          "epoch",
          "name",
          "type",
          "start",
          "duration",
          "reset",
          "time",
          "timestamp",
          "recorder",
          "path");

  private NginxRtmpCalls() {}

  static StreamCall read(FullHttpRequest request, StreamHookConfig config) throws MalformedCall {
    String form;
    if (request.method().equals(HttpMethod.GET)) {
      String query = RequestTarget.query(request.uri());
      form = query == null ? "" : query;
    } else if (request.method().equals(HttpMethod.POST)) {
      form = text(request.content());
    } else {
      throw new MalformedCall("method " + request.method() + "; expected POST or GET");
    }
    return read(form, config);
  }

  /** The call from its form ({@code a=b&c=d}); also the fuzz target's entry. */
  static StreamCall read(String form, StreamHookConfig config) throws MalformedCall {
    return read(StreamCalls.fields(form), clientQuery(form), config);
  }

  /**
   * The client's own URL query out of the call's form: its fields that nginx-rtmp does not write
   * itself, as they came (still percent-encoded, in their order). It joins the call's target, so
   * that a credential in it (API 1.4, {@code url-credentials}: a signed URL, a bearer token)
   * reaches its plug-in as from an HTTP client's URL.
   */
  static String clientQuery(String form) {
    StringBuilder query = new StringBuilder();
    for (String pair : form.split("&")) {
      if (pair.isEmpty() || NGINX_FIELDS.contains(UrlCredentials.name(pair))) {
        continue;
      }
      if (query.length() > 0) {
        query.append('&');
      }
      query.append(pair);
    }
    return query.toString();
  }

  private static StreamCall read(
      Map<String, List<String>> fields, String clientQuery, StreamHookConfig config)
      throws MalformedCall {
    String call = StreamCalls.required(fields, "call");
    Right right;
    switch (call) {
      case "publish", "update_publish" -> right = Right.WRITE;
      case "play", "update_play" -> right = Right.READ;
      case "connect" -> {
        if (!config.checkConnect()) {
          // ffmpeg sends its query with publish and play, not with connect: checked there.
          return StreamCall.notification(call);
        }
        right = Right.READ;
      }
      case "publish_done", "play_done", "done", "record_done", "disconnect" -> {
        return StreamCall.notification(call);
      }
      default -> throw new MalformedCall("unknown call " + StreamCalls.shown(call));
    }
    String app = StreamCalls.required(fields, "app");
    String name = call.equals("connect") ? "" : StreamCalls.required(fields, "name");
    String stream = StreamCalls.path(config.streamPrefix(), app, name);
    String address = StreamCalls.address(StreamCalls.first(fields, "addr"), "addr");
    StreamCalls.Credentials credentials = StreamCalls.credentials(fields, config);
    return new StreamCall(
        call,
        true,
        right,
        stream,
        right == Right.WRITE ? "POST" : "GET",
        StreamCalls.withQuery(RequestTarget.encode(stream), clientQuery),
        address,
        credentials.account(),
        credentials.password(),
        credentials.authorization());
  }

  /** The body as UTF-8, refused when it is not (a form is ASCII; its escapes decode to UTF-8). */
  static String text(ByteBuf content) throws MalformedCall {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(content.nioBuffer())
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedCall("body is not UTF-8 text");
    }
  }
}
