package org.authhost.host.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code plugins}: where plug-ins come from, how long the host waits for them, their settings. */
final class PluginsSection {
  private static final String DEFAULT_DIRECTORY = "${" + Placeholders.AUTHHOST_HOME + "}/plugins";
  private static final long DEFAULT_CALL_TIMEOUT_MILLIS = 5_000;
  private static final long DEFAULT_CALLBACK_TIMEOUT_MILLIS = 10_000;
  private static final long MAX_TIMEOUT_MILLIS = 600_000;
  private static final long MAX_RELOAD_SECONDS = 3_600;

  private PluginsSection() {}

  static PluginsConfig bind(ConfigSection plugins) {
    Path directory = plugins.filePath("directory", plugins.builtInPath(DEFAULT_DIRECTORY));
    long callTimeout =
        plugins.whole(
            "callTimeoutMillis",
            "a whole number of milliseconds",
            1,
            MAX_TIMEOUT_MILLIS,
            DEFAULT_CALL_TIMEOUT_MILLIS);
    long callbackTimeout =
        plugins.whole(
            "callbackTimeoutMillis",
            "a whole number of milliseconds",
            1,
            MAX_TIMEOUT_MILLIS,
            DEFAULT_CALLBACK_TIMEOUT_MILLIS);
    // No plug-in is required unless the file names it.
    List<String> order = ids(plugins, "order");
    BulkheadSettings defaults = BulkheadSettings.DEFAULT;
    BulkheadSettings bulkhead =
        new BulkheadSettings(
            (int)
                plugins.whole(
                    "workers",
                    "a whole number of threads",
                    1,
                    BulkheadSettings.MAX_WORKERS,
                    defaults.workers()),
            (int)
                plugins.whole(
                    "queue",
                    "a whole number of waiting calls",
                    0,
                    BulkheadSettings.MAX_QUEUE,
                    defaults.queue()),
            (int)
                plugins.whole(
                    "maxLeakedThreads",
                    "a whole number of threads",
                    0,
                    BulkheadSettings.MAX_LEAKED_THREADS,
                    defaults.maxLeakedThreads()));
    boolean requireGrants = plugins.bool("requireGrants", false);
    return new PluginsConfig(
        directory,
        callTimeout,
        callbackTimeout,
        order,
        settings(plugins),
        bulkhead,
        requireGrants,
        reload(plugins),
        integrity(plugins));
  }

  /** {@code watch}, {@code rescanSeconds}, {@code drainSeconds}, {@code unloadCheckSeconds}. */
  private static ReloadSettings reload(ConfigSection plugins) {
    ReloadSettings d = ReloadSettings.DEFAULT;
    boolean watch = plugins.bool("watch", d.watch());
    long rescan =
        plugins.whole(
            "rescanSeconds",
            "a whole number of seconds (0: follow the folder only on demand)",
            0,
            MAX_RELOAD_SECONDS,
            d.rescan().toSeconds());
    long drain =
        plugins.whole(
            "drainSeconds",
            "a whole number of seconds",
            0,
            MAX_RELOAD_SECONDS,
            d.drain().toSeconds());
    long unloadCheck =
        plugins.whole(
            "unloadCheckSeconds",
            "a whole number of seconds (0: no check)",
            0,
            MAX_RELOAD_SECONDS,
            d.unloadCheck().toSeconds());
    return new ReloadSettings(
        watch,
        java.time.Duration.ofSeconds(rescan),
        java.time.Duration.ofSeconds(drain),
        java.time.Duration.ofSeconds(unloadCheck));
  }

  /**
   * The array of plug-in ids under {@code key}, each at most once: {@code plugins.order} or a
   * publishing point's {@code plugins}. Empty if absent.
   */
  static List<String> ids(ConfigSection section, String key) {
    LocatedJson.Arr array = section.array(key, "an array of plug-in ids such as [\"anonymous\"]");
    if (array == null) {
      return List.of();
    }
    Map<String, String> firstPath = new LinkedHashMap<>();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(section.pathOf(key), i);
      if (!(element instanceof LocatedJson.Str id) || !PluginId.isValid(id.value())) {
        section.bad(element, elementPath, PluginId.EXPECTED);
      } else if (firstPath.containsKey(id.value())) {
        // The order is a ranking: a second mention is either a mistake or a contradiction.
        section.problem(
            element.pos(),
            elementPath
                + ": duplicate plug-in id "
                + id.describe()
                + ", already listed at "
                + firstPath.get(id.value())
                + "; expected each id at most once");
      } else {
        firstPath.put(id.value(), elementPath);
      }
    }
    return List.copyOf(firstPath.keySet());
  }

  private static IntegrityConfig integrity(ConfigSection plugins) {
    String mode =
        plugins.choice(
            "integrity",
            Arrays.stream(IntegrityConfig.Mode.values()).map(IntegrityConfig.Mode::text).toList(),
            IntegrityConfig.Mode.OFF.text());
    return new IntegrityConfig(
        Arrays.stream(IntegrityConfig.Mode.values())
            .filter(m -> m.text().equals(mode))
            .findFirst()
            .orElse(IntegrityConfig.Mode.OFF),
        plugins.builtInPath("${" + Placeholders.CONFIG_DIR + "}/" + IntegrityConfig.ALLOW_LIST),
        plugins.builtInPath("${" + Placeholders.CONFIG_DIR + "}/" + IntegrityConfig.TRUST_STORE),
        plugins.builtInPath(
            "${" + Placeholders.AUTHHOST_HOME + "}/lib/" + IntegrityConfig.BUILT_IN_HASHES));
  }

  private static Map<String, PluginSettings> settings(ConfigSection plugins) {
    ConfigSection settings = plugins.map("settings", "an object whose keys are plug-in ids");
    if (settings == null) {
      return Map.of();
    }
    Map<String, PluginSettings> result = new LinkedHashMap<>();
    for (LocatedJson.Member member : settings.members()) {
      if (!PluginId.isValid(member.key())) {
        settings.problem(
            member.keyPos(),
            settings.path()
                + ": key "
                + JsonText.quote(member.key())
                + " is not a plug-in id; expected "
                + PluginId.EXPECTED);
      }
      result.put(member.key(), settings.section(member.key(), PluginSettingsSection::bind));
    }
    return result;
  }
}
