package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rtsp} and points with an {@code rtsp://} origin: defaults, values, mistakes by place. */
class RtspConfigTest {
  @TempDir Path dir;

  @Test
  void offByDefault() throws Exception {
    RtspConfig rtsp = load("{}").rtsp();
    assertFalse(rtsp.enabled());
    assertEquals(RtspConfig.OFF, rtsp);
    assertEquals("127.0.0.1", rtsp.bindAddress());
  }

  @Test
  void portTlsAndLimitsAreRead() throws Exception {
    Files.writeString(dir.resolve("rtsp.p12"), "x");
    RtspConfig rtsp =
        load("""
                { "rtsp": { "port": 8554, "bindAddress": "0.0.0.0",
                    "tls": { "keystore": "rtsp.p12", "password": "pw" },
                    "maxHeaderBytes": 4096, "maxBodyBytes": 1000, "idleTimeoutMillis": 5000,
                    "maxSessions": 7 } }
                """)
            .rtsp();
    assertTrue(rtsp.enabled());
    assertEquals(8554, rtsp.port());
    assertEquals("0.0.0.0", rtsp.bindAddress());
    assertEquals(322, rtsp.tls().port(), "rtsps' own default port");
    assertEquals(dir.resolve("rtsp.p12").toAbsolutePath().normalize(), rtsp.tls().keystore());
    assertEquals(4096, rtsp.maxHeaderBytes());
    assertEquals(1000, rtsp.maxBodyBytes());
    assertEquals(5000, rtsp.idleTimeoutMillis());
    assertEquals(7, rtsp.maxSessions());
  }

  @Test
  void badValuesAreProblemsAtTheirPlace() {
    ConfigException e =
        failure(
            """
            {
              "rtsp": { "port": 70000, "bindAddress": "camera.local" }
            }
            """);
    assertEquals(2, e.problems().size(), e.getMessage());
    assertEquals(2, e.problems().get(0).line());
    assertTrue(e.problems().get(0).message().startsWith("rtsp.port"), e.getMessage());
    assertTrue(e.getMessage().contains("rtsp.bindAddress"), e.getMessage());
  }

  @Test
  void aPointMayHaveAnRtspOriginWithItsCredentials() throws Exception {
    PublishingPointConfig point =
        load("""
                { "publishingPoints": [ { "name": "cam", "prefix": "/cam/",
                    "origin": "rtsp://viewer:secret@127.0.0.1:8554/" } ] }
                """)
            .publishingPoints()
            .get(0);
    assertEquals("rtsp", point.origin().getScheme());
    assertEquals("viewer:secret", point.origin().getUserInfo());
    assertNull(point.directory());
  }

  @Test
  void anOriginOfAnotherSchemeNamesRtspAmongTheExpected() {
    ConfigException e =
        failure(
            """
            { "publishingPoints": [ { "name": "cam", "prefix": "/cam/",
                "origin": "rtmp://127.0.0.1/live" } ] }
            """);
    assertEquals(1, e.problems().size(), e.getMessage());
    assertEquals(2, e.problems().get(0).line());
    assertTrue(e.problems().get(0).message().contains("rtsp://"), e.getMessage());
  }

  private HostConfig load(String json) throws IOException, ConfigException {
    Files.writeString(dir.resolve("host.json"), json);
    return ConfigLoader.load(dir);
  }

  private ConfigException failure(String json) {
    return assertThrows(ConfigException.class, () -> load(json));
  }
}
