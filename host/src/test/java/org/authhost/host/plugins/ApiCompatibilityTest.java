package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plug-in built against the released API 1.2 JAR (kept in the test resources as it was released,
 * so that nothing of 1.3 can leak into the build) loads and serves unchanged on this host: the
 * compatibility promise of a minor version. The same for those built against the released API 1.3,
 * 1.4, 1.5 and 1.6 JARs, on a host that provides 1.7.
 */
class ApiCompatibilityTest {
  private static final Path API_12 = Path.of("src/test/resources/compat/authhost-api-1.2.jar");

  /**
   * The API 1.3 JAR as it was released (compiled from the sources of the commit before 1.4): a 1.3
   * plug-in keeps serving unchanged on the 1.4 host.
   */
  private static final Path API_13 = Path.of("src/test/resources/compat/authhost-api-1.3.jar");

  private static final Path API_14 = Path.of("src/test/resources/compat/authhost-api-1.4.jar");

  /** The API 1.5 JAR as it was released (the api module's classes at 31ff46b). */
  private static final Path API_15 = Path.of("src/test/resources/compat/authhost-api-1.5.jar");

  /** The API 1.6 JAR as it was released (the api module's classes at 2bf3bfa). */
  private static final Path API_16 = Path.of("src/test/resources/compat/authhost-api-1.6.jar");

  @TempDir Path root;
  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  @Test
  void aPluginBuiltAgainstApi12ServesUnchangedOnThisHost() throws Exception {
    start("");
    HttpClient client = HttpClient.newHttpClient();
    URI uri = uri();
    HttpResponse<String> challenge =
        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, challenge.statusCode());
    assertTrue(
        challenge.headers().allValues("WWW-Authenticate").contains("X-Token realm=\"compat\""),
        challenge.headers().toString());

    HttpResponse<String> served =
        client.send(
            HttpRequest.newBuilder(uri).header("Authorization", "X-Token alice:s3cret").build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, served.statusCode());
    assertEquals("hello\n", served.body());

