package org.authhost.host.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection driven by hand: a request with a chosen {@code Authorization}
 * goes out, one answer comes back. For the handshakes that must stay on one connection (NTLM,
 * Negotiate), where what a test needs to see is exactly which header went on which connection.
 */
public final class RawHttpConnection implements AutoCloseable {

  /** One answer: its status, headers in arrival order ("Name: value") and body. */
  public record Response(int status, List<String> headers, byte[] body) {

    /** Every value of the header {@code name}, in order. */
    public List<String> values(String name) {
      List<String> out = new ArrayList<>();
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      for (String h : headers) {
        if (h.toLowerCase(Locale.ROOT).startsWith(prefix)) {
          out.add(h.substring(prefix.length()).strip());
        }
      }
      return out;
    }

    /**
     * The data of the first {@code WWW-Authenticate: <scheme> <data>}; "" when bare, null when
     * absent.
     */
    public String challengeData(String scheme) {
      for (String v : values("WWW-Authenticate")) {
        if (v.equalsIgnoreCase(scheme)) {
          return "";
        }
        if (v.regionMatches(true, 0, scheme + " ", 0, scheme.length() + 1)) {
          return v.substring(scheme.length() + 1).strip();
        }
      }
      return null;
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String authority;

  public RawHttpConnection(String host, int port) throws IOException {
    this(host, port, null);
  }

  /** From this local address (null: the system's choice), as from a client on that address. */
  public RawHttpConnection(String host, int port, InetAddress from) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    if (from != null) {
      socket.bind(new InetSocketAddress(from, 0));
    }
    socket.setSoTimeout(20_000);
    socket.connect(new InetSocketAddress(host, port), 5_000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    authority = host + ":" + port;
  }

  /** Sends {@code GET path} with this Authorization value (none when null) and reads the answer. */
  public Response get(String path, String authorization) throws IOException {
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + authority
            + "\r\n"
            + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
            + "\r\n";
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return read();
  }

  /**
   * Sends {@code head} (the request line and header lines, without the empty line that ends them)
   * with {@code Host} added when it has none, then {@code body} with its {@code Content-Length}
   * when not null, and reads the answer: for the calls of a streaming server, whose exact bytes a
   * test copies from the server's source.
   */
  public Response send(String head, byte[] body) throws IOException {
    StringBuilder request = new StringBuilder(head.strip()).append("\r\n");
    if (!head.toLowerCase(Locale.ROOT).contains("\nhost:")) {
      request.append("Host: ").append(authority).append("\r\n");
    }
    if (body != null) {
      request.append("Content-Length: ").append(body.length).append("\r\n");
    }
    request.append("\r\n");
    out.write(
        request
            .toString()
            .replace("\r\n", "\n")
            .replace("\n", "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
    return read();
  }

  /** Writes {@code bytes} as they are and reads one answer. */
  public Response sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return read();
  }

  /** Reads one more answer: the next one to a request sent earlier (pipelined). */
  public Response readAnswer() throws IOException {
    return read();
  }

  /**
   * True when the server has closed its side (a read sees the end of the stream, or a reset); false
   * when it sends more, or nothing within the read timeout: a server that never closes must not
   * pass for one that did.
   */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private Response read() throws IOException {
    String status = line();
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP answer: " + status);
    }
    List<String> headers = new ArrayList<>();
    long length = 0;
    for (String h = line(); !h.isEmpty(); h = line()) {
      headers.add(h);
      if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Long.parseLong(h.substring(15).strip());
      }
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new EOFException("body cut short");
    }
    return new Response(Integer.parseInt(parts[1]), List.copyOf(headers), body);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("connection closed by the server");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
