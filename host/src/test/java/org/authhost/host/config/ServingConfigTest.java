package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.authhost.host.accounts.AccountNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http, accounts, security and publishingPoints sections of {@code host.json}. */
class ServingConfigTest {
  private static final String IP_RANGE =
      "expected an IP address or CIDR range such as \"10.0.0.0/8\", \"192.0.2.7\" or"
          + " \"::1/128\"";
  private static final String PREFIX =
      "expected a URL path prefix that starts and ends with '/', such as \"/vod/\" (RFC 3986 path"
          + " characters only; no \"..\", \"//\", '%', '?' or '#')";
  private static final String ORIGIN =
      "expected an absolute http://, https:// or rtsp:// URI with a host and no query or fragment,"
          + " such as \"https://origin.example/media/\" or \"rtsp://camera.example:554/\" (an"
          + " rtsp:// origin may carry the origin's user:password@)";
  private static final String ONE_SOURCE =
      "expected at most one of \"directory\" (a folder to serve) or \"origin\" (an upstream"
          + " http:// or https:// URI)";
  private static final String PRINCIPAL =
      "a principal: a SID such as \"S-1-1-0\", a well-known name such as \"Everyone\", or a local"
          + " account or group name";
  private static final String PLAIN_HTTP =
      "http.port: plain HTTP on a non-loopback address sends Basic passwords in clear; set"
          + " http.allowPlainHttp to true, or http.port to -1 and configure http.tls";

  @TempDir Path dir;

  private String savedHome;

  @BeforeEach
  void saveHome() {
    savedHome = System.getProperty("authhost.home");
  }

  @AfterEach
  void restoreHome() {
    if (savedHome == null) {
      System.clearProperty("authhost.home");
    } else {
      System.setProperty("authhost.home", savedHome);
    }
  }

  // ---- Defaults, round trip, the shipped file ---------------------------------------------------

  @Test
  void emptyObjectGivesTheServingDefaults() throws Exception {
    HostConfig config = load("{}");
    Path root = dir.toAbsolutePath().normalize();

    assertEquals(
        new HttpConfig("127.0.0.1", 8080, false, null, 8192, 16384, 100, 60_000, 10_000, 10_000),
        config.http());
    assertEquals(
        new AccountsConfig(
            root.getParent().resolve("var/accounts.json"), List.of("AuthHost"), "Guest"),
        config.accounts());
    assertEquals(
        new SecurityConfig(List.of(), List.of(), new LockoutConfig(5, 20, 300, 900)),
        config.security());
    assertEquals(List.of(), config.publishingPoints());
    assertEquals(ConfigLoader.defaults(dir), config);
  }

  @Test
  void accountsFileFollowsTheDataDirectory() throws Exception {
    HostConfig config = load("{\"dataDirectory\": \"state\"}");
    assertEquals(
        dir.toAbsolutePath().normalize().resolve("state/accounts.json"), config.accounts().file());
  }

  @Test
  void fullFileRoundTrips() throws Exception {
    String longRealm = "r".repeat(251);
    HostConfig config =
        load(
"""
{
  "dataDirectory": "state",
  "http": {
    "bindAddress": "::",
    "port": -1,
    "allowPlainHttp": true,
    "tls": {
      "keystore": "${config.dir}/tls/../tls/server.p12",
      "password": "s3cret ${not.a.placeholder}",
      "port": 0
    },
    "maxInitialLineBytes": 256,
    "maxHeaderBytes": 1048576,
    "maxHeaders": 10000,
    "idleTimeoutMillis": 86400000,
    "handshakeTimeoutMillis": 600000,
    "maxConnections": 1000000
  },
  "accounts": {
    "file": "../shared/accounts.json",
    "digestRealms": ["Media", "AuthHost", "%s"],
    "guestAccount": "IUSR_MEDIA"
  },
  "security": {
    "ipAllow": ["10.0.0.0/8", "192.0.2.7", "::1/128", "2001:db8::/32", "::1.2.3.4"],
    "ipDeny": ["10.66.0.0/16", "0.0.0.0/0", "::/0"],
    "lockout": { "threshold": 0, "addressThreshold": 7, "windowSeconds": 86400, "durationSeconds": 604800, "namesPerAddress": 250 }
  },
  "publishingPoints": [
    {
      "name": "vod",
      "prefix": "/vod/",
      "directory": "media/vod",
      "plugins": ["digest", "anonymous"],
      "acl": [
        { "principal": "Everyone", "rights": ["Read"] },
        { "type": "deny", "principal": "S-1-5-7", "rights": ["write", "CREATE"] },
        { "type": "allow", "principal": "Administrators",
          "rights": ["read", "write", "create"] }
      ],
      "ipAllow": ["127.0.0.0/8"],
      "ipDeny": ["127.0.0.2"]
    },
    {
      "name": "live.edge-1",
      "prefix": "/",
      "origin": "https://origin.example:8443/live/"
    },
    { "name": "0", "prefix": "/Vod/", "directory": "${config.dir}/upper" }
  ]
}
"""
                .formatted(longRealm));

    Path root = dir.toAbsolutePath().normalize();
    assertEquals(
        new HttpConfig(
            "::",
            -1,
            true,
            new TlsConfig(root.resolve("tls/server.p12"), "s3cret ${not.a.placeholder}", 0),
            256,
            1048576,
            10000,
            86400000,
            600000,
            1000000),
        config.http());
    assertEquals(
        new AccountsConfig(
            root.getParent().resolve("shared/accounts.json"),
            List.of("Media", "AuthHost", longRealm),
            "IUSR_MEDIA"),
        config.accounts());
    assertEquals(
        new SecurityConfig(
            List.of("10.0.0.0/8", "192.0.2.7", "::1/128", "2001:db8::/32", "::1.2.3.4"),
            List.of("10.66.0.0/16", "0.0.0.0/0", "::/0"),
            new LockoutConfig(0, 7, 86400, 604800, 250)),
        config.security());
    assertEquals(
        List.of(
            new PublishingPointConfig(
                "vod",
                "/vod/",
                root.resolve("media/vod"),
                null,
                List.of("digest", "anonymous"),
                List.of(
                    new AceConfig(false, "Everyone", Set.of("read")),
                    new AceConfig(true, "S-1-5-7", Set.of("write", "create")),
                    new AceConfig(false, "Administrators", Set.of("read", "write", "create"))),
                List.of("127.0.0.0/8"),
                List.of("127.0.0.2")),
            new PublishingPointConfig(
                "live.edge-1",
                "/",
                null,
                URI.create("https://origin.example:8443/live/"),
                List.of(),
                List.of(),
                List.of(),
                List.of()),
            new PublishingPointConfig(
                "0",
                "/Vod/",
                root.resolve("upper"),
                null,
                List.of(),
                List.of(),
                List.of(),
                List.of())),
        config.publishingPoints());
    assertThrows(
        UnsupportedOperationException.class, () -> config.publishingPoints().get(0).acl().clear());
    assertFalse(config.http().tls().toString().contains("s3cret"));
  }

