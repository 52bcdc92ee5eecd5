package org.authhost.api.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.junit.jupiter.api.Test;

class PluginEventsTest {
  record Logged(EventLevel level, HResult code, String text) {}

  private final List<Logged> logged = new ArrayList<>();
  private HResult answer = HResult.S_OK;
  private final EventLog log =
      (values, level, code, text) -> {
        logged.add(new Logged(level, code, text));
        return answer;
      };
  private final PluginEvents events = new PluginEvents(log, new Values());

  @Test
  void anErrorOnceLoggedIsReportedSoTheHostDoesNotLogItAgain() {
    assertEquals(
        HResult.NS_E_PLUGIN_ERROR_REPORTED, events.error(HResult.E_FAIL, "the key file is gone"));
    Logged e = logged.get(0);
    assertEquals(EventLevel.ERROR, e.level());
    assertEquals(HResult.E_FAIL, e.code());
    assertTrue(e.text().endsWith("authhost plugins enable sample"), e.text());
  }

  @Test
  void anErrorTheLogRefusedIsLeftForTheHostToLog() {
    answer = HResult.E_INVALIDARG;
    assertEquals(HResult.E_FAIL, events.error(HResult.E_FAIL, "x"));
  }

  @Test
  void clientTextIsCutShortButThePluginsOwnWordsAreKept() {
    String garbage = "A".repeat(10_000);
    events.refused(garbage);
    events.warning("lead: ", garbage, " fix: do this");
    assertEquals(PluginEvents.MAX_CLIENT_TEXT + 3, logged.get(0).text().length());
    assertEquals(EventLevel.INFORMATION, logged.get(0).level());
    assertTrue(logged.get(1).text().startsWith("lead: AAA"));
    assertTrue(logged.get(1).text().endsWith("... fix: do this"));
    assertEquals("", PluginEvents.cut(null));
  }

  private static final class Values implements NamedValues {
    @Override
    public String pluginId() {
      return "sample";
    }

    @Override
    public Optional<String> get(String name) {
      return Optional.empty();
    }

    @Override
    public Map<String, String> asMap() {
      return Map.of();
    }
  }
}
