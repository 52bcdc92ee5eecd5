package org.authhost.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.authhost.api.AuthHostApi;
import org.authhost.api.Capability;
import org.authhost.api.HResult;
import org.authhost.host.config.PluginId;
import org.authhost.host.config.UrlCredentialParameter;

/**
 * Reads and checks a plug-in JAR's descriptor, strictly: a missing key, an unknown key, a repeated
 * key or a bad value refuses the plug-in, naming the file and the key (Elasticsearch's rule).
 */
final class DescriptorReader {
  private static final Pattern VERSION =
      Pattern.compile("\\d+(\\.\\d+){0,3}([-.+][0-9A-Za-z.-]+)?");
  private static final Pattern CLASS_NAME =
      Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
  private static final Set<String> REQUIRED = Set.of("id", "version", "api-version", "entry-point");
  private static final List<String> KNOWN =
      List.of(
          "id",
          "version",
          "api-version",
          "entry-point",
          "description",
          PluginDescriptor.NON_BLOCKING,
          PluginDescriptor.CAPABILITIES,
          PluginDescriptor.URL_CREDENTIALS);

  /** The outcome: a descriptor, or the problems that refuse the file. */
  record Result(PluginDescriptor descriptor, List<PluginProblem> problems) {}

  private DescriptorReader() {}

