package org.authhost.host.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One edit of a JSON text: set or remove the value at a path of object keys, leaving every other
 * character as it was. Only the edited value's characters change (plus, for a new key, the comma
 * and line before it, in the style of its siblings: the same indentation, the same {@code ": "},
 * the file's line ending), so the operator's layout, key order and {@code ${...}} placeholders
 * survive, and a diff of the file shows exactly the change.
 */
final class HostJsonText {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String DEFAULT_UNIT = "  ";

  private final String text;
  private final String newline;
  private final boolean multiLine;

  private HostJsonText(String text) {
    this.text = text;
    this.newline = text.contains("\r\n") ? "\r\n" : "\n";
    this.multiLine = text.indexOf('\n') >= 0;
  }

  /**
   * {@code text} with {@code value} at {@code path}: an existing value is replaced, a missing key
   * is added after its siblings, and missing objects on the way are created.
   *
   * @throws IllegalArgumentException if {@code text} is not a JSON object or {@code path} is empty
   */
  static String set(String text, List<String> path, JsonNode value) {
    return new HostJsonText(text).doSet(path, value);
  }

  /** {@code text} without the key at {@code path}; unchanged if there is none. */
  static String remove(String text, List<String> path) {
    return new HostJsonText(text).doRemove(path);
  }

  /**
   * The JSON value of what a caller hands over: a String, Boolean, Integer, Long, a List of those,
   * a Map of String to those, or a {@link JsonNode}.
   */
  static JsonNode toJson(Object value) {
    if (value instanceof JsonNode node) {
      return node;
    }
    if (value instanceof String
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long) {
      return MAPPER.valueToTree(value);
    }
    if (value instanceof List<?> list) {
      var array = JsonNodeFactory.instance.arrayNode();
      list.forEach(element -> array.add(toJson(element)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      map.forEach((k, v) -> object.set((String) k, toJson(v)));
      return object;
    }
    throw new IllegalArgumentException(
        "cannot write "
            + (value == null ? "null" : value.getClass().getName())
            + " to host.json; expected a String, Boolean, Integer, Long, List or Map");
  }

  private String doSet(List<String> path, JsonNode value) {
    requirePath(path);
    JsonSpans.Obj parent = JsonSpans.read(text);
    for (int i = 0; i < path.size(); i++) {
      String key = path.get(i);
      JsonSpans.Member member = parent.member(key);
      JsonNode rest = nested(path.subList(i + 1, path.size()), value);
      if (member == null) {
        return insert(parent, key, rest);
      }
      boolean last = i == path.size() - 1;
      if (last || !(member.value() instanceof JsonSpans.Obj child)) {
        // A non-object on the way is replaced whole; the loader then says whether that is valid.
        return replace(parent, member, rest);
      }
      parent = child;
    }
    throw new AssertionError("the loop returns at the last key");
  }

  private String doRemove(List<String> path) {
    requirePath(path);
    JsonSpans.Obj parent = JsonSpans.read(text);
    for (int i = 0; i < path.size() - 1; i++) {
      JsonSpans.Member member = parent.member(path.get(i));
      if (member == null || !(member.value() instanceof JsonSpans.Obj child)) {
        return text;
      }
      parent = child;
    }
    JsonSpans.Member member = parent.member(path.get(path.size() - 1));
    return member == null ? text : delete(parent, member);
  }

  private static void requirePath(List<String> path) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("an edit needs a path of at least one key");
    }
  }

  /** {@code value} inside objects named by {@code keys}, outermost first. */
  private static JsonNode nested(List<String> keys, JsonNode value) {
    JsonNode node = value;
    for (int i = keys.size() - 1; i >= 0; i--) {
      node = JsonNodeFactory.instance.objectNode().set(keys.get(i), node);
    }
    return node;
  }

  private String replace(JsonSpans.Obj parent, JsonSpans.Member member, JsonNode value) {
    String indent = lineIndent(member.keyStart());
    String rendered = render(value, indent, unit(parent), isMultiLine(parent));
    return splice(member.value().start(), member.value().end(), rendered);
  }

