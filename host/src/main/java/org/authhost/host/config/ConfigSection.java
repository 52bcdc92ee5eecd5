package org.authhost.host.config;

import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A cursor over one object of {@code host.json}: it knows its JSON path (Guice's {@code
 * Errors.withSource}), so problems name where they are without paths typed at each call, and it
 * remembers every key a binder asks for, so that {@link #finish()} finds the unknown keys with no
 * separate list to keep in step with the code that reads them.
 *
 * <p>Getters record a problem and carry on with the default, so that one pass finds as much as it
 * can; the loader throws if anything was recorded, so a half-defaulted result is never used.
 *
 * <p>A section's binder must depend on nothing but its section: to name the keys of a section
 * written as the wrong type, the binder is also run on an empty section with its problems dropped.
 */
final class ConfigSection {
  private final LocatedJson.Obj object;
  private final String path;
  private final Problems problems;
  private final ConfigPaths paths;
  // In the order first asked for: that is the order the unknown-key message lists them in.
  private final Set<String> known = new LinkedHashSet<>();

  private ConfigSection(LocatedJson.Obj object, String path, Problems problems, ConfigPaths paths) {
    this.object = object;
    this.path = path;
    this.problems = problems;
    this.paths = paths;
  }

  /** The top level of a file. */
  static ConfigSection root(LocatedJson.Obj top, Problems problems, ConfigPaths paths) {
    return new ConfigSection(top, "", problems, paths);
  }

  /** This section's JSON path, such as {@code http.tls} or {@code publishingPoints[2]}. */
  String path() {
    return path;
  }

  /** Where the section starts, for problems about it as a whole. */
  LocatedJson.Pos pos() {
    return object.pos();
  }

  /** The JSON path of {@code key} in this section. */
  String pathOf(String key) {
    return JsonText.child(path, key);
  }

  // ---- Raw values ----------------------------------------------------------------------------

  /** The value under {@code key}, or {@code null}; either way the key is now known. */
  LocatedJson value(String key) {
    known.add(key);
    return object.get(key);
  }

  /** As {@link #value}, with the key's own position. */
  LocatedJson.Member member(String key) {
    known.add(key);
    return object.members().get(key);
  }

  /** The value under {@code key}, or {@code null} after reporting that it is missing. */
  LocatedJson required(String key, String expected) {
    LocatedJson value = value(key);
    if (value == null) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          object.pos(),
          path + ": missing required key " + JsonText.quote(key) + "; expected " + expected);
    }
    return value;
  }

  /** Every member, for objects whose keys the file chooses (plug-in ids, property names). */
  Collection<LocatedJson.Member> members() {
    known.addAll(object.members().keySet());
    return object.members().values();
  }

  // ---- Scalars -------------------------------------------------------------------------------

  /**
   * A whole number in {@code min..max}; {@code absent} if the key is not there or (after recording
   * why) its value is not acceptable.
   */
  long whole(String key, String noun, long min, long max, long absent) {
    Long value = wholeOrNull(key, noun, min, max, absent);
    return value == null ? absent : value;
  }

  /**
   * A whole number in {@code min..max}: {@code absent} if the key is not there, {@code null} (after
   * recording why) if it is not acceptable, so that cross-checks can skip values already refused.
   * Numbers are compared as {@link BigDecimal}, so {@code 1e30} is too large, not an overflow.
   */
  Long wholeOrNull(String key, String noun, long min, long max, long absent) {
    LocatedJson value = value(key);
    if (value == null) {
      return absent;
    }
    // Long.MAX_VALUE and Integer.MAX_VALUE are the type's limit, not a real bound: say ">= min".
    boolean open = max == Long.MAX_VALUE || max == Integer.MAX_VALUE;
    String expected = noun + (open ? " >= " + min : " from " + min + " to " + max);
    if (!(value instanceof LocatedJson.Num number) || !isWhole(number.value())) {
      bad(value, pathOf(key), expected);
      return null;
    }
    BigDecimal n = number.value();
    if (n.compareTo(BigDecimal.valueOf(min)) < 0) {
      bad(value, pathOf(key), expected);
      return null;
    }
    if (n.compareTo(BigDecimal.valueOf(max)) > 0) {
      bad(value, pathOf(key), open ? expected + " and <= " + max : expected);
      return null;
    }
    return n.longValueExact();
  }

  private static boolean isWhole(BigDecimal n) {
    return n.signum() == 0 || n.stripTrailingZeros().scale() <= 0;
  }

  boolean bool(String key, boolean absent) {
    Boolean value = boolOrNull(key, absent);
    return value == null ? absent : value;
  }

  /**
   * {@code absent} if the key is not there, {@code null} (after recording why) if not a boolean.
   */
  Boolean boolOrNull(String key, boolean absent) {
    LocatedJson value = value(key);
    if (value == null) {
      return absent;
    }
    if (value instanceof LocatedJson.Bool bool) {
      return bool.value();
    }
    bad(value, pathOf(key), "true or false");
    return null;
  }

  /**
   * One of {@code choices}, exactly as listed: {@code absent} if the key is not there, {@code null}
   * (after recording why) if the value is not one of them.
   */
  String choice(String key, List<String> choices, String absent) {
    LocatedJson value = value(key);
    if (value == null) {
      return absent;
    }
    if (value instanceof LocatedJson.Str string && choices.contains(string.value())) {
      return string.value();
    }
    bad(value, pathOf(key), JsonText.choices(choices));
    return null;
  }

  /**
   * A path value: placeholders expanded, then resolved against the configuration folder, absolute
   * and normalized. Absent or invalid values (after recording why) give {@code absent}.
   */
  Path filePath(String key, Path absent) {
    LocatedJson value = value(key);
    if (value == null) {
      return absent;
    }
    if (!(value instanceof LocatedJson.Str string) || string.value().isEmpty()) {
      bad(
          value,
          pathOf(key),
          "a non-empty path (relative paths resolve against the configuration folder)");
      return absent;
    }
    Placeholders.Expansion expansion = paths.expand(string.value());
    if (!expansion.ok()) {
      problem(value.pos(), pathOf(key) + ": " + expansion.error() + ", found " + string.describe());
      return absent;
    }
    try {
      return paths.resolve(expansion.value());
    } catch (InvalidPathException e) {
      problem(
          value.pos(),
          pathOf(key)
              + ": expected a valid path, found "
              + string.describe()
              + " ("
              + e.getReason()
              + ")");
      return absent;
    }
  }

  /** A built-in default path such as {@code ${authhost.home}/plugins}, resolved like the file's. */
  Path builtInPath(String raw) {
    return paths.builtIn(raw);
  }

  // ---- Containers ----------------------------------------------------------------------------

  /** The array under {@code key}; {@code null} if absent or (after recording why) not an array. */
  LocatedJson.Arr array(String key, String expected) {
    LocatedJson value = value(key);
    if (value == null) {
      return null;
    }
    if (value instanceof LocatedJson.Arr array) {
      return array;
    }
    bad(value, pathOf(key), expected);
    return null;
  }

  /**
   * The object under {@code key} whose keys the file chooses, read with {@link #members()}; {@code
   * null} if absent or (after recording why) not an object.
   */
  ConfigSection map(String key, String expected) {
    LocatedJson value = value(key);
    if (value == null) {
      return null;
    }
    if (value instanceof LocatedJson.Obj map) {
      return child(map, pathOf(key));
    }
    bad(value, pathOf(key), expected);
    return null;
  }

  /**
   * The section under {@code key}, bound by {@code bind} and {@linkplain #finish() finished}. An
   * absent section binds as an empty one, so every key takes its default.
   */
  <T> T section(String key, Function<ConfigSection, T> bind) {
    LocatedJson value = value(key);
    if (value == null) {
      return bind(LocatedJson.Obj.EMPTY, pathOf(key), bind);
    }
    if (value instanceof LocatedJson.Obj section) {
      return bind(section, pathOf(key), bind);
    }
    DryRun<T> dry = dryRun(pathOf(key), bind);
    bad(value, pathOf(key), "an object with the keys " + dry.keys());
    return dry.result();
  }

  /** As {@link #section}, but absent or {@code null} gives {@code null}: a feature turned off. */
  <T> T nullableSection(String key, Function<ConfigSection, T> bind) {
    LocatedJson value = value(key);
    if (value == null || value instanceof LocatedJson.Null) {
      return null;
    }
    if (value instanceof LocatedJson.Obj section) {
      return bind(section, pathOf(key), bind);
    }
    String keys = dryRun(pathOf(key), bind).keys();
    bad(value, pathOf(key), "null or an object with the keys " + keys);
    return null;
  }

  /**
   * The array of sections under {@code key}, each bound by {@code bind} at {@code key[i]}; empty if
   * absent. Elements that are not objects, and those {@code bind} gives {@code null} for, are left
   * out.
   */
  <T> List<T> sections(String key, String expected, Function<ConfigSection, T> bind) {
    LocatedJson.Arr array = array(key, expected);
    if (array == null) {
      return List.of();
    }
    List<T> result = new ArrayList<>();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(pathOf(key), i);
      T bound;
      if (element instanceof LocatedJson.Obj section) {
        bound = bind(section, elementPath, bind);
      } else {
        bad(element, elementPath, "an object with the keys " + dryRun(elementPath, bind).keys());
        bound = null;
      }
      if (bound != null) {
        result.add(bound);
      }
    }
    return result;
  }

  private <T> T bind(LocatedJson.Obj section, String sectionPath, Function<ConfigSection, T> bind) {
    ConfigSection child = child(section, sectionPath);
    T result = bind.apply(child);
    child.finish();
    return result;
  }

  private ConfigSection child(LocatedJson.Obj section, String sectionPath) {
    return new ConfigSection(section, sectionPath, problems, paths);
  }

  /**
   * Binds an empty section with its problems dropped: how a section of the wrong type learns the
   * keys to name in its message, and what defaults it stands for.
   */
  private <T> DryRun<T> dryRun(String sectionPath, Function<ConfigSection, T> bind) {
    ConfigSection dry =
        new ConfigSection(LocatedJson.Obj.EMPTY, sectionPath, new Problems(problems.file()), paths);
    T result = bind.apply(dry);
    return new DryRun<>(String.join(", ", dry.known), result);
  }

  /** What binding an empty section gave: its keys, as a message lists them, and its defaults. */
  private record DryRun<T>(String keys, T result) {}

  // ---- Problems ------------------------------------------------------------------------------

  /** Records that the value at {@code valuePath} is not what was expected. */
  void bad(LocatedJson value, String valuePath, String expected) {
    String found =
        value instanceof LocatedJson.Null
            ? "null (leave the key out to use the default)"
            : value.describe();
    problem(value.pos(), valuePath + ": expected " + expected + ", found " + found);
  }

  /**
   * {@link #bad(LocatedJson, String, String)} for the value under {@code key}, which the caller has
   * read, so the key is typed once.
   */
  void bad(String key, String expected) {
    bad(present(key), pathOf(key), expected);
  }

  /**
   * Records a bad value under {@code key} at its position, as {@code "<path of key>: " + message}:
   * the key is typed once.
   */
  void problemAt(String key, String message) {
    problem(present(key).pos(), pathOf(key) + ": " + message);
  }

  private LocatedJson present(String key) {
    LocatedJson value = value(key);
    if (value == null) {
      throw new IllegalArgumentException(pathOf(key) + " is not in the file: nothing to point at");
    }
    return value;
  }

  /** Where the key {@code key} at {@code at} is written, for a check made after the read. */
  ConfigPlace place(String key, LocatedJson.Pos at) {
    return new ConfigPlace(problems.file(), at.line(), at.column(), pathOf(key));
  }

  /** Records a bad value whose message (which names its path) a check wrote itself. */
  void problem(LocatedJson.Pos at, String message) {
    problems.add(ConfigProblem.BAD_VALUE, at, message);
  }

  /** Reports every key of this section that no getter asked for. */
  void finish() {
    List<String> allowed = List.copyOf(known);
    for (LocatedJson.Member member : object.members().values()) {
      if (known.contains(member.key())) {
        continue;
      }
      String suggestion = Misspelling.intended(member.key(), allowed);
      problems.add(
          ConfigProblem.UNKNOWN_KEY,
          member.keyPos(),
          "unknown key "
              + JsonText.quote(member.key())
              + " "
              + JsonText.where(path)
              + "; expected one of: "
              + String.join(", ", allowed)
              + (suggestion == null ? "" : " (did you mean \"" + suggestion + "\"?)"));
    }
  }
}
