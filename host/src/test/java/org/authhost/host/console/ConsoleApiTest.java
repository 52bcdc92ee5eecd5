package org.authhost.host.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each route of the console's JSON API against a real host, as an administrator's session calls it:
 * what it shows, what it changes, that the change is audited with the administrator's name and
 * written back to host.json, and that what a plug-in refuses changes nothing.
 */
class ConsoleApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;
  ConsoleHost console;
  String cookie;
  String csrf;

  @BeforeEach
  void start() throws Exception {
    console = ConsoleHost.start(root);
    RawHttpConnection.Response r =
        console.call("GET", "/console/api/session", "Authorization: " + ConsoleHost.basic("root"));
    assertEquals(200, r.status());
    cookie = "Cookie: " + ConsoleLogonTest.sessionCookie(r);
    csrf = ConsoleRequests.CSRF_HEADER + ": " + JSON.readTree(r.body()).get("csrf").asText();
  }

  @AfterEach
  void stop() throws Exception {
    if (console != null) {
      console.close();
    }
  }

  @Test
  void offeredAtListsTheConsoleAndStaysWhileThePluginIsDisabled() throws Exception {
    assertEquals(List.of("vod", "console"), texts(plugin("digest").get("points")));
    assertEquals(List.of("vod", "console"), texts(plugin("basic").get("points")));
    assertTrue(
        plugin("digest").get("rollbackTo").isNull(), "no version replaced: nothing to roll back");

    assertEquals(200, change("POST", "plugins/digest/disable", null).status());

    JsonNode digest = plugin("digest");
    assertFalse(digest.get("enabled").asBoolean());
    assertEquals(
        List.of("vod", "console"), texts(digest.get("points")), "where it is offered once enabled");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void theConsolesAnswersAreCountedUnderTheirOwnFront() throws Exception {
    get("plugins");
    assertEquals(401, console.call("GET", "/console/api/plugins").status());
    String text;
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", console.host.metricsPort())) {
      text = c.get("/metrics", null).bodyText();
    }
    assertTrue(text.contains("authhost_requests_total{front=\"console\",status=\"200\"}"), text);
    assertTrue(text.contains("authhost_requests_total{front=\"console\",status=\"401\"}"), text);
  }

  JsonNode get(String route) throws Exception {
    RawHttpConnection.Response r = console.call("GET", "/console/api/" + route, cookie);
    assertEquals(200, r.status(), route + ": " + r.bodyText());
    return JSON.readTree(r.body());
  }

  RawHttpConnection.Response change(String method, String route, String body) throws Exception {
    return console.send(method, "/console/api/" + route, body, cookie, csrf);
  }

  List<String> audit(String... parts) {
    return console.host.eventLog().query(EventQuery.all().withSource("audit")).stream()
        .map(e -> e.text())
        .filter(t -> List.of(parts).stream().allMatch(t::contains))
        .toList();
  }

  JsonNode plugin(String id) throws Exception {
    for (JsonNode p : get("plugins")) {
      if (p.get("id").asText().equals(id) && p.get("state").asText().equals("CURRENT")) {
        return p;
      }
    }
    throw new AssertionError("no plug-in " + id);
  }

  String property(String id, String name) throws Exception {
    for (JsonNode v : plugin(id).get("properties")) {
      if (v.get("name").asText().equals(name)) {
        return v.get("value").asText();
      }
    }
    return null;
  }

  String hostJson() throws Exception {
    return Files.readString(root.resolve("config/host.json"));
  }

  @Test
  void pluginsShowWhatAnOperatorNeedsToJudgeThem() throws Exception {
    JsonNode digest = plugin("digest");
    assertEquals("Digest", digest.get("protocol").asText());
    assertTrue(digest.get("enabled").asBoolean());
    assertEquals(64, digest.get("sha256").asText().length());
    assertFalse(digest.get("apiVersion").asText().isEmpty());
    assertTrue(digest.get("declaredCapabilities").toString().contains("digest-ha1"));
    assertTrue(digest.get("points").toString().contains("vod"), digest.get("points").toString());
    assertEquals("SHA-256,MD5", property("digest", "algorithms"));
  }

  @Test
  void aBadNamedValueIsRefusedWithThePluginsMessageAndNothingChanges() throws Exception {
    String before = hostJson();
    int troubles = get("troubleshooting").get("entries").size();
    long errors =
        console.host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR)).size();
    RawHttpConnection.Response r =
        change(
            "PUT", "plugins/digest/properties", "{\"name\": \"algorithms\", \"value\": \"ROT13\"}");
    assertEquals(422, r.status(), r.bodyText());
    JsonNode refusal = JSON.readTree(r.body());
    assertTrue(
        refusal.get("pluginText").asText().contains("has 'ROT13'; use MD5"), refusal.toString());
    assertEquals("SHA-256,MD5", property("digest", "algorithms"), "the plug-in keeps its values");
    assertEquals(before, hostJson(), "nothing written");
    // The instance that tried the values was never in service: no failure of the plug-in.
    assertEquals(
        troubles, get("troubleshooting").get("entries").size(), "no troubleshooting entry");
    assertEquals(
        errors,
        console.host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR)).size(),
        "no ERROR event");
    JsonNode digest = plugin("digest");
    assertFalse(digest.get("statusText").asText().contains("ERROR"), digest.toString());
    // Still in service with the old values: a client still gets both algorithms.
    try (RawHttpConnection c =
        new RawHttpConnection("127.0.0.1", console.host.http().plainPort())) {
      RawHttpConnection.Response challenge = c.get("/vod/hello.txt", null);
      assertTrue(
          challenge.values("WWW-Authenticate").stream().anyMatch(v -> v.contains("MD5")),
          challenge.headers().toString());
    }
  }

  @Test
  void aGoodNamedValueTakesEffectAtOnceAndIsWrittenBack() throws Exception {
    RawHttpConnection.Response r =
        change(
            "PUT",
            "plugins/digest/properties",
            "{\"name\": \"algorithms\", \"value\": \"SHA-256\"}");
    assertEquals(200, r.status(), r.bodyText());
    assertEquals("SHA-256", property("digest", "algorithms"));
    try (RawHttpConnection c =
        new RawHttpConnection("127.0.0.1", console.host.http().plainPort())) {
      RawHttpConnection.Response challenge = c.get("/vod/hello.txt", null);
      List<String> digest =
          challenge.values("WWW-Authenticate").stream()
              .filter(v -> v.startsWith("Digest"))
              .toList();
      assertFalse(digest.isEmpty(), challenge.headers().toString());
      assertTrue(digest.stream().noneMatch(v -> v.contains("MD5")), digest.toString());
    }
    assertTrue(hostJson().contains("\"algorithms\": \"SHA-256\""), hostJson());
    assertEquals(1, audit("console: ", "root", "named value 'algorithms'", "digest").size());
  }

  @Test
  void disablingAndEnablingArePersistedInHostJson() throws Exception {
    assertEquals(200, change("POST", "plugins/basic/disable", null).status());
    assertFalse(plugin("basic").get("enabled").asBoolean());
    assertTrue(hostJson().replace(" ", "").contains("\"enabled\":false"), hostJson());
    assertEquals(200, change("POST", "plugins/basic/enable", null).status());
    assertTrue(plugin("basic").get("enabled").asBoolean());
    assertEquals(2, audit("console: ", "root", "plug-in 'basic'").size());
  }

  @Test
  void anUnknownPluginIs404() throws Exception {
    assertEquals(404, change("POST", "plugins/nosuch/disable", null).status());
  }

  @Test
  void aBrokenJarDroppedInShowsAsRefusedWithItsErrorAndTheTroubleshootingListIsCleared()
      throws Exception {
    Files.writeString(root.resolve("plugins/broken.jar"), "not a jar");
    RawHttpConnection.Response reload = change("POST", "plugins/reload", null);
    assertEquals(200, reload.status(), reload.bodyText());
    JsonNode refused = null;
    for (JsonNode p : get("plugins")) {
      if (p.get("state").asText().equals("REFUSED")) {
        refused = p;
      }
    }
    assertNotNull(refused, get("plugins").toString());
    assertTrue(refused.get("errorText").asText().contains("broken.jar"), refused.toString());
    assertTrue(refused.get("statusText").asText().contains("ERROR"), refused.toString());
    int before = get("troubleshooting").get("entries").size();
    assertTrue(before >= 1, "the refusal is in the troubleshooting list");
    RawHttpConnection.Response r = change("DELETE", "troubleshooting", null);
    assertEquals(200, r.status());
    assertEquals(before, JSON.readTree(r.body()).get("cleared").asInt());
    assertEquals(0, get("troubleshooting").get("entries").size());
    assertEquals(1, audit("console: ", "root", "cleared the troubleshooting list").size());
    assertEquals(1, audit("console: ", "root", "reloaded the plug-in folder").size());
  }

  @Test
  void eventsComeInPagesNewestFirstWithFiltersAndAFollowCursor() throws Exception {
    for (int i = 1; i <= 7; i++) {
      console
          .host
          .eventLog()
          .append(EventLevel.WARNING, "probe", HResult.E_FAIL, "probe event " + i);
    }
    JsonNode first = get("events?source=probe&limit=3");
    assertEquals(3, first.get("events").size());
    assertTrue(first.get("more").asBoolean());
    assertEquals("probe event 7", first.get("events").get(0).get("text").asText());
    JsonNode second = get("events?source=probe&limit=3&before=" + first.get("oldest").asLong());
    assertEquals("probe event 4", second.get("events").get(0).get("text").asText());
    JsonNode last = get("events?source=probe&limit=3&before=" + second.get("oldest").asLong());
    assertEquals(1, last.get("events").size());
    assertFalse(last.get("more").asBoolean());
    // Follow: only what came after the newest seen.
    console.host.eventLog().append(EventLevel.ERROR, "probe", HResult.E_FAIL, "probe event 8");
    JsonNode follow = get("events?source=probe&after=" + first.get("newest").asLong());
    assertEquals(1, follow.get("events").size());
    assertEquals("ERROR", follow.get("events").get(0).get("level").asText());
    assertEquals(1, get("events?source=probe&level=ERROR").get("events").size());
    assertEquals(8, get("events?source=probe&hresult=0x80004005").get("events").size());
    assertEquals(1, get("events?source=probe&text=EVENT%203").get("events").size());
    assertEquals(400, console.call("GET", "/console/api/events?level=LOUD", cookie).status());
    assertEquals(400, console.call("GET", "/console/api/events?from=yesterday", cookie).status());
  }

  /**
   * A follower with a narrow filter resumes after the last record the server read, not after its
   * last match: the next poll does not read again every record since that match.
   */
  @Test
  void aFollowWithANarrowFilterMovesItsMarkPastTheRecordsItRead() throws Exception {
    console.host.eventLog().append(EventLevel.INFORMATION, "rare", HResult.S_OK, "rare 1");
    long seen = get("events?source=rare&limit=5").get("newest").asLong();
    for (int i = 1; i <= 30; i++) {
      console.host.eventLog().append(EventLevel.INFORMATION, "common", HResult.S_OK, "c " + i);
    }
    long last = console.host.eventLog().lastRecordNumber();
    JsonNode poll = get("events?source=rare&limit=5&after=" + seen);
    assertEquals(0, poll.get("events").size());
    assertFalse(poll.get("more").asBoolean());
    assertTrue(poll.get("newest").asLong() >= last, "past the 30 records read, not " + seen);
    console.host.eventLog().append(EventLevel.INFORMATION, "rare", HResult.S_OK, "rare 2");
    JsonNode next = get("events?source=rare&limit=5&after=" + poll.get("newest").asLong());
    assertEquals(1, next.get("events").size());
    assertEquals("rare 2", next.get("events").get(0).get("text").asText());
  }

  @Test
  void theAuditShowsFailedLogonsAndAnAccountIsUnlocked() throws Exception {
    String wrong =
        "Authorization: Basic "
            + Base64.getEncoder().encodeToString("bob:nope".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 3; i++) {
      try (RawHttpConnection c =
          new RawHttpConnection("127.0.0.1", console.host.http().plainPort())) {
        c.get("/vod/hello.txt", wrong.substring("Authorization: ".length()));
      }
    }
    JsonNode failed = get("audit?text=logon%20failed&level=WARNING");
    assertTrue(failed.get("events").size() >= 3, failed.toString());
    JsonNode lockouts = get("lockouts");
    assertTrue(lockouts.toString().contains("bob"), lockouts.toString());
    RawHttpConnection.Response r = change("POST", "lockouts/account/bob/unlock", null);
    assertEquals(200, r.status(), r.bodyText());
    assertTrue(JSON.readTree(r.body()).get("wasLockedOut").asBoolean());
    assertFalse(get("lockouts").toString().contains("bob"));
    assertEquals(1, audit("unlock: account", "bob", "administrator", "root", "web console").size());
  }

  @Test
  void theFollowReadsABurstLargerThanAPageOldestPageFirstAndLosesNothing() throws Exception {
    console.host.eventLog().append(EventLevel.INFORMATION, "burst", HResult.S_OK, "before");
    long seen = get("events?source=burst&limit=5").get("newest").asLong();
    for (int i = 1; i <= 12; i++) {
      console.host.eventLog().append(EventLevel.INFORMATION, "burst", HResult.S_OK, "burst " + i);
    }
    List<String> read = new ArrayList<>();
    boolean more = true;
    int polls = 0;
    while (more) {
      JsonNode page = get("events?source=burst&limit=5&after=" + seen);
      JsonNode events = page.get("events");
      // Each page newest first, as the table shows it.
      for (int i = events.size() - 1; i >= 0; i--) {
        read.add(events.get(i).get("text").asText());
      }
      more = page.get("more").asBoolean();
      seen = page.get("newest").asLong();
      assertTrue(++polls <= 3, "three pages of at most 5: " + read);
    }
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      expected.add("burst " + i);
    }
    assertEquals(expected, read, "every record of the burst, in order, none twice");
    assertEquals(0, get("events?source=burst&limit=5&after=" + seen).get("events").size());
  }

  @Test
  void anIpv6AddressLockoutIsLiftedByTheNameTheLockoutsListShows() throws Exception {
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.bind(new java.net.InetSocketAddress("::1", 0));
    } catch (java.io.IOException noIpv6) {
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "no IPv6 loopback here: " + noIpv6);
    }
    console.close();
    console = ConsoleHost.start(root.resolve("v6"), "\"bindAddress\": \"::1\",", 2, false);
    // The administrator's session, opened from ::1 before the address is locked out.
    String session;
    String token;
    try (RawHttpConnection c = new RawHttpConnection("::1", console.port)) {
      RawHttpConnection.Response r =
          c.send(
              "GET /console/api/session HTTP/1.1\nAuthorization: " + ConsoleHost.basic("root"),
              null);
      assertEquals(200, r.status(), r.bodyText());
      session = "Cookie: " + ConsoleLogonTest.sessionCookie(r);
      token = ConsoleRequests.CSRF_HEADER + ": " + JSON.readTree(r.body()).get("csrf").asText();
    }
    String wrong =
        "Basic " + Base64.getEncoder().encodeToString("bob:nope".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 2; i++) {
      try (RawHttpConnection c = new RawHttpConnection("::1", console.port)) {
        assertEquals(401, c.get("/console/", wrong).status());
      }
    }
    JsonNode listed;
    try (RawHttpConnection c = new RawHttpConnection("::1", console.port)) {
      listed = JSON.readTree(c.send("GET /console/api/lockouts HTTP/1.1\n" + session, null).body());
    }
    String name = null;
    for (JsonNode l : listed) {
      if (l.get("type").asText().equals("address")) {
        name = l.get("name").asText();
      }
    }
    assertEquals("::/64", name, listed.toString());
    byte[] body = JSON.writeValueAsBytes(java.util.Map.of("type", "address", "name", name));
    try (RawHttpConnection c = new RawHttpConnection("::1", console.port)) {
      RawHttpConnection.Response r =
          c.send(
              "POST /console/api/lockouts/unlock HTTP/1.1\nContent-Type: application/json\n"
                  + session
                  + "\n"
                  + token,
              body);
      assertEquals(200, r.status(), r.bodyText());
      assertTrue(JSON.readTree(r.body()).get("wasLockedOut").asBoolean(), r.bodyText());
    }
    try (RawHttpConnection c = new RawHttpConnection("::1", console.port)) {
      assertEquals(
          200,
          c.get("/console/api/session", ConsoleHost.basic("root")).status(),
          "the address may log on again");
    }
  }

  @Test
  void publishingPointsShowTheirListsAndWhatAnAccountMayDo() throws Exception {
    JsonNode points = get("points?account=bob");
    JsonNode vod = points.get(0);
    assertEquals("vod", vod.get("name").asText());
    assertTrue(vod.get("acl").toString().contains("Users"));
    assertTrue(vod.get("access").get("read").asBoolean());
    assertFalse(vod.get("access").get("write").asBoolean());
    assertEquals(400, console.call("GET", "/console/api/points?account=nobody", cookie).status());
  }

  @Test
  void anOriginsCredentialsAreNeverShown() {
    assertEquals(
        "rtsp://127.0.0.1:8554/cam",
        org.authhost.host.config.PublishingPointConfig.withoutUserInfo(
            java.net.URI.create("rtsp://viewer:secret@127.0.0.1:8554/cam")));
    assertEquals(
        "http://origin.example/",
        org.authhost.host.config.PublishingPointConfig.withoutUserInfo(
            java.net.URI.create("http://origin.example/")));
  }

  @Test
  void accountsAreListedInPagesAddedDisabledAndTheirPasswordsReset() throws Exception {
    JsonNode page = get("accounts?limit=2");
    assertEquals(2, page.get("accounts").size());
    int total = page.get("total").asInt();
    assertFalse(page.toString().toLowerCase().contains("hash"), "no secret: " + page);
    RawHttpConnection.Response added =
        change(
            "POST",
            "accounts",
            "{\"name\": \"carol\", \"fullName\": \"Carol\", \"password\": \"pw-carol\","
                + " \"groups\": []}");
    assertEquals(201, added.status(), added.bodyText());
    assertEquals(total + 1, get("accounts").get("total").asInt());
    assertFalse(added.bodyText().contains("pw-carol"));
    assertEquals(1, audit("console: ", "root", "added account", "carol").size());
    // carol logs on to content as any client.
    assertEquals(200, contentStatus("carol", "pw-carol"));
    assertEquals(200, change("POST", "accounts/carol/disable", null).status());
    assertEquals(401, contentStatus("carol", "pw-carol"));
    assertEquals(200, change("POST", "accounts/carol/enable", null).status());
    assertEquals(
        200, change("POST", "accounts/carol/password", "{\"password\": \"pw-new\"}").status());
    assertEquals(200, contentStatus("carol", "pw-new"));
    assertEquals(200, change("PUT", "accounts/carol/groups/Operators", null).status());
    assertTrue(get("accounts?q=carol").toString().contains("Operators"));
    assertEquals(200, change("DELETE", "accounts/carol/groups/Operators", null).status());
    // The store's own refusals come back as 409 with its text.
    RawHttpConnection.Response dup =
        change("POST", "accounts", "{\"name\": \"carol\", \"password\": \"x\"}");
    assertEquals(409, dup.status(), dup.bodyText());
    assertEquals(400, change("POST", "accounts", "{\"name\": \"dave\"}").status());
    assertEquals(400, change("POST", "accounts", "not json").status());
  }

  int contentStatus(String user, String password) throws Exception {
    try (RawHttpConnection c =
        new RawHttpConnection("127.0.0.1", console.host.http().plainPort())) {
      return c.get(
              "/vod/hello.txt",
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
          .status();
    }
  }

  @Test
  void nowShowsTheLiveFiguresWithTheLastMinutesLogonsByPluginAndResult() throws Exception {
    contentStatus("bob", "pw-bob");
    contentStatus("bob", "wrong");
    JsonNode now = get("now");
    long success = 0;
    long denied = 0;
    for (JsonNode l : now.get("logonsLastMinute")) {
      if (l.get("plugin").asText().equals("basic")) {
        success += l.get("result").asText().equals("success") ? l.get("count").asLong() : 0;
        denied += l.get("result").asText().equals("denied") ? l.get("count").asLong() : 0;
      }
    }
    assertTrue(success >= 2, "root's console logon and bob's: " + now);
    assertEquals(1, denied, now.toString());
    assertTrue(now.get("consoleSessions").asInt() >= 1);
    assertTrue(now.get("requestsPerSecond").isNumber(), now.toString());
    assertTrue(now.get("handshakesInProgress").isNumber(), now.toString());
  }

  @Test
  void aRouteThatDoesNotExistIs404AndPagesAreServedFromTheJar() throws Exception {
    assertEquals(404, console.call("GET", "/console/api/nothing", cookie).status());
    for (String asset : List.of("", "console.css", "console.js")) {
      RawHttpConnection.Response r = console.call("GET", "/console/" + asset, cookie);
      assertEquals(200, r.status(), asset);
    }
    assertEquals(404, console.call("GET", "/console/missing.js", cookie).status());
    List<String> types = new ArrayList<>();
    types.add(console.call("GET", "/console/console.js", cookie).values("Content-Type").get(0));
    assertTrue(types.get(0).startsWith("text/javascript"), types.toString());
  }
}