    HttpResponse<String> wrong =
        client.send(
            HttpRequest.newBuilder(uri).header("Authorization", "X-Token alice:nope").build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, wrong.statusCode());
    assertEquals(0, host.tokens().openHandles(), "the 1.2 context closed what it owned");
  }

  @Test
  void aPluginBuiltAgainstApi13ServesUnchangedOnThisHost() throws Exception {
    start("");
    assertTrue(org.authhost.api.AuthHostApi.MINOR > 3, "this host provides a later API 1.x");
    assertServesUnchanged("/q/hello.txt");
  }

  /**
   * The API 1.4 JAR as it was released (compiled from the sources of the commit before 1.5): a 1.4
   * plug-in keeps serving unchanged on a later host.
   */
  @Test
  void aPluginBuiltAgainstApi14ServesUnchangedOnThisHost() throws Exception {
    start("");
    assertTrue(org.authhost.api.AuthHostApi.MINOR > 4, "this host provides a later API 1.x");
    assertServesUnchanged("/r/hello.txt");
  }

  /** A 1.5 plug-in keeps serving unchanged on a later host. */
  @Test
  void aPluginBuiltAgainstApi15ServesUnchangedOnThisHost() throws Exception {
    start("");
    assertTrue(org.authhost.api.AuthHostApi.MINOR > 5, "this host provides a later API 1.x");
    assertServesUnchanged("/s/hello.txt");
  }

  /** A 1.6 plug-in keeps serving unchanged on the 1.7 host. */
  @Test
  void aPluginBuiltAgainstApi16ServesUnchangedOnThisHost() throws Exception {
    start("");
    assertEquals("1.7", org.authhost.api.AuthHostApi.VERSION, "this host provides API 1.7");
    assertServesUnchanged("/u/hello.txt");
  }

  /** The shared-secret plug-in of {@code path}'s point: challenged, served, refused with 401. */
  private void assertServesUnchanged(String path) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + host.http().plainPort() + path);
    HttpResponse<String> challenge =
        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, challenge.statusCode());
    assertTrue(
        challenge.headers().allValues("WWW-Authenticate").contains("X-Token realm=\"compat\""),
        challenge.headers().toString());
    HttpResponse<String> served =
        client.send(
            HttpRequest.newBuilder(uri).header("Authorization", "X-Token alice:s3cret").build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, served.statusCode());
    HttpResponse<String> wrong =
        client.send(
            HttpRequest.newBuilder(uri).header("Authorization", "X-Token alice:nope").build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(
        401, wrong.statusCode(), "an older plug-in's refusal is still a challenge, no 403");
  }

  /**
   * This plug-in checks a shared secret and names nobody when it refuses one: each refusal is a
   * guess all the same, and counts toward the address, so the secret cannot be guessed without
   * limit from one address (it used to count for nothing).
   */
  @Test
  void refusalsOfAPluginThatNamesNobodyCountTowardTheAddressLockout() throws Exception {
    start("\"security\": { \"lockout\": { \"addressThreshold\": 3 } },");
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> wrong =
          client.send(
              HttpRequest.newBuilder(uri()).header("Authorization", "X-Token alice:g" + i).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, wrong.statusCode(), "guess " + i);
    }
    HttpResponse<String> right =
        client.send(
            HttpRequest.newBuilder(uri()).header("Authorization", "X-Token alice:s3cret").build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(429, right.statusCode(), "the address is locked out after three guesses");
  }

  /**
   * A state store written for API 1.3 (compiled against the released JAR, so it knows nothing of
   * claimInWindow) still links against the 1.4 interface and keeps working; asked for the 1.4
   * window it answers E_NOTIMPL, the interface's default, never a replay check it cannot make
   * atomically and never an AbstractMethodError. Digest refuses to enable on such a store
   * (NonceWindowTest in the plug-in's module).
   */
  @Test
  void aStateStoreWrittenForApi13AnswersNotImplementedForTheWindowOfApi14() throws Exception {
    Path jar =
        PluginJar.of("compat13state", "org.authhost.testplugins.compat13state.MapState")
            .compiledAgainst(API_13)
            .writeTo(root, "compat13state.jar");
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      StateService old =
          (StateService)
              loader
                  .loadClass("org.authhost.testplugins.compat13state.MapState")
                  .getConstructor()
                  .newInstance();
      Out<Boolean> first = new Out<>();
      assertEquals(HResult.S_OK, old.claim("nc/n/1", Duration.ofMinutes(1), first));
      assertEquals(true, first.get(), "what it wrote for 1.3 works as before");
      Out<StateService.WindowClaim> claimed = new Out<>();
      assertEquals(
          HResult.E_NOTIMPL,
          old.claimInWindow("nc/n", 1, 1024, Duration.ofMinutes(1), claimed),
          "the 1.4 window: not implemented, not emulated");
      assertNull(claimed.get());
      assertEquals(
          HResult.E_NOTIMPL,
          old.claimInWindowAsync("nc/n", 1, 1024, Duration.ofMinutes(1))
              .toCompletableFuture()
              .join()
              .hresult());
    }
  }

  private URI uri() {
    return URI.create("http://127.0.0.1:" + host.http().plainPort() + "/p/hello.txt");
  }

  private void start(String extraConfig) throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    PluginJar.of("compat12", "org.authhost.testplugins.compat12.SharedSecret12Plugin")
        .with("api-version", "1.2")
        .compiledAgainst(API_12)
        .writeTo(plugins, "compat12.jar");
    PluginJar.of("compat12", "org.authhost.testplugins.compat12.SharedSecret12Plugin")
        .with("id", "compat13")
        .with("api-version", "1.3")
        .compiledAgainst(API_13)
        .writeTo(plugins, "compat13.jar");
    PluginJar.of("compat12", "org.authhost.testplugins.compat12.SharedSecret12Plugin")
        .with("id", "compat14")
        .with("api-version", "1.4")
        .compiledAgainst(API_14)
        .writeTo(plugins, "compat14.jar");
    PluginJar.of("compat12", "org.authhost.testplugins.compat12.SharedSecret12Plugin")
        .with("id", "compat15")
        .with("api-version", "1.5")
        .compiledAgainst(API_15)
        .writeTo(plugins, "compat15.jar");
    PluginJar.of("compat12", "org.authhost.testplugins.compat12.SharedSecret12Plugin")
        .with("id", "compat16")
        .with("api-version", "1.6")
        .compiledAgainst(API_16)
        .writeTo(plugins, "compat16.jar");
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins" },
          "http": { "port": 0 },
          %s
          "publishingPoints": [ { "name": "p", "prefix": "/p/", "directory": "../media",
            "plugins": ["compat12"], "acl": [ { "principal": "Users", "rights": ["read"] } ] },
            { "name": "q", "prefix": "/q/", "directory": "../media",
            "plugins": ["compat13"], "acl": [ { "principal": "Users", "rights": ["read"] } ] },
            { "name": "r", "prefix": "/r/", "directory": "../media",
            "plugins": ["compat14"], "acl": [ { "principal": "Users", "rights": ["read"] } ] },
            { "name": "s", "prefix": "/s/", "directory": "../media",
            "plugins": ["compat15"], "acl": [ { "principal": "Users", "rights": ["read"] } ] },
            { "name": "u", "prefix": "/u/", "directory": "../media",
            "plugins": ["compat16"], "acl": [ { "principal": "Users", "rights": ["read"] } ] } ]
        }
        """
            .formatted(extraConfig));
    TestHosts.addAccount(config, "alice", "pw-alice");
    host = AuthHost.create(ConfigLoader.load(config));
    host.start();
  }
}
