package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.authhost.api.Capability;
import org.authhost.host.config.PluginId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescriptorReaderTest {
  @TempDir Path dir;

  @Test
  void descriptorIdsFollowTheConfigurationsPluginIdRule() throws IOException {
    // host.json names plug-ins by these ids: an id one side accepts and the other refuses would be
    // a plug-in that cannot be configured, or a setting that can never apply.
    for (String id :
        List.of(
            "digest", "digest.v2", "a" + "b".repeat(63), "Digest", ".x", "a" + "b".repeat(64))) {
      DescriptorReader.Result result = DescriptorReader.read(jar(id));
      assertEquals(
          PluginId.isValid(id), result.descriptor() != null, id + ": " + result.problems());
    }
  }

  @Test
  void aBadIdIsNamedWithItsFix() throws IOException {
    DescriptorReader.Result result = DescriptorReader.read(jar("Digest"));
    assertNull(result.descriptor());
    PluginProblem problem = result.problems().get(0);
    assertEquals(1, result.problems().size());
    assertEquals("plugin/bad-descriptor", problem.id());
    assertEquals(
        "META-INF/authhost-plugin.properties: id 'Digest' is not valid", problem.message());
    assertEquals("write lower-case letters, digits, '.', '_' or '-', at most 64", problem.fix());
  }

  @Test
  void nonBlockingIsDeclaredByAnApi13DescriptorAndAbsentMeansBlocking() throws IOException {
    assertTrue(
        DescriptorReader.read(jar("a", "1.3", "non-blocking=true\n")).descriptor().nonBlocking());
    assertFalse(
        DescriptorReader.read(jar("a", "1.3", "non-blocking=false\n")).descriptor().nonBlocking());
    assertFalse(DescriptorReader.read(jar("a", "1.3", "")).descriptor().nonBlocking());
    assertFalse(DescriptorReader.read(jar("a", "1.2", "")).descriptor().nonBlocking());
  }

  @Test
  void nonBlockingBeforeApi13OrWithAnotherValueIsRefusedWithItsFix() throws IOException {
    DescriptorReader.Result old = DescriptorReader.read(jar("a", "1.2", "non-blocking=true\n"));
    assertNull(old.descriptor());
    assertEquals("plugin/bad-descriptor", old.problems().get(0).id());
    assertEquals(
        "META-INF/authhost-plugin.properties: non-blocking needs api-version=1.3 or later",
        old.problems().get(0).message());
    assertEquals(
        "declare api-version=1.3 (the API that defines non-blocking), or remove the non-blocking"
            + " line",
        old.problems().get(0).fix());
    DescriptorReader.Result yes = DescriptorReader.read(jar("a", "1.3", "non-blocking=yes\n"));
    assertNull(yes.descriptor());
    assertEquals(
        "META-INF/authhost-plugin.properties: non-blocking 'yes' is not valid",
        yes.problems().get(0).message());
  }

  @Test
  void urlCredentialsAreDeclaredByAnApi14DescriptorAndRefusedBeforeOrMalformed()
      throws IOException {
    assertEquals(
        List.of("ah_sig", "ah_exp"),
        DescriptorReader.read(jar("a", "1.4", "url-credentials=ah_sig, ah_exp\n"))
            .descriptor()
            .urlCredentials());
    assertEquals(
        List.of(), DescriptorReader.read(jar("a", "1.4", "")).descriptor().urlCredentials());
    DescriptorReader.Result old = DescriptorReader.read(jar("a", "1.3", "url-credentials=token\n"));
    assertNull(old.descriptor());
    assertEquals(
        "META-INF/authhost-plugin.properties: url-credentials needs api-version=1.4 or later",
        old.problems().get(0).message());
    DescriptorReader.Result bad =
        DescriptorReader.read(jar("a", "1.4", "url-credentials=ok,a b,ok\n"));
    assertNull(bad.descriptor());
    assertEquals(2, bad.problems().size(), bad.problems().toString());
    assertTrue(bad.problems().get(0).message().contains("'a b'"), bad.problems().toString());
  }

  @Test
  void capabilitiesAreDeclaredByAnApi13DescriptorAndAPluginBuiltBeforeHoldsThemAll()
      throws IOException {
    assertEquals(
        Set.of(Capability.DIGEST_HA1, Capability.TOKEN_WITHOUT_CREDENTIAL),
        DescriptorReader.read(
                jar("a", "1.3", "capabilities = digest-ha1, token-without-credential\n"))
            .descriptor()
            .capabilities());
    PluginDescriptor none = DescriptorReader.read(jar("a", "1.3", "")).descriptor();
    assertEquals(Set.of(), none.capabilities());
    assertTrue(none.declaresCapabilities());
    assertEquals(
        Set.of(),
        DescriptorReader.read(jar("a", "1.3", "capabilities=\n")).descriptor().capabilities());
    PluginDescriptor old = DescriptorReader.read(jar("a", "1.2", "")).descriptor();
    assertEquals(EnumSet.allOf(Capability.class), old.capabilities());
    assertFalse(old.declaresCapabilities());
  }

  @Test
  void anUnknownCapabilityOrOneBeforeApi13IsRefusedNamingTheFileAndTheKnownNames()
      throws IOException {
    Path file = jar("a", "1.3", "capabilities=password-check,admin-token\n");
    DescriptorReader.Result unknown = DescriptorReader.read(file);
    assertNull(unknown.descriptor());
    PluginProblem problem = unknown.problems().get(0);
    assertEquals(1, unknown.problems().size());
    assertEquals("plugin/bad-descriptor", problem.id());
    assertEquals(file, problem.file());
    assertEquals(
        "META-INF/authhost-plugin.properties: capabilities names 'admin-token', which is not a"
            + " capability",
        problem.message());
    assertEquals(
        "write a comma list of password-check, digest-ha1, nt-hash, token-without-credential, principal-token",
        problem.fix());
    DescriptorReader.Result old =
        DescriptorReader.read(jar("a", "1.2", "capabilities=password-check\n"));
    assertNull(old.descriptor());
    assertEquals(
        "META-INF/authhost-plugin.properties: capabilities needs api-version=1.3 or later",
        old.problems().get(0).message());
  }

  @Test
  void everyProblemOfADescriptorIsARowOfItsOwnWithItsFixAndARepeatedKeyHidesNone()
      throws IOException {
    Path jar = raw("id=a\nid=b\nversion=one\napi-version=1.0\nentrypoint=org.example.Plugin\n");

    DescriptorReader.Result result = DescriptorReader.read(jar);

    assertNull(result.descriptor());
    assertEquals(
        List.of(
            "META-INF/authhost-plugin.properties: sets 'id' more than once",
            "META-INF/authhost-plugin.properties: unknown key 'entrypoint'",
            "META-INF/authhost-plugin.properties: required key 'entry-point' is missing",
            "META-INF/authhost-plugin.properties: version 'one' is not valid"),
        result.problems().stream().map(PluginProblem::message).toList());
    for (PluginProblem p : result.problems()) {
      assertEquals("plugin/bad-descriptor", p.id());
      assertEquals(jar, p.file());
      assertEquals("a", p.pluginId());
      assertTrue(p.describe().startsWith("[plugin/bad-descriptor] " + jar + ": "), p.describe());
      assertTrue(p.describe().contains(". Fix: "), p.describe());
    }
  }

  private Path raw(String descriptor) throws IOException {
    Path jar = Files.createTempFile(dir, "plugin", ".jar");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry(PluginDescriptor.PATH));
      zip.write(descriptor.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return jar;
  }

  private Path jar(String id) throws IOException {
    return jar(id, "1.0", "");
  }

  @Test
  void anApiVersionTooLargeForAnIntIsABadValueNotACrash() throws IOException {
    // Integer.parseInt threw NumberFormatException out of read(), and the host did not start.
    for (String api : List.of("99999999999.1", "1.99999999999", "1." + "9".repeat(40))) {
      DescriptorReader.Result result = DescriptorReader.read(jar("a", api, ""));
      assertNull(result.descriptor(), api);
      assertEquals(1, result.problems().size(), api);
      assertEquals(
          "META-INF/authhost-plugin.properties: api-version '" + api + "' is not major.minor",
          result.problems().get(0).message());
    }
  }

  @Test
  void aBadUnicodeEscapeIsTheDescriptorsProblemNotACorruptJar() throws IOException {
    // Properties.load's IllegalArgumentException was reported as "not a readable JAR".
    DescriptorReader.Result result =
        DescriptorReader.read(jar("a", "1.1", "description=caf\\u00g9\n"));
    assertNull(result.descriptor());
    PluginProblem problem = result.problems().get(0);
    assertEquals("plugin/bad-descriptor", problem.id());
    assertEquals(
        "META-INF/authhost-plugin.properties: the text is not a properties file"
            + " (Malformed \\uxxxx encoding.)",
        problem.message());
    assertEquals("write \\u followed by four hex digits, or \\\\ for a backslash", problem.fix());
  }

  private Path jar(String id, String api, String extra) throws IOException {
    Path jar = Files.createTempFile(dir, "plugin", ".jar");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry(PluginDescriptor.PATH));
      String text =
          "id="
              + id
              + "\nversion=1.0.0\napi-version="
              + api
              + "\nentry-point=org.example.Plugin\n"
              + extra;
      zip.write(text.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return jar;
  }
}