  @Test
  void explicitNullTlsMeansNoHttpsListener() throws Exception {
    assertNull(load("{\"http\": {\"tls\": null}}").http().tls());
  }

  @Test
  void theShippedConfigurationServesVodOnLoopback() throws Exception {
    Path configDir = Path.of(System.getProperty("user.dir")).resolve("../config").normalize();
    System.setProperty("authhost.home", "/srv/authhost");

    HostConfig config = ConfigLoader.load(configDir);

    // It spells out the defaults of the serving sections, and adds two publishing points.
    HostConfig defaults = ConfigLoader.defaults(configDir);
    assertEquals(defaults.http(), config.http());
    assertEquals("127.0.0.1", config.http().bindAddress());
    assertEquals(8080, config.http().port());
    assertNull(config.http().tls());
    assertEquals(defaults.accounts(), config.accounts());
    assertEquals(defaults.security(), config.security());
    assertEquals(
        List.of(
            new PublishingPointConfig(
                "vod",
                "/vod/",
                configDir.toAbsolutePath().getParent().resolve("var/media"),
                null,
                List.of(),
                List.of(),
                List.of(),
                List.of()),
            new PublishingPointConfig(
                "private",
                "/private/",
                configDir.toAbsolutePath().getParent().resolve("var/private"),
                null,
                List.of("digest", "ntlm", "basic"),
                List.of(
                    new AceConfig(false, "Users", Set.of("read")),
                    new AceConfig(false, "Administrators", Set.of("read", "write", "create"))),
                List.of(),
                List.of())),
        config.publishingPoints());
  }

  // ---- Unknown keys -----------------------------------------------------------------------------

  @Test
  void unknownKeysAreRefusedInEveryNewSection() {
    ConfigException e =
        failure(
            """
            {
              "http": { "bindAdress": "127.0.0.1",
                "tls": { "keystore": "k.p12", "password": "pw", "prot": 1 } },
              "security": { "lockout": { "treshold": 1 } },
              "publishingPoints": [
                { "name": "vod", "prefix": "/vod/", "directory": "media", "dir": "x",
                  "acl": [ { "principal": "Everyone", "rights": ["read"], "allow": true } ] }
              ],
              "accounts": { "realm": "x" }
            }
            """);
    assertEquals(
        List.of(
            hostJson()
                + ":2:13: [config/unknown-key] unknown key \"bindAdress\" in \"http\"; expected"
                + " one of: bindAddress, port, allowPlainHttp, tls, maxInitialLineBytes,"
                + " maxHeaderBytes, maxHeaders, idleTimeoutMillis, handshakeTimeoutMillis,"
                + " maxConnections (did you mean \"bindAddress\"?)",
            hostJson()
                + ":3:53: [config/unknown-key] unknown key \"prot\" in \"http.tls\"; expected"
                + " one of: keystore, password, port (did you mean \"port\"?)",
            hostJson()
                + ":4:30: [config/unknown-key] unknown key \"treshold\" in"
                + " \"security.lockout\"; expected one of: threshold, addressThreshold, windowSeconds,"
                + " durationSeconds, namesPerAddress (did you mean \"threshold\"?)",
            hostJson()
                + ":6:63: [config/unknown-key] unknown key \"dir\" in \"publishingPoints[0]\";"
                + " expected one of: name, prefix, directory, origin, plugins, acl, ipAllow,"
                + " ipDeny",
            hostJson()
                + ":7:63: [config/unknown-key] unknown key \"allow\" in"
                + " \"publishingPoints[0].acl[0]\"; expected one of: type, principal, rights",
            hostJson()
                + ":9:17: [config/unknown-key] unknown key \"realm\" in \"accounts\"; expected"
                + " one of: file, digestRealms, guestAccount"),
        rendered(e));
  }

