package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.util.Modules;
import java.nio.file.Path;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.lifecycle.OperatorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A point nginx {@code auth_request} answers for must not offer NTLM: its two legs need one client
 * connection, and nginx's upstream connections are pooled. The host refuses to start, naming the
 * point, the plug-in and the fix; the same plug-in at a point nginx does not answer for is fine.
 */
class AuthRequestStartCheckTest {
  @TempDir Path root;

  private static String hostJson(String points) {
    return """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins",
            "settings": { "ntlm": { "enabled": true, "properties": { "netbiosDomain": "AUTHTEST" } } } },
          "http": { "port": 0 },
          "security": { "trustedProxies": ["127.0.0.1"] },
          "publishingPoints": [
            { "name": "hls", "prefix": "/hls/", "plugins": ["basic", "ntlm"] },
            { "name": "web", "prefix": "/web/", "plugins": ["basic"] }
          ],
          "integrations": { "nginxAuthRequest": { "path": "/.authhost/nginx", "points": %s } }
        }
        """
        .formatted(points);
  }

  @Test
  void ntlmAtAnAuthRequestPointStopsTheStartWithTheFix() throws Exception {
    Path config =
        StreamServerHosts.configFolder(
            root,
            hostJson("[\"hls\"]"),
            List.of("authhost-plugin-basic.jar", "authhost-plugin-ntlm.jar"));
    AuthHost host = AuthHost.create(ConfigLoader.load(config), Modules.EMPTY_MODULE);
    try {
      OperatorException e = assertThrows(OperatorException.class, host::start);
      assertEquals("host/connection-bound-behind-nginx", e.id());
      assertTrue(e.getMessage().contains("publishing point 'hls'"), e.getMessage());
      assertTrue(e.getMessage().contains("'ntlm' plug-in"), e.getMessage());
      assertTrue(e.getMessage().contains("Fix: remove 'ntlm'"), e.getMessage());
    } finally {
      host.stop();
    }
  }

  @Test
  void ntlmElsewhereIsFine() throws Exception {
    Path config =
        StreamServerHosts.configFolder(
            root,
            hostJson("[\"web\"]"),
            List.of("authhost-plugin-basic.jar", "authhost-plugin-ntlm.jar"));
    AuthHost host = AuthHost.create(ConfigLoader.load(config), Modules.EMPTY_MODULE);
    try {
      host.start();
      assertTrue(host.http().plainPort() > 0);
    } finally {
      host.stop();
    }
  }
}
