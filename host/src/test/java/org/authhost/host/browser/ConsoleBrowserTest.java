package org.authhost.host.browser;

import static org.authhost.host.browser.ConsoleHost.ADMIN;
import static org.authhost.host.browser.ConsoleHost.ADMIN_PASSWORD;
import static org.authhost.host.browser.ConsoleHost.curl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.authhost.host.testing.Chromium;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The operator's console in Debian's Chromium against a real host (real plug-in JARs, real
 * sockets): the flows of issue 17, one browser for the class, logged on as an administrator first.
 * The methods run in order because they share that browser's session, as an operator's visit does.
 *
 * <p>Logging on: Chromium answers the console's Digest challenge with the credentials of the URL
 * ({@code http://root:pw@127.0.0.1:PORT/console/}), headless and without DevTools, so the test logs
 * on exactly as a browser does, through the host's Digest plug-in (the audit trail says so).
 */
@ExtendWith(Chromium.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  @TempDir static Path root;
  static ConsoleHost app;
  static String originalHostJson;

  @BeforeAll
  static void start() throws Exception {
    app = ConsoleHost.start(root);
    originalHostJson = app.hostJson();
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      app.stop();
    }
  }

  @Test
  @Order(1)
  void anAdministratorLogsOnWithDigest(WebDriver browser) throws Exception {
    // The page's API calls go to location.origin: a page URL with credentials in it works too.
    browser.get(app.consoleUrl("127.0.0.1", ADMIN, ADMIN_PASSWORD));

    ConsolePage page = new ConsolePage(browser);
    page.waitLoaded("plugins");
    assertTrue(page.text("#whoami").endsWith(ADMIN), page.text("#whoami"));
    assertEquals("administrator", page.body().getAttribute("data-role"));
    assertEquals("testhost", page.text("#server-name"));
    page.waitFor(By.cssSelector("#plugins-table tr[data-plugin=digest]"));
    assertEquals(
        "d, console", page.text("#plugins-table tr[data-plugin=digest] td[data-test=offered-at]"));
    WebElement rollback =
        page.find("#plugins-table tr[data-plugin=digest] button[data-action=rollback]");
    assertFalse(rollback.isEnabled(), "nothing to roll back to");
    assertTrue(rollback.getAttribute("title").startsWith("nothing to roll back to"));
    Chromium.screenshot(browser, "plugins");

    page.show("audit");
    page.waitText("#audit-table tbody", "plugin=digest");
    String logon = page.rowContaining("#audit-table", "logon succeeded").getText();
    assertTrue(logon.contains(ADMIN) && logon.contains("plugin=digest"), logon);
  }

  @Test
  @Order(2)
  void aPluginThatFailsIsShownInErrorWithItsErrorText(WebDriver browser) throws Exception {
    ConsolePage page = new ConsolePage(browser);
    page.show("plugins");
    assertEquals("ENABLED", page.pluginStatus("throwing"));

    assertEquals(503, curl("http://127.0.0.1:" + app.httpPort() + "/broken/hello.txt"));
    page.click("#plugins-refresh");

    page.waitUntil(() -> "ERROR".equals(page.pluginStatus("throwing")));
    WebElement row = page.find("#plugins-table tr[data-plugin=throwing]");
    String errorText = row.findElement(By.cssSelector("td[data-test=error-text]")).getText();
    assertTrue(errorText.contains("the credential cache is corrupt"), errorText);
    assertTrue(
        row.findElement(By.cssSelector("span[data-test=status]"))
            .getAttribute("class")
            .contains("error"),
        "shown with colour as well as text");
    assertFalse(page.text("#troubleshooting-count").startsWith("0 "));
    page.waitText("#troubleshooting-table tbody", "throwing");
    Chromium.screenshot(browser, "plugins-error");
  }

  @Test
  @Order(3)
  void disablingDigestTakesItOutOfTheChallengeListAndWritesHostJson(WebDriver browser)
      throws Exception {
    ConsolePage page = new ConsolePage(browser);
    page.show("plugins");
    assertEquals(List.of("Digest", "Basic"), challengeSchemes());

    page.clickChange("#plugins-table tr[data-plugin=digest] button[data-action=disable]");

    page.waitFor(By.cssSelector("#plugins-table tr[data-plugin=digest][data-enabled=false]"));
    assertEquals("DISABLED", page.pluginStatus("digest"));
    assertEquals("ok", page.messageKind(), page.text("#message"));
    assertEquals(List.of("Basic"), challengeSchemes());
    assertEquals(digestEnabledIs(false), app.hostJson(), "only the one value changed");
    assertEquals(
        "d (disabled), console (disabled)",
        page.text("#plugins-table tr[data-plugin=digest] td[data-test=offered-at]"),
        "where it is offered once enabled");

    page.clickChange("#plugins-table tr[data-plugin=digest] button[data-action=enable]");

    page.waitFor(By.cssSelector("#plugins-table tr[data-plugin=digest][data-enabled=true]"));
    assertEquals("ok", page.messageKind(), page.text("#message"));
    assertEquals(List.of("Digest", "Basic"), challengeSchemes());
    assertEquals(originalHostJson, app.hostJson());
  }

  @Test
  @Order(4)
  void theTroubleshootingListIsCleared(WebDriver browser) throws Exception {
    ConsolePage page = new ConsolePage(browser);
    page.show("plugins");
    assertFalse(page.findAll("#troubleshooting-table tbody tr:not([data-test=empty])").isEmpty());

    page.clickChange("#troubleshooting-clear");

    page.waitText("#troubleshooting-count", "0 entries");
    assertTrue(page.findAll("#troubleshooting-table tbody tr:not([data-test=empty])").isEmpty());
    assertEquals(1, page.findAll("#troubleshooting-table tbody tr[data-test=empty]").size());
    assertEquals(0, app.host.troubleshooting().entries().size());
  }

  @Test
  @Order(5)
  void anAccountAddedInTheConsoleLogsOnFromCurl(WebDriver browser) throws Exception {
    String url = "http://127.0.0.1:" + app.httpPort() + "/d/hello.txt";
    assertEquals(401, curl("--digest", "-u", "carol:pw-carol-1", url));
    ConsolePage page = new ConsolePage(browser);
    page.show("accounts");

    page.type("#account-name", "carol");
    page.type("#account-fullname", "Carol Operator");
    page.type("#account-password", "pw-carol-1");
    page.clickChange("#account-add-submit");

    assertEquals("ok", page.messageKind(), page.text("#message"));
    page.type("#accounts-search", "carol\t");
    // The search replaces the rows: wait for the list that holds carol alone.
    page.waitUntil(
        () -> {
          List<WebElement> rows = page.findAll("#accounts-table tbody tr");
          return rows.size() == 1 && "carol".equals(rows.get(0).getAttribute("data-account"));
        });
    page.waitUntil(
        () ->
            "ENABLED"
                .equals(
                    page.text("#accounts-table tr[data-account=carol] span[data-test=status]")));
    assertEquals(200, curl("--digest", "-u", "carol:pw-carol-1", url));
    page.type("#accounts-search", "\t");
    page.waitUntil(() -> page.findAll("#accounts-table tbody tr").size() >= 4);
    Chromium.screenshot(browser, "accounts");
  }

  @Test
  @Order(6)
  void aLockedOutAccountIsUnlocked(WebDriver browser) throws Exception {
    String url = "http://127.0.0.1:" + app.httpPort() + "/d/hello.txt";
    for (int i = 0; i < 3; i++) {
      assertEquals(401, curl("--digest", "-u", "dave:wrong-" + i, url));
    }
    assertEquals(429, curl("--digest", "-u", "dave:pw-dave", url), "locked out");
    ConsolePage page = new ConsolePage(browser);
    page.show("audit");
    By lockout =
        By.cssSelector("#lockouts-table tr[data-lockout^='account:'][data-lockout$='dave']");
    page.waitFor(lockout);
    Chromium.screenshot(browser, "audit");

    page.clickChange("#lockouts-table tr[data-lockout$='dave'] button[data-action=unlock]");

    assertEquals("ok", page.messageKind(), page.text("#message"));
    page.waitUntil(() -> browser.findElements(lockout).isEmpty());
    assertEquals(200, curl("--digest", "-u", "dave:pw-dave", url));
  }

  @Test
  @Order(7)
  void theEventViewerFiltersByLevel(WebDriver browser) throws Exception {
    ConsolePage page = new ConsolePage(browser);
    page.show("events");
    page.waitFor(By.cssSelector("#events-table tbody tr[data-level=INFORMATION]"));
    Chromium.screenshot(browser, "events");

    page.select("#events-level", "ERROR");
    page.reloadWith("#events-apply", "#events-table");

    List<WebElement> rows = page.findAll("#events-table tbody tr");
    assertFalse(rows.isEmpty(), "the throwing plug-in's failure is an ERROR");
    for (WebElement row : rows) {
      assertEquals("ERROR", row.getAttribute("data-level"), row.getText());
    }
    page.select("#events-level", "any");
    page.reloadWith("#events-apply", "#events-table");
  }

  @Test
  @Order(8)
  void thePublishingPointsSayWhatAnAccountMayDo(WebDriver browser) throws Exception {
    ConsolePage page = new ConsolePage(browser);
    page.show("points");
    page.waitFor(By.cssSelector("#points-table tr[data-point=d]"));

    page.type("#points-account", "alice");
    page.reloadWith("#points-check", "#points-table");

    page.waitUntil(
        () ->
            !page.find("#points-table tr[data-point=d] td[data-test=access]")
                .getText()
                .equals("—"));
    String access = page.find("#points-table tr[data-point=d] td[data-test=access]").getText();
    assertTrue(access.contains("read"), access);
    Chromium.screenshot(browser, "points");
  }

  @Test
  @Order(9)
  void theNowPaneShowsTheLiveFigures(WebDriver browser) throws Exception {
    ConsolePage page = new ConsolePage(browser);
    page.show("now");

    page.waitFor(By.cssSelector("#now-figures dd[data-figure=consoleSessions]"));
    assertEquals("1", page.text("#now-figures dd[data-figure=consoleSessions]"));
    assertTrue(page.text("#now-time").startsWith("as of "), page.text("#now-time"));
    Chromium.screenshot(browser, "now");
  }

  @Test
  @Order(10)
  void aChangeWithoutTheCsrfTokenIsRefused(WebDriver browser) throws Exception {
    ConsolePage page = new ConsolePage(browser);
    page.show("plugins");

    // From the page's own origin, with the session cookie, but without the header.
    Object answer =
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(location.origin + '/console/api/plugins/digest/disable',"
                    + " {method: 'POST', credentials: 'same-origin'})"
                    + ".then(r => r.text().then(t => done(r.status + ' ' + t)))"
                    + ".catch(e => done('failed ' + e));");
    assertTrue(String.valueOf(answer).startsWith("403 "), String.valueOf(answer));
    assertTrue(
        app.host.plugins().plugin("digest").orElseThrow().statusText().contains("ENABLED"),
        "nothing changed");

    // A raw request with the session cookie: refused without the token and with a wrong one,
    // accepted with the session's own, so the cookie alone is not what is refused.
    Cookie session = browser.manage().getCookieNamed("authhost_console");
    assertNotNull(session, "the console's session cookie");
    String cookie = "Cookie: authhost_console=" + session.getValue();
    assertEquals(403, post("DELETE /console/api/troubleshooting", cookie).status());
    assertEquals(
        403,
        post("DELETE /console/api/troubleshooting", cookie, "X-AuthHost-CSRF: forged").status());
    String csrf = csrfToken(cookie);
    assertEquals(
        200,
        post("DELETE /console/api/troubleshooting", cookie, "X-AuthHost-CSRF: " + csrf).status());
  }

  @Test
  @Order(11)
  void aNonAdministratorIsRefusedWith403(WebDriver browser) throws Exception {
    // Another origin (localhost, not 127.0.0.1): neither the administrator's cookie nor the
    // browser's cached credentials go there.
    browser.get(app.consoleUrl("localhost", "alice", "pw-alice"));

    ConsolePage page = new ConsolePage(browser);
    page.waitUntil(() -> !page.body().getText().isBlank());
    String shown = page.body().getText();
    assertTrue(shown.contains("403") || shown.toLowerCase().contains("denied"), shown);
    assertTrue(browser.findElements(By.id("whoami")).isEmpty(), "no console page for alice");
    assertNull(browser.manage().getCookieNamed("authhost_console"), "no session for alice");
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", app.consolePort())) {
      assertEquals(401, c.get("/console/api/session", null).status());
    }
  }

  @Test
  @Order(12)
  void signingOutEndsTheSession(WebDriver browser) throws Exception {
    browser.get(app.consoleUrl("127.0.0.1"));
    ConsolePage page = new ConsolePage(browser);
    page.waitLoaded("plugins");
    String before = browser.manage().getCookieNamed("authhost_console").getValue();

    page.click("#sign-out");

    // The page says so and offers the way back; the console is gone from it.
    page.waitText("#signed-out", "You are signed out");
    assertTrue(browser.findElements(By.id("whoami")).isEmpty());
    WebElement again = page.find("#sign-in-again");
    assertEquals("Sign in again", again.getText());
    assertTrue(again.getAttribute("href").endsWith("/console/"), again.getAttribute("href"));
    Chromium.screenshot(browser, "signed-out");
    // Signing in again asks for a logon (401 with fresh challenges) whatever the browser cached:
    // headless Chromium has no one to ask, so it shows that answer, not the console.
    again.click();
    page.waitUntil(() -> browser.findElements(By.id("signed-out")).isEmpty());
    assertTrue(browser.findElements(By.id("whoami")).isEmpty(), "not back in without a logon");
    page.waitUntil(
        () -> {
          Cookie now = browser.manage().getCookieNamed("authhost_console");
          return now == null || !now.getValue().equals(before);
        });
    String cookie = "Cookie: authhost_console=" + before;
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", app.consolePort())) {
      assertNotEquals(200, c.send("GET /console/api/session HTTP/1.1\n" + cookie, null).status());
    }
  }

  // ---- helpers

  /** The schemes of the HTTP front's 401 for {@code /d/}, in the order offered. */
  private static List<String> challengeSchemes() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", app.httpPort())) {
      RawHttpConnection.Response r = c.get("/d/hello.txt", null);
      assertEquals(401, r.status());
      return r.values("WWW-Authenticate").stream().map(v -> v.split(" ", 2)[0]).toList();
    }
  }

  private static String digestEnabledIs(boolean enabled) {
    String digest = "\"digest\": {\n        \"enabled\": true";
    assertTrue(originalHostJson.contains(digest));
    return originalHostJson.replace(digest, digest.replace("true", String.valueOf(enabled)));
  }

  private static RawHttpConnection.Response post(String requestLine, String... headers)
      throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", app.consolePort())) {
      return c.send(requestLine + " HTTP/1.1\n" + String.join("\n", headers), new byte[0]);
    }
  }

  private static String csrfToken(String cookie) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", app.consolePort())) {
      String json = c.send("GET /console/api/session HTTP/1.1\n" + cookie, null).bodyText();
      var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
      return node.get("csrf").asText();
    }
  }
}
