package org.authhost.host.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.diagnostics.TroubleshootingList;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.lifecycle.OperatorException;
import org.authhost.host.plugins.NoSuchPluginException;
import org.authhost.host.plugins.PluginHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback endpoint the command line uses to see and change a running host: list plug-ins,
 * enable or disable one, read or clear the troubleshooting list, list the lockouts and lift one.
 * Every request needs the bearer token from {@link AdminEndpointFile}; the event log needs no
 * endpoint, the command line reads it from disk.
 */
@Singleton
public final class AdminServer extends LifeCycle {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final Pattern PLUGIN_ACTION =
      Pattern.compile("/plugins/([^/]+)/(enable|disable|reload|rollback)");
  private static final Pattern UNLOCK = Pattern.compile("/lockouts/(account|address)/(.+)/unlock");

  private final HostConfig config;
  private final PluginHost plugins;
  private final TroubleshootingList troubleshooting;
  private final LockoutRelease lockouts;
  private final ObjectMapper json = new ObjectMapper();
  private HttpServer server;
  private byte[] token;

  @Inject
  AdminServer(
      HostConfig config,
      PluginHost plugins,
      TroubleshootingList troubleshooting,
      LockoutRelease lockouts) {
    this.config = config;
    this.plugins = plugins;
    this.troubleshooting = troubleshooting;
    this.lockouts = lockouts;
  }

  @Override
  protected void doStart() throws IOException, OperatorException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String bearer = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    token = bearer.getBytes(StandardCharsets.US_ASCII);
    try {
      server =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), config.admin().port()), 16);
    } catch (BindException e) {
      throw OperatorException.portInUse(
          "the admin endpoint",
          "127.0.0.1:" + config.admin().port(),
          "admin.port",
          config.configDirectory().resolve(ConfigLoader.FILE_NAME),
          true,
          e);
    }
    // A few threads: a reload or rollback waits for the reload thread (up to minutes, behind a slow
    // InitializePlugin or an unload), and the listing, unlocks and the other reloads must not
    // wait behind it.
    server.setExecutor(
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "admin-endpoint");
              t.setDaemon(true);
              t.setContextClassLoader(AdminServer.class.getClassLoader());
              return t;
            }));
    server.createContext("/", this::handle);
    server.start();
    new AdminEndpointFile(port(), bearer, ProcessHandle.current().pid())
        .write(config.dataDirectory());
  }

  @Override
  protected void doStop() throws IOException {
    if (server != null) {
      server.stop(0);
      ((ExecutorService) server.getExecutor()).shutdownNow();
      server = null;
    }
    Files.deleteIfExists(AdminEndpointFile.of(config.dataDirectory()));
  }

  /** The bound port, or -1 before start. */
  public int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      route(exchange);
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    try {
      if (!authorized(exchange)) {
        send(
            exchange,
            401,
            Map.of(
                "error",
                // Where the token is stays with the operator: not for whoever knocks.
                "missing or wrong bearer token (the host's command line sends the right one)"));
        return;
      }
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Matcher action = PLUGIN_ACTION.matcher(path);
      Matcher unlock = UNLOCK.matcher(path);
      if (path.equals("/plugins") && method.equals("GET")) {
        send(
            exchange,
            200,
            plugins.plugins().stream()
                // Each version's own signer, found on the copy it runs from: a draining version
                // and its replacement share a file name but not always a signer.
                .map(AdminJson::plugin)
                .toList());
      } else if (path.equals("/plugins/reload") && method.equals("POST")) {
        send(exchange, 200, reloaded(plugins.reloads().reload(null)));
      } else if (action.matches()
          && method.equals("POST")
          && (action.group(2).equals("reload") || action.group(2).equals("rollback"))) {
        String id = action.group(1);
        send(
            exchange,
            200,
            reloaded(
                action.group(2).equals("reload")
                    ? plugins.reloads().reload(id)
                    : plugins.reloads().rollback(id)));
      } else if (action.matches() && method.equals("POST")) {
        String id = action.group(1);
        var view = action.group(2).equals("enable") ? plugins.enable(id) : plugins.disable(id);
        send(exchange, 200, AdminJson.plugin(view));
      } else if (path.equals("/troubleshooting") && method.equals("GET")) {
        send(
            exchange,
            200,
            Map.of(
                "dropped",
                troubleshooting.dropped(),
                "entries",
                troubleshooting.entries().stream().map(AdminJson::entry).toList()));
      } else if (path.equals("/troubleshooting") && method.equals("DELETE")) {
        send(exchange, 200, Map.of("cleared", troubleshooting.clear()));
      } else if (path.equals("/lockouts") && method.equals("GET")) {
        send(exchange, 200, lockouts.lockouts());
      } else if (unlock.matches() && method.equals("POST")) {
        send(
            exchange,
            200,
            lockouts.unlock(unlock.group(1), unlock.group(2), "the operator (admin endpoint)"));
      } else {
        send(exchange, 404, Map.of("error", "no such admin resource: " + method + " " + path));
      }
    } catch (NoSuchPluginException e) {
      send(exchange, 404, Map.of("error", e.getMessage()));
    } catch (IllegalArgumentException | IllegalStateException e) {
      send(exchange, 409, Map.of("error", e.getMessage()));
    } catch (RuntimeException e) {
      // A host bug, not the operator's: say so rather than drop the connection.
      log.error(
          "admin request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      send(exchange, 500, Map.of("error", "internal error: " + e));
    }
  }

  /** What a reload or rollback did, and the plug-ins after it. */
  private Map<String, Object> reloaded(List<String> done) {
    return Map.of(
        "done", done, "plugins", plugins.plugins().stream().map(AdminJson::plugin).toList());
  }

  private boolean authorized(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(
        token, header.substring(7).strip().getBytes(StandardCharsets.US_ASCII));
  }

  private void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public String toString() {
    return "the admin endpoint{" + state() + "}";
  }
}