  @Test
  void unknownTopLevelKeyListsTheNewSections() {
    assertProblem(
        single(failure("{\"publishingPoint\": []}")),
        1,
        2,
        ConfigProblem.UNKNOWN_KEY,
        "unknown key \"publishingPoint\" at the top level; expected one of: serverName,"
            + " dataDirectory, plugins, eventLog, admin, http, accounts, security,"
            + " publishingPoints, integrations, rtsp, state, console, metrics (did you mean \"publishingPoints\"?)");
  }

  // ---- Wrong types and ranges -------------------------------------------------------------------

  @Test
  void outOfRangeAndWrongTypesAreRefused() {
    ConfigException e =
        failure(
            """
            {
              "http": { "port": -2, "maxInitialLineBytes": 255, "maxHeaderBytes": 1048577,
                "maxHeaders": 0, "idleTimeoutMillis": 86400001, "handshakeTimeoutMillis": 0,
                "maxConnections": 1.5, "allowPlainHttp": "no" },
              "security": { "lockout": { "threshold": 1001, "windowSeconds": 0,
                "durationSeconds": 604801, "namesPerAddress": -1 }, "ipAllow": "10.0.0.0/8" },
              "accounts": { "file": "", "digestRealms": "AuthHost" },
              "publishingPoints": {}
            }
            """);
    assertEquals(
        List.of(
            "http.port: expected a port number (0 picks a free one, -1 means no plain HTTP"
                + " listener) from -1 to 65535, found -2",
            "http.maxInitialLineBytes: expected a whole number of bytes from 256 to 65536, found"
                + " 255",
            "http.maxHeaderBytes: expected a whole number of bytes from 1024 to 1048576, found"
                + " 1048577",
            "http.maxHeaders: expected a whole number of header fields from 1 to 10000, found 0",
            "http.idleTimeoutMillis: expected a whole number of milliseconds from 1 to 86400000,"
                + " found 86400001",
            "http.handshakeTimeoutMillis: expected a whole number of milliseconds from 1 to"
                + " 600000, found 0",
            "http.maxConnections: expected a whole number of connections from 1 to 1000000,"
                + " found 1.5",
            "http.allowPlainHttp: expected true or false, found \"no\"",
            "security.lockout.threshold: expected a whole number of failed logons (0 turns"
                + " lockout off) from 0 to 1000, found 1001",
            "security.lockout.windowSeconds: expected a whole number of seconds from 1 to 86400,"
                + " found 0",
            "security.lockout.durationSeconds: expected a whole number of seconds from 1 to"
                + " 604800, found 604801",
            "security.lockout.namesPerAddress: expected a whole number of account names one"
                + " address has counted per window (0: no cap) from 0 to 10000, found -1",
            "security.ipAllow: expected an array of IP addresses or CIDR ranges such as"
                + " [\"10.0.0.0/8\", \"::1\"], found \"10.0.0.0/8\"",
            "accounts.file: expected a non-empty path (relative paths resolve against the"
                + " configuration folder), found \"\"",
            "accounts.digestRealms: expected a non-empty array of realm names such as"
                + " [\"AuthHost\"], found \"AuthHost\"",
            "publishingPoints: expected an array of publishing points such as [{\"name\":"
                + " \"vod\", \"prefix\": \"/vod/\", \"directory\": \"media\"}], found an object"),
        messages(e));
  }

  @Test
  void sectionsOfTheWrongTypeAreRefused() {
    ConfigException e = failure("{\"http\": [], \"accounts\": 1, \"security\": {\"lockout\": 5}}");
    assertEquals(
        List.of(
            hostJson()
                + ":1:10: [config/bad-value] http: expected an object with the keys"
                + " bindAddress, port, allowPlainHttp, tls, maxInitialLineBytes, maxHeaderBytes,"
                + " maxHeaders, idleTimeoutMillis, handshakeTimeoutMillis, maxConnections, found"
                + " an array",
            hostJson()
                + ":1:26: [config/bad-value] accounts: expected an object with the keys file,"
                + " digestRealms, guestAccount, found 1",
            hostJson()
                + ":1:53: [config/bad-value] security.lockout: expected an object with the"
                + " keys threshold, addressThreshold, windowSeconds, durationSeconds,"
                + " namesPerAddress, found 5"),
        rendered(e));
  }

