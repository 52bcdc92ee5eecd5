package org.authhost.host.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;

/**
 * The top level of {@code host.json}: its own keys, and the wiring between sections. Each section
 * binds itself ({@link PluginsSection}, {@link HttpSection}, ...) through a {@link ConfigSection},
 * which also finds the keys no section asked for.
 *
 * <p>Binding builds a new {@link HostConfig} and touches nothing else, so a file can be bound again
 * while the host runs and the result swapped in whole.
 */
final class HostConfigBinder {
  private static final int MAX_SERVER_NAME_LENGTH = 63;
  private static final String DEFAULT_DATA_DIRECTORY = "../var";

  private final Path configDirectory;
  private final Problems problems;
  private final ConfigPaths paths;

  /**
   * @param configDirectory absolute and normalized; relative paths in the file resolve against it
   */
  HostConfigBinder(Path configDirectory, Problems problems, Placeholders placeholders) {
    this.configDirectory = configDirectory;
    this.problems = problems;
    this.paths = new ConfigPaths(configDirectory, placeholders);
  }

  HostConfig bind(LocatedJson root) {
    LocatedJson.Obj top;
    if (root instanceof LocatedJson.Obj obj) {
      top = obj;
    } else {
      problems.add(
          ConfigProblem.BAD_VALUE,
          root.pos(),
          "expected a JSON object at the top level (an empty {} gives all defaults), found "
              + root.describe());
      top = LocatedJson.Obj.EMPTY;
    }
    ConfigSection file = ConfigSection.root(top, problems, paths);
    // The sections are read in this order, the order the file's problems are reported in.
    HostConfig.Builder config =
        HostConfig.builder().configDirectory(configDirectory).serverName(serverName(file));
    Path dataDirectory = file.filePath("dataDirectory", file.builtInPath(DEFAULT_DATA_DIRECTORY));
    // The event log and the account store live in the data folder unless their sections say not.
    config
        .dataDirectory(dataDirectory)
        .plugins(file.section("plugins", PluginsSection::bind))
        .eventLog(
            file.section(
                "eventLog",
                section -> EventLogSection.bind(section, dataDirectory.resolve("events"))))
        .admin(file.section("admin", AdminSection::bind))
        .http(file.section("http", HttpSection::bind))
        .accounts(
            file.section(
                "accounts",
                section ->
                    AccountsSection.bind(
                        section, dataDirectory.resolve(AccountsSection.DEFAULT_FILE))))
        .security(file.section("security", SecuritySection::bind));
    List<PublishingPointConfig> publishingPoints =
        PublishingPointSection.bindAll(file, "publishingPoints");
    config
        .publishingPoints(publishingPoints)
        .integrations(
            file.section("integrations", s -> IntegrationsSection.bind(s, publishingPoints)))
        .rtsp(file.section("rtsp", RtspSection::bind))
        .state(file.section("state", StateSection::bind))
        .console(file.section("console", ConsoleSection::bind))
        .metrics(file.section("metrics", MetricsSection::bind));
    file.finish();
    return config.build();
  }

  private static String serverName(ConfigSection file) {
    LocatedJson value = file.value("serverName");
    if (value == null) {
      return localHostName();
    }
    String expected = "a non-blank name of at most " + MAX_SERVER_NAME_LENGTH + " characters";
    if (!(value instanceof LocatedJson.Str string)) {
      file.bad("serverName", expected);
      return localHostName();
    }
    String name = string.value();
    String found = null;
    if (name.isBlank()) {
      found = string.describe();
    } else if (name.codePointCount(0, name.length()) > MAX_SERVER_NAME_LENGTH) {
      found = "a name of " + name.codePointCount(0, name.length()) + " characters";
    } else if (name.chars().anyMatch(Character::isISOControl)) {
      // It is handed to plug-ins as WMS_SERVER_NAME and written to logs, where these would garble.
      found = string.describe() + ", which contains control characters";
    }
    if (found != null) {
      file.problemAt("serverName", "expected " + expected + ", found " + found);
      return localHostName();
    }
    return name;
  }

  /**
   * The machine's name as {@code WMS_SERVER_NAME} would be: its first DNS label, cut to the allowed
   * length. Host name lookup can fail on a badly set up machine; the default must not.
   */
  private static String localHostName() {
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException | SecurityException e) {
      name = System.getenv().getOrDefault("COMPUTERNAME", System.getenv("HOSTNAME"));
    }
    if (name == null || name.isBlank()) {
      return "localhost";
    }
    name = name.strip();
    int dot = name.indexOf('.');
    // An IP address (what getHostName gives when there is no name) is kept whole.
    if (dot > 0 && !name.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
      name = name.substring(0, dot);
    }
    return name.length() <= MAX_SERVER_NAME_LENGTH
        ? name
        : name.substring(0, MAX_SERVER_NAME_LENGTH);
  }
}
