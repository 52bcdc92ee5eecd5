package org.authhost.host.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.EventLevel;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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

  /**
   * A warning the new instance logs from a thread of its own while its values are tried, and that
   * is still on its way (between the host's trial check and its keeping of the event) as the values
   * are accepted: written once, with the accepted values, never dropped between the two.
   */
  @Test
  void aWarningOnItsWayAsTheValuesAreAcceptedIsWrittenOnce() throws Exception {
    RawHttpConnection.Response logon =
        console.call("GET", "/console/api/session", "Authorization: " + ConsoleHost.basic("root"));
    String cookie = "Cookie: " + ConsoleLogonTest.sessionCookie(logon);
    String csrf =
        ConsoleRequests.CSRF_HEADER + ": " + JSON.readTree(logon.body()).get("csrf").asText();
    String name = "console.later." + System.nanoTime();
    CountDownLatch onItsWay = new CountDownLatch(1);
    CountDownLatch accepted = new CountDownLatch(1);
    System.getProperties().put(name, onItsWay);
    // The host's log line for a held event comes between its trial check and what follows it:
    // the warning's thread waits there until the change has been answered.
    Logger log = (Logger) LoggerFactory.getLogger("org.authhost.host.plugins.HostEventLog");
    Level level = log.getLevel();
    log.setLevel(Level.INFO);
    AppenderBase<ILoggingEvent> stall =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent e) {
            if (e.getFormattedMessage().contains("a later warning")) {
              onItsWay.countDown();
              try {
                accepted.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    stall.setContext(log.getLoggerContext());
    stall.start();
    log.addAppender(stall);
    try {
      RawHttpConnection.Response r =
          console.send(
              "PUT",
              "/console/api/plugins/enableerror/properties",
              "{\"name\": \"laterWarning\", \"value\": \"" + name + "\"}",
              cookie,
              csrf);
      assertEquals(200, r.status(), r.bodyText());
      assertTrue(onItsWay.await(0, TimeUnit.SECONDS), "the warning was on its way");
    } finally {
      accepted.countDown();
      log.detachAppender(stall);
      log.setLevel(level);
      System.getProperties().remove(name);
    }
    assertEquals(
        1,
        console
            .host
            .eventLog()
            .query(EventQuery.all().withLevel(EventLevel.WARNING).withSource("enableerror"))
            .stream()
            .filter(e -> e.text().contains("a later warning"))
            .count(),
        "written with the accepted values, not dropped");
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