  // ---- http -------------------------------------------------------------------------------------

  @Test
  void bindAddressMustBeAnIpLiteralAndIsNeverLookedUp() throws Exception {
    assertProblem(
        single(failure("{\"http\": {\"bindAddress\": \"localhost\"}}")),
        1,
        26,
        ConfigProblem.BAD_VALUE,
        "http.bindAddress: expected an IP address literal such as \"127.0.0.1\", \"0.0.0.0\" or"
            + " \"::1\" (host names are not looked up), found \"localhost\"");
    for (String bad :
        List.of(
            "127.1",
            "010.0.0.1",
            "256.0.0.1",
            "1.2.3.4.5",
            "[::1]",
            "fe80::1%eth0",
            "1::2::3",
            "1:2:3:4:5:6:7:8:9",
            "::1/128",
            "example.com",
            "")) {
      ConfigProblem problem =
          single(failure("{\"http\": {\"bindAddress\": \"%s\"}}".formatted(bad)));
      assertTrue(problem.message().startsWith("http.bindAddress: expected an IP address"), bad);
    }
    assertTrue(
        single(failure("{\"http\": {\"bindAddress\": 127}}")).message().endsWith("found 127"));
    for (String good :
        List.of("0.0.0.0", "::", "::1", "192.168.1.10", "2001:DB8::1", "::ffff:10.0.0.1")) {
      HostConfig config =
          load("{\"http\": {\"bindAddress\": \"%s\", \"port\": -1}}".formatted(good));
      assertEquals(good, config.http().bindAddress());
    }
  }

  @Test
  void plainHttpOnANonLoopbackAddressIsRefused() throws Exception {
    assertProblem(
        single(
            failure(
                """
                {
                  "http": {
                    "bindAddress": "0.0.0.0",
                    "port": 80
                  }
                }
                """)),
        4,
        13,
        ConfigProblem.BAD_VALUE,
        PLAIN_HTTP);
    // With the default port, the address is what the operator wrote: point there.
    assertProblem(
        single(failure("{\"http\": {\"bindAddress\": \"2001:db8::1\"}}")),
        1,
        26,
        ConfigProblem.BAD_VALUE,
        PLAIN_HTTP);
    // A value already refused is not reported twice.
    assertEquals(
        "http.allowPlainHttp: expected true or false, found \"yes\"",
        single(failure("{\"http\": {\"bindAddress\": \"0.0.0.0\", \"allowPlainHttp\": \"yes\"}}"))
            .message());
    assertEquals(
        "http.port: expected a port number (0 picks a free one, -1 means no plain HTTP listener)"
            + " from -1 to 65535, found 65536",
        single(failure("{\"http\": {\"bindAddress\": \"0.0.0.0\", \"port\": 65536}}")).message());

    // Loopback, an explicit opt-in, or no plain listener at all are fine.
    assertEquals(
        80, load("{\"http\": {\"bindAddress\": \"127.0.0.2\", \"port\": 80}}").http().port());
    assertEquals(80, load("{\"http\": {\"bindAddress\": \"::1\", \"port\": 80}}").http().port());
    assertTrue(
        load("{\"http\": {\"bindAddress\": \"0.0.0.0\", \"allowPlainHttp\": true}}")
            .http()
            .allowPlainHttp());
    HostConfig tlsOnly =
        load(
            """
            {"http": {"bindAddress": "0.0.0.0", "port": -1,
                      "tls": {"keystore": "server.p12", "password": "pw"}}}
            """);
    assertEquals(-1, tlsOnly.http().port());
    assertEquals(
        new TlsConfig(dir.toAbsolutePath().normalize().resolve("server.p12"), "pw", 8443),
        tlsOnly.http().tls());
  }

  @Test
  void tlsNeedsAKeystoreAndAPassword() {
    ConfigException e =
        failure(
            """
            {
              "http": {
                "port": -1,
                "tls": { "password": 12345, "port": 70000 }
              }
            }
            """);
    assertEquals(
        List.of(
            hostJson()
                + ":4:12: [config/bad-value] http.tls: missing required key \"keystore\";"
                + " expected the path of a PKCS#12 keystore with the server's key",
            hostJson()
                + ":4:26: [config/bad-value] http.tls.password: expected a string, found a"
                + " number",
            hostJson()
                + ":4:41: [config/bad-value] http.tls.port: expected a port number (0 picks a"
                + " free one) from 0 to 65535, found 70000"),
        rendered(e));
    assertFalse(e.getMessage().contains("12345"), "a password is never echoed");

    assertProblem(
        single(failure("{\"http\": {\"tls\": {\"keystore\": \"k.p12\"}}}")),
        1,
        18,
        ConfigProblem.BAD_VALUE,
        "http.tls: missing required key \"password\"; expected the keystore's password, a string");
    assertProblem(
        single(failure("{\"http\": {\"tls\": \"server.p12\"}}")),
        1,
        18,
        ConfigProblem.BAD_VALUE,
        "http.tls: expected null or an object with the keys keystore, password, port, found"
            + " \"server.p12\"");
    assertProblem(
        single(failure("{\"http\": {\"tls\": {\"keystore\": \"\", \"password\": \"pw\"}}}")),
        1,
        31,
        ConfigProblem.BAD_VALUE,
        "http.tls.keystore: expected a non-empty path (relative paths resolve against the"
            + " configuration folder), found \"\"");
  }

