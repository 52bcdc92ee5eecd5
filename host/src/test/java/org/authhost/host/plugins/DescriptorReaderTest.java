package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
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

  private Path jar(String id) throws IOException {
    Path jar = Files.createTempFile(dir, "plugin", ".jar");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry(PluginDescriptor.PATH));
      String text =
          "id=" + id + "\nversion=1.0.0\napi-version=1.0\nentry-point=org.example.Plugin\n";
      zip.write(text.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return jar;
  }
}
