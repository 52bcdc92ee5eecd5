package org.authhost.host.kit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Injector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.authhost.host.AuthHost;
import org.authhost.host.accounts.AccountStore;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.containment.Containment;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.plugins.ContainmentSetup;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.plugins.PluginServices;
import org.authhost.host.time.Scheduler;
import org.authhost.host.tokens.TokenTable;

/**
 * The host's real services around one plug-in, in a throwaway folder: its configuration, account
 * store, event log and plug-in folder. No port is opened; nothing outlives {@link #close()}.
 */
final class KitHost implements AutoCloseable {
  private final Path root;
  private final PluginHost plugins;
  private final EventLogStore events;
  private final TokenTable tokens;
  private final LifeCycle scheduler;
  private final ServiceFaults faults;

  private KitHost(Path root, Injector services, ServiceFaults faults) {
    this.root = root;
    this.faults = faults;
    this.plugins = services.getInstance(PluginHost.class);
    this.events = services.getInstance(EventLogStore.class);
    this.tokens = services.getInstance(TokenTable.class);
    this.scheduler = services.getInstance(Scheduler.class) instanceof LifeCycle l ? l : null;
  }

  /** A host whose plug-in folder holds a copy of {@code jar} alone; not started. */
  static KitHost create(Path jar, String pluginId, KitOptions options) throws Exception {
    Path root = Files.createTempDirectory("authhost-kit");
    try {
      Path config = Files.createDirectories(root.resolve("config"));
      Path pluginFolder = Files.createDirectories(root.resolve("plugins"));
      Files.copy(jar, pluginFolder.resolve(jar.getFileName()));
      Files.writeString(config.resolve(ConfigLoader.FILE_NAME), hostJson(pluginId, options));
      HostConfig hostConfig = ConfigLoader.load(config);
      ServiceFaults faults = new ServiceFaults();
      Injector services =
          AuthHost.services(
              hostConfig,
              binder -> {
                binder.bind(PluginServices.class).toInstance(faults);
                binder.bind(ContainmentSetup.class).toInstance(KitHost::noContainment);
              });
      AccountStore accounts = services.getInstance(AccountStore.class);
      for (Map.Entry<String, String> a : options.accounts().entrySet()) {
        accounts.addUser(a.getKey(), "", List.of(), a.getValue().toCharArray());
      }
      return new KitHost(root, services, faults);
    } catch (Exception | Error e) {
      deleteTree(root);
      throw e;
    }
  }

  private static String hostJson(String pluginId, KitOptions options) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode host = json.createObjectNode();
    host.put("serverName", "authhost-kit");
    host.put("dataDirectory", "../var");
    ObjectNode plugins = host.putObject("plugins");
    plugins.put("directory", "../plugins");
    plugins.put("callTimeoutMillis", options.callTimeout().toMillis());
    plugins.put("callbackTimeoutMillis", options.callbackTimeout().toMillis());
    // One load of the JAR, as it is: the kit does not follow the folder.
    plugins.put("rescanSeconds", 0);
    ObjectNode settings = plugins.putObject("settings").putObject(pluginId);
    settings.put("enabled", true);
    ObjectNode properties = settings.putObject("properties");
    options.properties().forEach(properties::put);
    ObjectNode eventLog = host.putObject("eventLog");
    eventLog.put("maxBytes", 16 * 1024 * 1024);
    eventLog.put("segmentBytes", 1024 * 1024);
    host.putObject("http").put("port", 0);
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(host);
  }

  /**
   * The kit runs in a plug-in author's test JVM (or the command line's): it does not attach the
   * containment agent there and rewrite that JVM's JDK classes, so a plug-in that calls {@code
   * System.exit} or reflects into the host is caught only by a host started with the launcher.
   */
  private static Containment.Status noContainment() {
    return new Containment.Status(
        false,
        "the contract kit does not install the containment agent in the JVM it runs in (a host"
            + " started with the authhost launcher does)");
  }

  /** Loads the plug-in: constructor, InitializePlugin, EnablePlugin, as a host starts. */
  void start() throws Exception {
    if (scheduler != null) {
      scheduler.start();
    }
    plugins.start();
  }

  PluginHost plugins() {
    return plugins;
  }

  EventLogStore events() {
    return events;
  }

  TokenTable tokens() {
    return tokens;
  }

  /** The host services as the plug-in meets them, failing on demand. */
  ServiceFaults faults() {
    return faults;
  }

  /** DisablePlugin, ShutdownPlugin and unload, as a host stops; the event log stays readable. */
  void stopPlugins() throws Exception {
    plugins.stop();
  }

  @Override
  public void close() throws Exception {
    try {
      plugins.stop();
      if (scheduler != null) {
        scheduler.stop();
      }
    } finally {
      events.close();
      deleteTree(root);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