  // ---- accounts ---------------------------------------------------------------------------------

  @Test
  void realmOf251CharactersIsAcceptedAnd252Refused() throws Exception {
    String json = "{\"accounts\": {\"digestRealms\": [\"%s\"]}}";
    assertEquals(
        List.of("x".repeat(251)), load(json.formatted("x".repeat(251))).accounts().digestRealms());
    assertProblem(
        single(failure(json.formatted("x".repeat(252)))),
        1,
        32,
        ConfigProblem.BAD_VALUE,
        "accounts.digestRealms[0]: expected a realm name of 1 to 251 characters (the WMS limit)"
            + " without '\"', '\\' or control characters, found a name of 252 characters");
  }

  @Test
  void realmsAreCheckedOneByOne() {
    ConfigException e =
        failure(
            """
            {"accounts": {"digestRealms": ["A\\"B", "C\\\\D", "", "E\\tF", "A", "A", 7]}}
            """);
    String expected =
        ": expected a realm name of 1 to 251 characters (the WMS limit) without '\"', '\\' or"
            + " control characters, found ";
    assertEquals(
        List.of(
            "accounts.digestRealms[0]" + expected + "\"A\\\"B\", which contains '\"'",
            "accounts.digestRealms[1]" + expected + "\"C\\\\D\", which contains '\\'",
            "accounts.digestRealms[2]" + expected + "\"\"",
            "accounts.digestRealms[3]" + expected + "\"E\\tF\", which contains control characters",
            "accounts.digestRealms[5]: duplicate realm \"A\", already listed at"
                + " accounts.digestRealms[4]; expected each realm at most once",
            "accounts.digestRealms[6]" + expected + "7"),
        messages(e));
    assertProblem(
        single(failure("{\"accounts\": {\"digestRealms\": []}}")),
        1,
        31,
        ConfigProblem.BAD_VALUE,
        "accounts.digestRealms: expected a non-empty array of realm names such as"
            + " [\"AuthHost\"], found an empty array");
  }

  @Test
  void guestAccountIsAPlainAccountName() throws Exception {
    // An account of the store, so the store's rules (authhost accounts add), not WMS's 63.
    assertEquals(
        "g".repeat(20),
        load("{\"accounts\": {\"guestAccount\": \"%s\"}}".formatted("g".repeat(20)))
            .accounts()
            .guestAccount());
    String expected =
        "accounts.guestAccount: expected a local account's name: 1 to 20 characters, none of "
            + AccountNames.FORBIDDEN
            + ", no control characters, not only dots and spaces, no space at either end, found ";
    String none = "; none of " + AccountNames.FORBIDDEN + " is allowed)";
    List<List<String>> cases =
        List.of(
            List.of(
                "DOMAIN\\\\Guest",
                "\"DOMAIN\\\\Guest\" (the user name 'DOMAIN\\Guest' contains '\\'" + none),
            List.of("a/b", "\"a/b\" (the user name 'a/b' contains '/'" + none),
            List.of(
                "guest@example",
                "\"guest@example\" (the user name 'guest@example' contains '@'" + none),
            List.of("a:b", "\"a:b\" (the user name 'a:b' contains ':'" + none),
            List.of("a*b", "\"a*b\" (the user name 'a*b' contains '*'" + none),
            List.of("", "\"\" (a user name must not be empty)"),
            List.of(
                "g".repeat(21),
                "\""
                    + "g".repeat(21)
                    + "\" (the user name '"
                    + "g".repeat(21)
                    + "' is 21 characters long; at most 20 are allowed)"),
            List.of("..", "\"..\" (the user name '..' consists only of dots and spaces)"),
            List.of(" g", "\" g\" (the user name ' g' begins or ends with a space)"));
    for (List<String> c : cases) {
      ConfigProblem problem =
          single(failure("{\"accounts\": {\"guestAccount\": \"%s\"}}".formatted(c.get(0))));
      assertProblem(problem, 1, 31, ConfigProblem.BAD_VALUE, expected + c.get(1));
    }
  }

  // ---- security ---------------------------------------------------------------------------------

