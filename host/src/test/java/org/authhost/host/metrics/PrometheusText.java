package org.authhost.host.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: the Java client only
 * writes the format (no parser in {@code prometheus-metrics-exposition-textformats} or {@code
 * -formats}), and Prometheus' own parser is Go. Every line must be a {@code # HELP}, a {@code #
 * TYPE} or a sample of a family typed before it; names, label names, escapes and values are checked
 * as the format defines them, and a series may appear once. Anything else fails the test.
 */
final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample: its name, labels in order, and value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  List<Sample> samples() {
    return samples;
  }

  /**
   * The value of the one sample named {@code name} whose labels include {@code labels} (pairs of
   * name and value); 0 if there is none (a counter not yet incremented has no series).
   */
  double value(String name, String... labels) {
    List<Sample> found = find(name, labels);
    if (found.size() > 1) {
      throw new AssertionError(found.size() + " samples match " + name + " " + List.of(labels));
    }
    return found.isEmpty() ? 0 : found.get(0).value();
  }

  /** Whether any sample is named {@code name}. */
  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  List<Sample> find(String name, String... labels) {
    List<Sample> found = new ArrayList<>();
    for (Sample s : samples) {
      if (!s.name().equals(name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        all &= labels[i + 1].equals(s.labels().get(labels[i]));
      }
      if (all) {
        found.add(s);
      }
    }
    return found;
  }

  static PrometheusText parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new AssertionError("the exposition does not end with a line feed");
    }
    Map<String, String> types = new LinkedHashMap<>();
    Set<String> series = new java.util.HashSet<>();
    List<Sample> samples = new ArrayList<>();
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isEmpty()) {
        continue;
      }
      try {
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
          String[] parts = line.split(" ", 4);
          if (parts.length < 3 || !NAME.matcher(parts[2]).matches()) {
            throw new AssertionError("bad metric name");
          }
          if (line.startsWith("# TYPE ")) {
            if (parts.length != 4 || !TYPES.contains(parts[3])) {
              throw new AssertionError("bad type");
            }
            if (types.put(parts[2], parts[3]) != null) {
              throw new AssertionError("a second TYPE for " + parts[2]);
            }
          }
          continue;
        }
        if (line.startsWith("#")) {
          continue; // a comment
        }
        Sample sample = sample(line);
        if (family(sample.name(), types) == null) {
          throw new AssertionError("a sample of no family typed before it");
        }
        if (!series.add(sample.name() + sample.labels())) {
          throw new AssertionError("a series given twice");
        }
        samples.add(sample);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("line " + number + " \"" + line + "\": " + e.getMessage(), e);
      }
    }
    return new PrometheusText(List.copyOf(samples));
  }

  /** The family a sample belongs to by its name and the family's type, or null. */
  private static String family(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      String type = types.get(name);
      // A counter's samples end in _total; a histogram's and a summary's are never bare.
      return type.equals("histogram") || (type.equals("counter") && !name.endsWith("_total"))
          ? null
          : name;
    }
    for (String suffix : List.of("_total", "_created")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        if ("counter".equals(types.get(base))) {
          return base;
        }
      }
    }
    for (String suffix : List.of("_bucket", "_sum", "_count", "_created")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
          return base;
        }
      }
    }
    return null;
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (!NAME.matcher(name).matches()) {
      throw new AssertionError("bad metric name");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        if (!LABEL_NAME.matcher(label).matches()) {
          throw new AssertionError("bad label name " + label);
        }
        if (line.charAt(eq + 1) != '"') {
          throw new AssertionError("a label value not quoted");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\') {
            char next = line.charAt(++j);
            switch (next) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new AssertionError("bad escape \\" + next);
            }
          } else {
            value.append(c);
          }
          j++;
        }
        if (labels.put(label, value.toString()) != null) {
          throw new AssertionError("label " + label + " given twice");
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new AssertionError("expected , or } after a label");
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new AssertionError("expected a space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2) {
      throw new AssertionError("expected a value and an optional timestamp");
    }
    if (rest.length == 2) {
      Long.parseLong(rest[1]);
    }
    return new Sample(name, labels, value(rest[0]));
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
          throw new AssertionError("bad value " + text);
        }
        yield Double.parseDouble(text);
      }
    };
  }
}
