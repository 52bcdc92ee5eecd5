package org.authhost.plugins.digest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.authhost.api.CommandContext;
import org.authhost.api.PresentationContext;
import org.authhost.api.UserContext;

/** One request as the host describes it: the command, what it asks for, and the connecting user. */
final class FakeRequest implements CommandContext, PresentationContext, UserContext {
  final String method;
  final String target;
  final Map<String, List<String>> headers = new LinkedHashMap<>();
  String userName;
  private String address = "192.0.2.7";
  private String protocol = "HTTP";
  private long connection = 1;

  FakeRequest(String method, String target) {
    this.method = method;
    this.target = target;
    headers.put("host", List.of("127.0.0.1:8080"));
  }

  /**
   * An RTSP request as the RTSP front describes it: no Host header, the target absolute as sent, a
   * CSeq, and the client's TCP connection.
   */
  static FakeRequest rtsp(String method, String target, long connectionId, int cseq) {
    FakeRequest r = new FakeRequest(method, target);
    r.headers.clear();
    r.headers.put("cseq", List.of(Integer.toString(cseq)));
    r.protocol = "RTSP";
    r.connection = connectionId;
    return r;
  }

  FakeRequest header(String name, String value) {
    headers.put(name, List.of(value));
    return this;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String requestTarget() {
    return target;
  }

  @Override
  public Map<String, List<String>> headers() {
    return headers;
  }

  @Override
  public String publishingPoint() {
    return "private";
  }

  @Override
  public String url() {
    return target;
  }

  @Override
  public Optional<String> userAgent() {
    return Optional.empty();
  }

  @Override
  public Optional<String> userName() {
    return Optional.ofNullable(userName);
  }

  @Override
  public void setUserName(String userName) {
    this.userName = userName;
  }

  @Override
  public String ipAddress() {
    return address;
  }

  /** The same request from another client address. */
  FakeRequest from(String clientAddress) {
    this.address = clientAddress;
    return this;
  }

  @Override
  public int port() {
    return 50000;
  }

  @Override
  public String controlProtocol() {
    return protocol;
  }

  @Override
  public long connectionId() {
    return connection;
  }
}
