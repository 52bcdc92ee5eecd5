package org.authhost.host.config;

import com.fasterxml.jackson.core.JsonLocation;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value that remembers where it was in the file. Jackson's own tree nodes drop locations,
 * and every problem the loader reports must point at a line and column, so {@link
 * LocatedJsonReader} builds this small tree instead.
 */
sealed interface LocatedJson
    permits LocatedJson.Obj,
        LocatedJson.Arr,
        LocatedJson.Str,
        LocatedJson.Num,
        LocatedJson.Bool,
        LocatedJson.Null {

  /** Where the value starts. */
  Pos pos();

  /** How the value reads in a message: strings quoted, numbers as written, containers by kind. */
  String describe();

  /** A 1-based line and column; 0:0 for values that are not in any file (the built-in defaults). */
  record Pos(int line, int column) {
    static final Pos NONE = new Pos(0, 0);

    static Pos of(JsonLocation location) {
      return location == null ? NONE : new Pos(location.getLineNr(), location.getColumnNr());
    }

    @Override
    public String toString() {
      return line + ":" + column;
    }
  }

  /** One {@code "key": value} of an object, with the key's own position for unknown-key reports. */
  record Member(String key, Pos keyPos, LocatedJson value) {}

  /** An object; members in file order. */
  record Obj(Pos pos, Map<String, Member> members) implements LocatedJson {
    /** What an absent section reads as, so that every key takes its default. */
    static final Obj EMPTY = new Obj(Pos.NONE, Map.of());

    public Obj {
      members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** The value of {@code key}, or {@code null} if the object does not have it. */
    LocatedJson get(String key) {
      Member member = members.get(key);
      return member == null ? null : member.value();
    }

    @Override
    public String describe() {
      return "an object";
    }
  }

  /** An array. */
  record Arr(Pos pos, List<LocatedJson> elements) implements LocatedJson {
    public Arr {
      elements = List.copyOf(elements);
    }

    @Override
    public String describe() {
      return "an array";
    }
  }

  /** A string. */
  record Str(Pos pos, String value) implements LocatedJson {
    @Override
    public String describe() {
      return JsonText.quote(value);
    }
  }

  /**
   * A number, kept exactly as written (for messages) and as a {@link BigDecimal} (so range checks
   * never overflow or round, whatever the file says).
   */
  record Num(Pos pos, String text, BigDecimal value) implements LocatedJson {
    @Override
    public String describe() {
      return JsonText.abbreviate(text);
    }
  }

  /** {@code true} or {@code false}. */
  record Bool(Pos pos, boolean value) implements LocatedJson {
    @Override
    public String describe() {
      return Boolean.toString(value);
    }
  }

  /** {@code null}. */
  record Null(Pos pos) implements LocatedJson {
    @Override
    public String describe() {
      return "null";
    }
  }
}