  @Test
  void badAddressesAndPrefixLengthsAreRefused() {
    ConfigException e =
        failure(
            """
            {
              "security": {
                "ipAllow": ["10.0.0.0/8", "10.0.0.0/33", "my-host"],
                "ipDeny": ["::1/129", "::1/128", 7]
              },
              "publishingPoints": [
                { "name": "vod", "prefix": "/vod/", "directory": "m", "ipDeny": ["192.0.2.0/-1"] }
              ]
            }
            """);
    String lookups = " (host names are not looked up), found ";
    assertEquals(
        List.of(
            hostJson()
                + ":3:31: [config/bad-value] security.ipAllow[1]: "
                + IP_RANGE
                + lookups
                + "\"10.0.0.0/33\", whose prefix length is not a number from 0 to 32",
            hostJson()
                + ":3:46: [config/bad-value] security.ipAllow[2]: "
                + IP_RANGE
                + lookups
                + "\"my-host\", which is not an IP address literal",
            hostJson()
                + ":4:16: [config/bad-value] security.ipDeny[0]: "
                + IP_RANGE
                + lookups
                + "\"::1/129\", whose prefix length is not a number from 0 to 128",
            hostJson() + ":4:38: [config/bad-value] security.ipDeny[2]: " + IP_RANGE + ", found 7",
            hostJson()
                + ":7:70: [config/bad-value] publishingPoints[0].ipDeny[0]: "
                + IP_RANGE
                + lookups
                + "\"192.0.2.0/-1\", whose prefix length is not a number from 0 to 32"),
        rendered(e));
  }

  @Test
  void trustedProxiesAndSlowChecksBindAndAreChecked() throws Exception {
    HostConfig config =
        load(
            """
            {
              "security": {
                "trustedProxies": ["10.0.0.0/8", "::1", "2001:db8::/32"],
                "slowChecks": { "concurrent": 3, "perAddress": 0, "queue": 64, "queueWaitMillis": 250 }
              }
            }
            """);
    assertEquals(List.of("10.0.0.0/8", "::1", "2001:db8::/32"), config.security().trustedProxies());
    assertEquals(new SlowChecksConfig(3, 0, 64, 250), config.security().slowChecks());
    assertEquals(SlowChecksConfig.defaults(), load("{}").security().slowChecks());
    assertEquals(List.of(), load("{}").security().trustedProxies());

    ConfigException e =
        failure(
            """
            {
              "security": {
                "trustedProxies": ["proxy.example.org"],
                "slowChecks": { "concurrent": 0, "queueWaitMilis": 5 }
              }
            }
            """);
    List<String> problems = rendered(e);
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(
        problems
            .get(0)
            .startsWith(hostJson() + ":3:24: [config/bad-value] security.trustedProxies[0]: "),
        problems.get(0));
    assertTrue(
        problems.get(1).contains("security.slowChecks.concurrent: expected a whole number"),
        problems.get(1));
    assertTrue(problems.get(2).contains("queueWaitMilis"), problems.get(2));
  }

  @Test
  void ipLiteralsAreParsedWithoutDns() {
    assertArrayEquals(new byte[] {10, 0, 0, 1}, IpLiterals.parse("10.0.0.1"));
    byte[] loopback6 = new byte[16];
    loopback6[15] = 1;
    assertArrayEquals(loopback6, IpLiterals.parse("::1"));
    assertArrayEquals(loopback6, IpLiterals.parse("0:0:0:0:0:0:0:1"));
    byte[] mapped = IpLiterals.parse("::ffff:192.0.2.1");
    assertNotNull(mapped);
    assertEquals((byte) 0xff, mapped[10]);
    assertEquals((byte) 192, mapped[12]);
    assertNotNull(IpLiterals.parse("1:2:3:4:5:6:7::"));
    assertNotNull(IpLiterals.parse("1:2:3:4:5:6:1.2.3.4"));
    for (String bad :
        List.of(
            "1:2:3:4:5:6:7:8::",
            "1:2:3:4:5:6:7::8",
            ":1::",
            "1:::2",
            "12345::",
            "g::1",
            "::1.2.3",
            "1.2.3.4::",
            "0x7f.0.0.1",
            "１.2.3.4")) {
      assertNull(IpLiterals.parse(bad), bad);
    }
    assertTrue(IpLiterals.address("127.0.0.1").isLoopbackAddress());
    assertTrue(IpLiterals.address("::ffff:127.0.0.1").isLoopbackAddress());
    assertFalse(IpLiterals.address("0.0.0.0").isLoopbackAddress());
    assertNull(IpLiterals.rangeError("0.0.0.0/0"));
    assertNull(IpLiterals.rangeError("2001:db8::/128"));
    assertNotNull(IpLiterals.rangeError("10.0.0.0/08"));
    assertNotNull(IpLiterals.rangeError("10.0.0.0/"));
    assertNotNull(IpLiterals.rangeError("/8"));
    // Java reads these as IPv4 addresses, which an IPv6 prefix length would not fit.
    assertEquals(
        "which is an IPv4-mapped IPv6 address; write the IPv4 address itself (prefix 0 to 32)",
        IpLiterals.rangeError("::ffff:10.0.0.0/104"));
    assertNotNull(IpLiterals.rangeError("::ffff:127.0.0.1"));
  }

  // ---- publishingPoints -------------------------------------------------------------------------

