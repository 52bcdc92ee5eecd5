package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PluginIdTest {
  @Test
  void acceptsLowercaseIdsOfUpTo64Characters() {
    for (String id :
        List.of("a", "0", "digest", "digest.v2", "my_plugin-1", "a" + "b".repeat(63))) {
      assertTrue(PluginId.isValid(id), id);
    }
  }

  @Test
  void refusesEverythingElse() {
    for (String id :
        List.of("", "Digest", ".hidden", "-x", "_x", "a b", "a/b", "a" + "b".repeat(64), "é")) {
      assertFalse(PluginId.isValid(id), id);
    }
  }
}
