package org.authhost.host.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;

/**
 * Requests to a node over a real socket, each on a new connection, as a load balancer that picks a
 * node per request sends them: nothing of one request's connection helps the next.
 */
final class NodeRequests {
  private NodeRequests() {}

  /** {@code GET path} on the node's port with this Authorization (none when null). */
  static Response get(int port, String path, String authorization) throws IOException {
    try (RawHttpConnection connection = new RawHttpConnection("127.0.0.1", port)) {
      return connection.get(path, authorization);
    }
  }

  /**
   * A Digest client on a nonce the node at {@code port} issued in a 401 to a request without
   * credentials.
   */
  static LoadTool.DigestClient digestClient(int port, String user, String password)
      throws IOException {
    Response challenge = get(port, NodeFolders.DIGEST_PATH, null);
    assertEquals(401, challenge.status(), challenge.bodyText());
    LoadTool.DigestClient client =
        LoadTool.DigestClient.from(challenge.values("WWW-Authenticate"), user + ":" + password);
    assertNotNull(client, challenge.headers().toString());
    return client;
  }

  /** The Basic Authorization value. */
  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code response} is a challenge with {@code stale=true}. */
  static boolean stale(Response response) {
    return response.values("WWW-Authenticate").stream().anyMatch(c -> c.contains("stale=true"));
  }
}