  @Test
  void duplicateNamesAndPrefixesAreReportedAtTheSecondUse() {
    ConfigException e =
        failure(
            """
            {
              "publishingPoints": [
                { "name": "vod", "prefix": "/vod/", "directory": "a" },
                { "name": "live", "prefix": "/live/", "origin": "http://o.example/" },
                { "name": "vod", "prefix": "/live/", "directory": "b" }
              ]
            }
            """);
    assertEquals(
        List.of(
            hostJson()
                + ":5:15: [config/bad-value] publishingPoints[2].name: duplicate publishing"
                + " point name \"vod\", already used by publishingPoints[0] at line 3; expected"
                + " each name at most once",
            hostJson()
                + ":5:32: [config/bad-value] publishingPoints[2].prefix: duplicate publishing"
                + " point prefix \"/live/\", already used by publishingPoints[1] at line 4;"
                + " expected each prefix at most once"),
        rendered(e));
  }

  @Test
  void atMostOneOfDirectoryAndOrigin() {
    // A point with neither only scopes authentication (a streaming server's streams): allowed.
    ConfigException e =
        failure(
            """
            {
              "publishingPoints": [
                { "name": "a", "prefix": "/a/", "directory": "m", "origin": "http://o.example/" },
                { "name": "b", "prefix": "/b/" }
              ]
            }
            """);
    assertEquals(
        List.of(
            hostJson()
                + ":3:55: [config/bad-value] publishingPoints[0]: "
                + ONE_SOURCE
                + ", found both"),
        rendered(e));
  }

  @Test
  void originMustBeAPlainHttpUri() {
    ConfigException e =
        failure(
            """
            {
              "publishingPoints": [
                { "name": "a", "prefix": "/a/", "origin": "http://o.example/live?token=1" },
                { "name": "b", "prefix": "/b/", "origin": "http://o.example/#top" },
                { "name": "c", "prefix": "/c/", "origin": "ftp://o.example/" },
                { "name": "d", "prefix": "/d/", "origin": "/relative/" },
                { "name": "e", "prefix": "/e/", "origin": "http:///no-host" },
                { "name": "f", "prefix": "/f/", "origin": "http://o example/" },
                { "name": "g", "prefix": "/g/", "origin": 8080 }
              ]
            }
            """);
    List<ConfigProblem> problems = e.problems();
    assertEquals(7, problems.size(), e.getMessage());
    List<String> whys =
        List.of(
            "\"http://o.example/live?token=1\", which has a query",
            "\"http://o.example/#top\", which has a fragment",
            "\"ftp://o.example/\", which is not an http://, https:// or rtsp:// URI",
            "\"/relative/\", which is not an http://, https:// or rtsp:// URI",
            "\"http:///no-host\", which has no host",
            "\"http://o example/\", which is not a valid URI (Illegal character in authority)",
            "8080");
    for (int i = 0; i < whys.size(); i++) {
      assertProblem(
          problems.get(i),
          3 + i,
          47,
          ConfigProblem.BAD_VALUE,
          "publishingPoints[" + i + "].origin: " + ORIGIN + ", found " + whys.get(i));
    }
  }

  @Test
  void badPrefixFormsAreRefused() {
    List<List<String>> cases =
        List.of(
            List.of("vod/", "which does not start with '/'"),
            List.of("", "which does not start with '/'"),
            List.of("/vod", "which does not end with '/'"),
            List.of("/a//b/", "which contains \"//\""),
            List.of("//", "which contains \"//\""),
            List.of("/a/../b/", "which contains \"..\""),
            List.of("/a../", "which contains \"..\""),
            List.of("/a/./b/", "which contains a \".\" segment"),
            List.of(
                "/a%20b/",
                "which contains '%' (write the characters themselves, not percent-escapes)"),
            List.of("/a?b/", "which contains '?' (a prefix is a path, without a query)"),
            List.of("/a#b/", "which contains '#' (a prefix is a path, without a fragment)"),
            List.of("/a b/", "which contains \" \", not a URL path character"),
            List.of("/médias/", "which contains \"é\", not a URL path character"),
            List.of("/a<b>/", "which contains \"<\", not a URL path character"));
    for (List<String> c : cases) {
      String prefix = c.get(0);
      ConfigProblem problem =
          single(
              failure(
                  ("{\"publishingPoints\": [{\"name\": \"a\", \"prefix\": \"%s\","
                          + " \"directory\": \"m\"}]}")
                      .formatted(prefix)));
      assertProblem(
          problem,
          1,
          47,
          ConfigProblem.BAD_VALUE,
          "publishingPoints[0].prefix: "
              + PREFIX
              + ", found "
              + JsonText.quote(prefix)
              + ", "
              + c.get(1));
    }
  }

  @Test
  void prefixesMayUseEveryRfc3986PathCharacter() throws Exception {
    for (String prefix : List.of("/", "/vod/", "/Media-1/2024_q1/~x/", "/a!$&'()*+,;=:@b/")) {
      HostConfig config =
          load(
              ("{\"publishingPoints\": [{\"name\": \"a\", \"prefix\": \"%s\","
                      + " \"origin\": \"http://o/\"}]}")
                  .formatted(prefix));
      assertEquals(prefix, config.publishingPoints().get(0).prefix());
    }
  }

