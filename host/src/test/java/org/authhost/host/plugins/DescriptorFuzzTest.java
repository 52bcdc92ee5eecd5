package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.authhost.host.config.PluginId;

/**
 * Coverage-guided fuzzing of plug-in descriptors through {@link DescriptorReader#read}: any file in
 * the plug-in folder gives either a descriptor or problems that name the file and say what to do,
 * never an exception.
 *
 * <p>The first input byte picks what the rest is: even, the text of {@code
 * META-INF/authhost-plugin.properties} inside a well-formed JAR; odd, the whole file (a damaged or
 * foreign JAR).
 */
class DescriptorFuzzTest {
  private static final Path JAR = jar();

  private static Path jar() {
    try {
      return Files.createDirectories(Path.of("target", "descriptor-fuzz"))
          .resolve("plugin.jar")
          .toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "")
  void descriptors(byte[] input) throws IOException {
    boolean whole = input.length > 0 && (input[0] & 1) != 0;
    byte[] rest = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
    if (whole) {
      Files.write(JAR, rest);
    } else {
      try (OutputStream file = Files.newOutputStream(JAR);
          JarOutputStream zip = new JarOutputStream(file)) {
        zip.putNextEntry(new ZipEntry(PluginDescriptor.PATH));
        zip.write(rest);
        zip.closeEntry();
      }
    }
    DescriptorReader.Result result = DescriptorReader.read(JAR);
    assertNotNull(result);
    if (result.problems().isEmpty()) {
      PluginDescriptor d = result.descriptor();
      assertNotNull(d, "neither a descriptor nor a problem");
      assertTrue(PluginId.isValid(d.id()), d.id());
    } else {
      assertNull(result.descriptor(), "a descriptor despite problems");
      for (PluginProblem p : result.problems()) {
        if (!whole) {
          assertFalse(
              p.id().equals("plugin/corrupt-jar"),
              "a well-formed JAR called corrupt, for its descriptor's text: " + p);
        }
        assertEquals(JAR, p.file(), p.toString());
        assertTrue(p.id().startsWith("plugin/"), p.toString());
        assertTrue(p.hresult().failed(), p.toString());
        assertFalse(p.message().isBlank(), p.toString());
        assertFalse(p.fix().isBlank(), "a problem without a fix: " + p);
      }
    }
  }
}