  static Result read(Path jar) {
    String fileName = jar.getFileName().toString();
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> repeated = new LinkedHashSet<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry entry = zip.getEntry(PluginDescriptor.PATH);
      if (entry == null) {
        return refused(
            new PluginProblem(
                "plugin/missing-descriptor",
                fileName,
                jar,
                HResult.E_BAD_FORMAT,
                "the JAR has no " + PluginDescriptor.PATH,
                "add "
                    + PluginDescriptor.PATH
                    + " with id, version, api-version and entry-point "
                    + "(see docs/plugin-authors.md), or remove the file from the plug-in folder"));
      }
      try (InputStream in = zip.getInputStream(entry)) {
        parse(in, values, repeated);
      } catch (IllegalArgumentException e) {
        // Properties.load on a bad \\u escape: the descriptor's text is wrong, not the JAR.
        return refused(
            bad(
                jar,
                fileName,
                "the text is not a properties file (" + e.getMessage() + ")",
                "write \\u followed by four hex digits, or \\\\ for a backslash"));
      }
    } catch (IOException | IllegalArgumentException e) {
      return refused(
          new PluginProblem(
              "plugin/corrupt-jar",
              fileName,
              jar,
              HResult.E_BAD_FORMAT,
              "the file is not a readable JAR (" + e.getMessage() + ")",
              "replace it with a complete copy of the plug-in JAR (a partial download or copy is the usual "
                  + "cause), or remove it"));
    }
    return check(jar, values, repeated);
  }

  /**
   * Every problem of the descriptor, one each, so that the author fixes the file once: a repeated
   * key does not hide an unknown one nor a bad value.
   */
  private static Result check(Path jar, Map<String, String> values, Set<String> repeated) {
    String fileName = jar.getFileName().toString();
    String id = values.getOrDefault("id", fileName);
    if (!PluginId.isValid(id)) {
      // Rows and events about the file go under its name until it has an id that can be one.
      id = fileName;
    }
    List<PluginProblem> problems = new ArrayList<>();
    for (String key : repeated) {
      problems.add(
          bad(
              jar,
              id,
              "sets '" + key + "' more than once",
              "keep one '" + key + "' line (the host will not guess which one you meant)"));
    }
    for (String key : values.keySet()) {
      if (!KNOWN.contains(key)) {
        problems.add(
            bad(
                jar,
                id,
                "unknown key '" + key + "'",
                "remove it; the keys are " + String.join(", ", KNOWN)));
      }
    }
    for (String key : List.of("id", "version", "api-version", "entry-point")) {
      if (REQUIRED.contains(key) && values.getOrDefault(key, "").isBlank()) {
        problems.add(bad(jar, id, "required key '" + key + "' is missing", "add " + key + "=..."));
      }
    }
    check(problems, jar, id, values, "id", PluginId::isValid, PluginId.DESCRIPTOR_EXPECTED);
    check(
        problems,
        jar,
        id,
        values,
        "version",
        VERSION.asMatchPredicate(),
        "a version such as 1.2.0");
    check(
        problems,
        jar,
        id,
        values,
        "entry-point",
        CLASS_NAME.asMatchPredicate(),
        "a fully qualified class name");
    String api = values.get("api-version");
    ApiVersion apiVersion = null;
    int apiMinor = -1;
    if (api != null && !api.isBlank()) {
      apiVersion = ApiVersion.parse(api).orElse(null);
      if (apiVersion == null) {
        problems.add(
            bad(
                jar,
                id,
                "api-version '" + api + "' is not major.minor",
                "write e.g. api-version=" + AuthHostApi.VERSION));
      } else if (!apiVersion.isProvided()) {
        apiMinor = Integer.MAX_VALUE;
        problems.add(
            new PluginProblem(
                "plugin/incompatible-api",
                id,
                jar,
                HResult.E_REVISION_MISMATCH,
                "built for plug-in API "
                    + api
                    + " but this host provides API "
                    + AuthHostApi.VERSION,
                "install a version of the plug-in built for API "
                    + AuthHostApi.MAJOR
                    + ".x (x <= "
                    + AuthHostApi.MINOR
                    + "), or a host that provides API "
                    + api));
      } else {
        apiMinor = apiVersion.minor();
      }
    }
    boolean nonBlocking = nonBlocking(problems, jar, id, values, apiMinor);
    Set<Capability> capabilities = capabilities(problems, jar, id, values, apiMinor);
    List<String> urlCredentials = urlCredentials(problems, jar, id, values, apiMinor);
    if (!problems.isEmpty()) {
      return new Result(null, List.copyOf(problems));
    }
    return new Result(
        new PluginDescriptor(
            values.get("id"),
            values.get("version"),
            apiVersion,
            values.get("entry-point"),
            values.getOrDefault("description", ""),
            jar,
            nonBlocking,
            capabilities,
            urlCredentials),
        List.of());
  }

  /**
   * {@code url-credentials}: a comma list of query parameter names that carry the plug-in's
   * credential in a request URL, only in a descriptor for API 1.4 or later (an older host would not
   * strip them from what it forwards and logs).
   */
  private static List<String> urlCredentials(
      List<PluginProblem> problems, Path jar, String id, Map<String, String> values, int minor) {
    String key = PluginDescriptor.URL_CREDENTIALS;
    String value = values.get(key);
    if (value == null) {
      return List.of();
    }
    if (minor >= 0 && minor < PluginDescriptor.URL_CREDENTIALS_SINCE_MINOR) {
      problems.add(
          bad(
              jar,
              id,
              key
                  + " needs api-version=1."
                  + PluginDescriptor.URL_CREDENTIALS_SINCE_MINOR
                  + " or later",
              "declare api-version=1."
                  + PluginDescriptor.URL_CREDENTIALS_SINCE_MINOR
                  + " (the API that defines "
                  + key
                  + "), or remove the "
                  + key
                  + " line"));
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      String n = name.strip();
      if (n.isEmpty() && value.isBlank()) {
        continue;
      }
      if (!UrlCredentialParameter.isValid(n) || names.contains(n)) {
        problems.add(
            bad(
                jar,
                id,
                key + " names '" + n + "', which is not valid or named twice",
                "write a comma list of distinct names, each " + UrlCredentialParameter.EXPECTED));
      } else {
        names.add(n);
      }
    }
    if (names.size() > UrlCredentialParameter.MAX_PER_PLUGIN) {
      problems.add(
          bad(
              jar,
              id,
              key + " names " + names.size() + " parameters",
              "name at most " + UrlCredentialParameter.MAX_PER_PLUGIN));
    }
    return List.copyOf(names);
  }

  /**
   * {@code capabilities}: a comma list of {@link Capability} names, only in a descriptor for API
   * 1.3 or later. Without the key a 1.3 plug-in declares none; a plug-in built before 1.3 cannot
   * declare any and holds them all.
   */
  private static Set<Capability> capabilities(
      List<PluginProblem> problems, Path jar, String id, Map<String, String> values, int minor) {
    String key = PluginDescriptor.CAPABILITIES;
    String value = values.get(key);
    boolean predates = minor >= 0 && minor < PluginDescriptor.CAPABILITIES_SINCE_MINOR;
    if (value == null) {
      return predates ? EnumSet.allOf(Capability.class) : Set.of();
    }
    if (predates) {
      problems.add(
          bad(
              jar,
              id,
              key
                  + " needs api-version=1."
                  + PluginDescriptor.CAPABILITIES_SINCE_MINOR
                  + " or later",
              "declare api-version=1."
                  + PluginDescriptor.CAPABILITIES_SINCE_MINOR
                  + " (the API that defines "
                  + key
                  + "), or remove the "
                  + key
                  + " line"));
      return Set.of();
    }
    Set<Capability> declared = EnumSet.noneOf(Capability.class);
    for (String name : value.split(",", -1)) {
      String n = name.strip();
      if (n.isEmpty() && value.isBlank()) {
        continue;
      }
      Capability.named(n)
          .ifPresentOrElse(
              declared::add,
              () ->
                  problems.add(
                      bad(
                          jar,
                          id,
                          key + " names '" + n + "', which is not a capability",
                          "write a comma list of " + Capability.allNames())));
    }
    return declared;
  }

  /**
   * {@code non-blocking}: {@code true} or {@code false}, and only in a descriptor for API 1.3 or
   * later, since a host before it would not know the key and the plug-in promises what 1.3 means by
   * it.
   */
  private static boolean nonBlocking(
      List<PluginProblem> problems, Path jar, String id, Map<String, String> values, int minor) {
    String key = PluginDescriptor.NON_BLOCKING;
    String value = values.get(key);
    if (value == null) {
      return false;
    }
    if (!value.equals("true") && !value.equals("false")) {
      problems.add(bad(jar, id, key + " '" + value + "' is not valid", "write true or false"));
      return false;
    }
    if (minor >= 0 && minor < PluginDescriptor.NON_BLOCKING_SINCE_MINOR) {
      problems.add(
          bad(
              jar,
              id,
              key
                  + " needs api-version=1."
                  + PluginDescriptor.NON_BLOCKING_SINCE_MINOR
                  + " or later",
              "declare api-version=1."
                  + PluginDescriptor.NON_BLOCKING_SINCE_MINOR
                  + " (the API that defines "
                  + key
                  + "), or remove the "
                  + key
                  + " line"));
      return false;
    }
    return value.equals("true");
  }

  private static void check(
      List<PluginProblem> problems,
      Path jar,
      String id,
      Map<String, String> values,
      String key,
      Predicate<String> valid,
      String expected) {
    String value = values.get(key);
    if (value != null && !value.isBlank() && !valid.test(value)) {
      problems.add(bad(jar, id, key + " '" + value + "' is not valid", "write " + expected));
    }
  }

  private static PluginProblem bad(Path jar, String id, String message, String fix) {
    return new PluginProblem(
        "plugin/bad-descriptor",
        id,
        jar,
        HResult.E_BAD_FORMAT,
        PluginDescriptor.PATH + ": " + message,
        fix);
  }

  private static Result refused(PluginProblem problem) {
    return new Result(null, List.of(problem));
  }

  /** Reads the properties into {@code values}, noting in {@code repeated} each key set again. */
  private static void parse(InputStream in, Map<String, String> values, Set<String> repeated)
      throws IOException {
    Properties strict =
        new Properties() {
          private static final long serialVersionUID = 1L;

          @Override
          public synchronized Object put(Object key, Object value) {
            if (values.putIfAbsent(key.toString().strip(), value.toString().strip()) != null) {
              repeated.add(key.toString().strip());
            }
            return null;
          }
        };
    strict.load(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
