package org.authhost.host.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenID Connect provider, panva's {@code oidc-provider} 8 (npm) run by the machine's
 * Node.js from {@code src/test/oidc} ({@code npm ci} there first): the client-credentials grant
 * issues JWT access tokens signed with the keys the test passes in, so a test rotates keys by
 * restarting it with others. Started on a free loopback port, stopped by its PID. Without Node.js
 * or the installed package the test is skipped with what to install; with {@code
 * AUTHHOST_REQUIRE_OIDC=1} (as CI sets it) it fails instead.
 */
public final class OidcProvider implements AutoCloseable {
  public static final String REQUIRE = "AUTHHOST_REQUIRE_OIDC";
  public static final String AUDIENCE = "authhost";

  private static final Path FOLDER =
      Path.of(System.getProperty("authhost.test.oidc", "src/test/oidc"));
  private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** A signing key: its private JWK, as the provider reads it. */
  public record Key(String kid, String privateJwk) {}

  /** A client of the provider and the claims its tokens carry besides the standard ones. */
  public record Client(String id, String secret, String claimsJson) {}

  private final Process process;
  private final int port;

  private OidcProvider(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** A fresh RSA key (2048 bits) with this {@code kid}. */
  public static Key rsaKey(String kid) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      RSAPrivateCrtKey k = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
      String jwk =
          "{\"kty\":\"RSA\",\"kid\":\"%s\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\"%s\",\"e\":\"%s\",\"d\":\"%s\",\"p\":\"%s\",\"q\":\"%s\",\"dp\":\"%s\",\"dq\":\"%s\",\"qi\":\"%s\"}"
              .formatted(
                  kid,
                  b64(k.getModulus()),
                  b64(k.getPublicExponent()),
                  b64(k.getPrivateExponent()),
                  b64(k.getPrimeP()),
                  b64(k.getPrimeQ()),
                  b64(k.getPrimeExponentP()),
                  b64(k.getPrimeExponentQ()),
                  b64(k.getCrtCoefficient()));
      return new Key(kid, jwk);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A free loopback port for a provider (its issuer URL holds the port, so it is chosen first). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts the provider on {@code port}, signing with {@code keys.get(0)} and publishing all of
   * them, issuing tokens for {@link #AUDIENCE} valid {@code ttl}; returns once it listens.
   */
  public static OidcProvider start(
      Path dir, int port, List<Key> keys, Duration ttl, List<Client> clients) throws Exception {
    Path node = node();
    Path script = FOLDER.toAbsolutePath().resolve("provider.js");
    if (!Files.isDirectory(FOLDER.resolve("node_modules/oidc-provider"))) {
      skipOrFail("the npm package oidc-provider is not installed; run: npm ci --prefix " + FOLDER);
    }
    String config =
        """
        {"issuer":"http://127.0.0.1:%d","port":%d,"audience":"%s","accessTokenTTL":%d,
         "jwks":{"keys":[%s]},"clients":[%s]}
        """
            .formatted(
                port,
                port,
                AUDIENCE,
                ttl.toSeconds(),
                keys.stream().map(Key::privateJwk).collect(Collectors.joining(",")),
                clients.stream()
                    .map(
                        c ->
                            "{\"client_id\":\"%s\",\"client_secret\":\"%s\",\"claims\":%s}"
                                .formatted(c.id(), c.secret(), c.claimsJson()))
                    .collect(Collectors.joining(",")));
    Path configFile = Files.createTempFile(dir, "oidc-", ".json");
    Files.writeString(configFile, config);
    Path log = Files.createTempFile(dir, "oidc-", ".log");
    Process p =
        new ProcessBuilder(node.toString(), script.toString(), configFile.toString())
            .redirectError(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    CountDownLatch listening = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  if (line.startsWith("listening ")) {
                    listening.countDown();
                  }
                }
              } catch (IOException e) {
                // the process ended: the wait below reports it
              }
            },
            "oidc-provider-stdout");
    reader.setDaemon(true);
    reader.start();
    if (!listening.await(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the OpenID provider did not start: " + Files.readString(log));
    }
    return new OidcProvider(p, port);
  }

  public String issuer() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** An access token through the client-credentials grant, for {@link #AUDIENCE}. */
  public String token(Client client) throws Exception {
    return token(client, null);
  }

  /** The same for another audience ({@code resource}, an absolute URI, becomes {@code aud}). */
  public String token(Client client, String resource) throws Exception {
    String form =
        "grant_type=client_credentials&scope=stream"
            + (resource == null
                ? ""
                : "&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8));
    String basic =
        Base64.getEncoder()
            .encodeToString((client.id() + ":" + client.secret()).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(issuer() + "/token"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = ACCESS_TOKEN.matcher(r.body());
    if (r.statusCode() != 200 || !m.find()) {
      throw new AssertionError("no token from the provider: " + r.statusCode() + " " + r.body());
    }
    return m.group(1);
  }

  /** Stops the provider by its PID and waits for it to end. */
  @Override
  public void close() throws InterruptedException {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static Path node() {
    List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/usr/local/bin"));
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(0, List.of(path.split(java.io.File.pathSeparator)));
    }
    Optional<Path> found =
        dirs.stream()
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "node"))
            .filter(Files::isExecutable)
            .findFirst();
    if (found.isEmpty()) {
      skipOrFail("Node.js is not installed (the OpenID provider oidc-provider runs on it)");
    }
    return found.get();
  }

  private static void skipOrFail(String message) {
    String full = message + "; apt-get install nodejs npm, then npm ci --prefix " + FOLDER;
    if ("1".equals(System.getenv(REQUIRE))) {
      Assertions.fail(full + " (" + REQUIRE + "=1: this test may not be skipped)");
    }
    Assumptions.abort(full);
  }

  private static String b64(BigInteger n) {
    byte[] bytes = n.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
