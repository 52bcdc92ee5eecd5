package org.authhost.plugins.bearer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys fetched over a real socket: discovery, then {@code jwks_uri}; private parts never kept. */
class RemoteKeySourceTest {
  final RSAKey key = TestKeys.rsa("k1");
  final List<String> requests = new CopyOnWriteArrayList<>();
  HttpServer server;
  String base;
  volatile String discoveryIssuer;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    discoveryIssuer = base;
    server.createContext(
        "/.well-known/openid-configuration",
        x ->
            answer(
                x, "{\"issuer\":\"" + discoveryIssuer + "\",\"jwks_uri\":\"" + base + "/keys\"}"));
    // The provider publishing its private key by mistake: only the public part may be kept.
    server.createContext("/keys", x -> answer(x, new JWKSet(key).toString(false)));
    server.start();
  }

  private void answer(com.sun.net.httpserver.HttpExchange x, String body) throws IOException {
    requests.add(x.getRequestURI().getPath());
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(200, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void discoveryNamesTheKeysWhichAreFetchedAgainWithoutIt() throws IOException {
    KeySource source = KeySource.remote(base, Optional.empty(), 2000);
    JWKSet keys = source.fetch();
    assertEquals("k1", keys.getKeys().get(0).getKeyID());
    assertTrue(keys.getKeys().stream().noneMatch(k -> k.isPrivate()), "public keys only");
    source.fetch();
    assertEquals(List.of("/.well-known/openid-configuration", "/keys", "/keys"), requests);
    assertEquals(base + "/keys", source.describe());
  }

  @Test
  void aDiscoveryDocumentOfAnotherIssuerIsRefusedNamingBoth() {
    discoveryIssuer = "https://evil.test";
    IOException e =
        assertThrows(
            IOException.class, () -> KeySource.remote(base, Optional.empty(), 2000).fetch());
    assertTrue(
        e.getMessage().contains("https://evil.test") && e.getMessage().contains(base),
        e.getMessage());
  }

  @Test
  void anUnreachableProviderIsAnIoExceptionNamingTheUrl() {
    server.stop(0);
    IOException e =
        assertThrows(
            IOException.class, () -> KeySource.remote(base, Optional.empty(), 2000).fetch());
    assertTrue(e.getMessage().contains(base), e.getMessage());
  }
}