  private String insert(JsonSpans.Obj parent, String key, JsonNode value) {
    String unit = unit(parent);
    List<JsonSpans.Member> members = parent.members();
    if (members.isEmpty()) {
      String base = lineIndent(parent.start());
      String inner = base + unit;
      String member = quote(key) + ": " + render(value, inner, unit, multiLine);
      String body = multiLine ? newline + inner + member + newline + base : member;
      return splice(parent.start() + 1, parent.end() - 1, body);
    }
    JsonSpans.Member last = members.get(members.size() - 1);
    boolean lines = isMultiLine(parent);
    String indent = lineIndent(last.keyStart());
    String member = quote(key) + separator(last) + render(value, indent, unit, lines);
    String before = lines ? "," + newline + indent : ", ";
    int at = last.value().end();
    return splice(at, at, before + member);
  }

  /**
   * Removes the member with the separator on one side, so that what is left reads as if the member
   * had never been there: before the next sibling's key, or after the previous sibling's value.
   */
  private String delete(JsonSpans.Obj parent, JsonSpans.Member member) {
    List<JsonSpans.Member> members = parent.members();
    int index = parent.indexOf(member);
    if (members.size() == 1) {
      return splice(parent.start() + 1, parent.end() - 1, "");
    }
    if (index < members.size() - 1) {
      return splice(member.keyStart(), members.get(index + 1).keyStart(), "");
    }
    return splice(members.get(index - 1).value().end(), member.value().end(), "");
  }

  /** How the sibling writes the colon: {@code ": "}, {@code ":"} or {@code " : "}. */
  private String separator(JsonSpans.Member sibling) {
    int valueStart = sibling.value().start();
    int keyEnd = valueStart;
    while (keyEnd > sibling.keyStart() && isSpaceOrColon(text.charAt(keyEnd - 1))) {
      keyEnd--;
    }
    String separator = text.substring(keyEnd, valueStart);
    return separator.indexOf('\n') >= 0 || separator.indexOf('\r') >= 0 ? ": " : separator;
  }

  private static boolean isSpaceOrColon(char c) {
    return c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  /** Whether the object's first member starts on a line of its own. */
  private boolean isMultiLine(JsonSpans.Obj object) {
    if (object.members().isEmpty()) {
      return multiLine;
    }
    return text.substring(object.start() + 1, object.members().get(0).keyStart()).indexOf('\n')
        >= 0;
  }

  /**
   * One level of indentation: how much deeper the object's members sit than the object's own line,
   * else the indentation of the file's first indented key, else two spaces.
   */
  private String unit(JsonSpans.Obj object) {
    if (!object.members().isEmpty() && isMultiLine(object)) {
      String outer = lineIndent(object.start());
      String inner = lineIndent(object.members().get(0).keyStart());
      if (inner.length() > outer.length() && inner.startsWith(outer)) {
        return inner.substring(outer.length());
      }
    }
    JsonSpans.Obj root = JsonSpans.read(text);
    if (!root.members().isEmpty() && isMultiLine(root)) {
      String first = lineIndent(root.members().get(0).keyStart());
      if (!first.isEmpty()) {
        return first;
      }
    }
    return DEFAULT_UNIT;
  }

  /** The spaces and tabs that begin the line holding {@code offset}. */
  private String lineIndent(int offset) {
    int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    int end = lineStart;
    while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t')) {
      end++;
    }
    return text.substring(lineStart, end);
  }

  private String splice(int start, int end, String replacement) {
    return text.substring(0, start) + replacement + text.substring(end);
  }

  /**
   * A value as the operator's file would hold it: objects one member a line (when the place is
   * multi-line), arrays on one line as {@code ["a", "b"]}, scalars as JSON writes them.
   */
  private String render(JsonNode value, String indent, String unit, boolean lines) {
    if (value.isObject()) {
      if (value.isEmpty()) {
        return "{}";
      }
      String inner = indent + unit;
      StringBuilder out = new StringBuilder("{");
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      boolean first = true;
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        out.append(first ? "" : ",");
        out.append(lines ? newline + inner : first ? "" : " ");
        out.append(quote(field.getKey())).append(": ");
        out.append(render(field.getValue(), inner, unit, lines));
        first = false;
      }
      return out.append(lines ? newline + indent : "").append('}').toString();
    }
    if (value.isArray()) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < value.size(); i++) {
        out.append(i == 0 ? "" : ", ").append(render(value.get(i), indent, unit, false));
      }
      return out.append(']').toString();
    }
    return write(value);
  }

  private static String quote(String key) {
    return write(JsonNodeFactory.instance.textNode(key));
  }

  private static String write(JsonNode scalar) {
    try {
      return MAPPER.writeValueAsString(scalar);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON scalar always serializes", e);
    }
  }
}