  @Test
  void nameAndPrefixAreRequired() {
    ConfigException e =
        failure(
            "{\"publishingPoints\": [{\"directory\": \"m\"}, {\"name\": \"Vod\", \"prefix\":"
                + " \"/v/\", \"directory\": \"m\"}, 5]}");
    assertEquals(
        List.of(
            hostJson()
                + ":1:23: [config/bad-value] publishingPoints[0]: missing required key"
                + " \"name\"; expected a publishing point name (a lowercase letter or digit, then"
                + " up to 63 lowercase letters, digits, '.', '_' or '-')",
            hostJson()
                + ":1:23: [config/bad-value] publishingPoints[0]: missing required key"
                + " \"prefix\"; "
                + PREFIX,
            hostJson()
                + ":1:52: [config/bad-value] publishingPoints[1].name: expected a publishing"
                + " point name (a lowercase letter or digit, then up to 63 lowercase letters,"
                + " digits, '.', '_' or '-'), found \"Vod\"",
            hostJson()
                + ":1:95: [config/bad-value] publishingPoints[2]: expected an object with the"
                + " keys name, prefix, directory, origin, plugins, acl, ipAllow, ipDeny, found 5"),
        rendered(e));
  }

  @Test
  void publishingPointPluginsAreIdsListedOnce() {
    ConfigException e =
        failure(
            "{\"publishingPoints\": [{\"name\": \"a\", \"prefix\": \"/a/\", \"directory\": \"m\","
                + " \"plugins\": [\"digest\", \"Digest\", \"digest\"]}]}");
    assertEquals(
        List.of(
            "publishingPoints[0].plugins[1]: expected a plug-in id (a lowercase letter or digit,"
                + " then up to 63 lowercase letters, digits, '.', '_' or '-'), found \"Digest\"",
            "publishingPoints[0].plugins[2]: duplicate plug-in id \"digest\", already listed at"
                + " publishingPoints[0].plugins[0]; expected each id at most once"),
        messages(e));
  }

  @Test
  void accessControlEntriesAreChecked() {
    ConfigException e =
        failure(
"""
{
  "publishingPoints": [
    { "name": "a", "prefix": "/a/", "directory": "m", "acl": [
      { "type": "Deny", "principal": "Everyone", "rights": ["read", "execute", "READ"] },
      { "principal": "", "rights": [] },
      { "type": "deny" },
      "Everyone"
    ] }
  ]
}
""");
    assertEquals(
        List.of(
            hostJson()
                + ":4:17: [config/bad-value] publishingPoints[0].acl[0].type: expected"
                + " \"allow\" or \"deny\", found \"Deny\"",
            hostJson()
                + ":4:69: [config/bad-value] publishingPoints[0].acl[0].rights[1]: expected"
                + " one of \"read\", \"write\", \"create\", found \"execute\"",
            hostJson()
                + ":4:80: [config/bad-value] publishingPoints[0].acl[0].rights[2]: duplicate"
                + " right \"READ\", already listed at publishingPoints[0].acl[0].rights[0];"
                + " expected each right at most once",
            hostJson()
                + ":5:22: [config/bad-value] publishingPoints[0].acl[1].principal: expected "
                + PRINCIPAL
                + ", found \"\"",
            hostJson()
                + ":5:36: [config/bad-value] publishingPoints[0].acl[1].rights: expected a"
                + " non-empty array of rights such as [\"read\"], found an empty array",
            hostJson()
                + ":6:7: [config/bad-value] publishingPoints[0].acl[2]: missing required key"
                + " \"principal\"; expected "
                + PRINCIPAL,
            hostJson()
                + ":6:7: [config/bad-value] publishingPoints[0].acl[2]: missing required key"
                + " \"rights\"; expected a non-empty array of rights such as [\"read\"]",
            hostJson()
                + ":7:7: [config/bad-value] publishingPoints[0].acl[3]: expected an object"
                + " with the keys type, principal, rights, found \"Everyone\""),
        rendered(e));
  }

  // ---- Helpers ----------------------------------------------------------------------------------

  private HostConfig load(String json) throws IOException, ConfigException {
    Files.writeString(dir.resolve("host.json"), json);
    return ConfigLoader.load(dir);
  }

  private ConfigException failure(String json) {
    return assertThrows(ConfigException.class, () -> load(json));
  }

  private static List<String> rendered(ConfigException e) {
    return e.problems().stream().map(ConfigProblem::render).toList();
  }

  private static List<String> messages(ConfigException e) {
    return e.problems().stream().map(ConfigProblem::message).toList();
  }

  private static ConfigProblem single(ConfigException e) {
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  /** Checks a problem's place, id and message. */
  private static void assertProblem(
      ConfigProblem problem, int line, int column, String id, String message) {
    assertEquals(
        line + ":" + column + " " + id,
        problem.line() + ":" + problem.column() + " " + problem.id(),
        problem.render());
    assertEquals(message, problem.message());
  }

  /** The configuration file's path as problems name it. */
  private String hostJson() {
    return dir.toAbsolutePath().normalize().resolve("host.json").toString();
  }
}
