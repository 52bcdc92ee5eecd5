package org.authhost.host.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.authhost.api.EventLevel;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A named value refused the way the plug-in authors' guide says (an ERROR event, then the failure),
 * by the instance that only tried it: the console's 422 quotes the plug-in, and the plug-in in
 * service, which keeps its values, shows no failure (no ERROR event, no troubleshooting entry).
 */
class ConsoleRefusedValuesTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;
  ConsoleHost console;

  @BeforeEach
  void start() throws Exception {
    console = ConsoleHost.start(root, "", 100, true);
  }

  @AfterEach
  void stop() throws Exception {
    if (console != null) {
      console.close();
    }
  }

  @Test
  void theWarningOfAnAcceptedValueIsWrittenOnce() throws Exception {
    RawHttpConnection.Response logon =
        console.call("GET", "/console/api/session", "Authorization: " + ConsoleHost.basic("root"));
    String cookie = "Cookie: " + ConsoleLogonTest.sessionCookie(logon);
    String csrf =
        ConsoleRequests.CSRF_HEADER + ": " + JSON.readTree(logon.body()).get("csrf").asText();
    long warnings = warnings();
    RawHttpConnection.Response r =
        console.send(
            "PUT",
            "/console/api/plugins/enableerror/properties",
            "{\"name\": \"keyStore\", \"value\": \"present\"}",
            cookie,
            csrf);
    assertEquals(200, r.status(), r.bodyText());
    assertEquals(warnings + 1, warnings(), "the new instance's warning, written once accepted");
  }

  private long warnings() {
    return console
        .host
        .eventLog()
        .query(EventQuery.all().withLevel(EventLevel.WARNING).withSource("enableerror"))
        .stream()
        .filter(e -> e.text().contains("readable by all"))
        .count();
  }

  @Test
  void aValueRefusedWithAnErrorEventLeavesNoFailureOfThePluginInService() throws Exception {
    RawHttpConnection.Response logon =
        console.call("GET", "/console/api/session", "Authorization: " + ConsoleHost.basic("root"));
    assertEquals(200, logon.status(), logon.bodyText());
    String cookie = "Cookie: " + ConsoleLogonTest.sessionCookie(logon);
    String csrf =
        ConsoleRequests.CSRF_HEADER + ": " + JSON.readTree(logon.body()).get("csrf").asText();
    int troubles =
        JSON.readTree(console.call("GET", "/console/api/troubleshooting", cookie).body())
            .get("entries")
            .size();
    long errors =
        console.host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR)).size();

    RawHttpConnection.Response r =
        console.send(
            "PUT",
            "/console/api/plugins/enableerror/properties",
            "{\"name\": \"keyStore\", \"value\": \"gone\"}",
            cookie,
            csrf);

    assertEquals(422, r.status(), r.bodyText());
    assertTrue(r.bodyText().contains("the key store is missing"), r.bodyText());
    assertEquals(
        errors,
        console.host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR)).size(),
        "no ERROR event");
    assertEquals(
        troubles,
        JSON.readTree(console.call("GET", "/console/api/troubleshooting", cookie).body())
            .get("entries")
            .size(),
        "no troubleshooting entry");
    for (JsonNode p : JSON.readTree(console.call("GET", "/console/api/plugins", cookie).body())) {
      if (p.get("id").asText().equals("enableerror") && p.get("state").asText().equals("CURRENT")) {
        assertFalse(p.get("statusText").asText().contains("ERROR"), p.toString());
        assertTrue(p.get("enabled").asBoolean(), p.toString());
      }
    }
  }
}
