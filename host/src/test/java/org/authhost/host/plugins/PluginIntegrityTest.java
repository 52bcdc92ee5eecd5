package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.config.ConfigException;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.IntegrityConfig;
import org.authhost.host.config.PluginsConfig;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.authhost.host.testing.TestSigning;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code plugins.integrity} with real JARs signed in the test by keys made for it: each JAR that is
 * not trusted is refused, before anything of it is staged, with an ERROR event naming the file, its
 * SHA-256, its own stable id and the command that would allow it; the trusted ones load.
 */
class PluginIntegrityTest extends HostTestBase {
  private static final String BASE = "org.authhost.testplugins.TestPlugin";

  @TempDir static Path shared;

  /** Compiled once; each test copies it under the ids it needs. */
  private static Path template;

  private static TestSigning.Signer authority;
  private static TestSigning.Signer signer;

  @BeforeAll
  static void makeJarAndKeys() throws Exception {
    template = PluginJar.of("template", BASE).writeTo(shared, "template.jar");
    authority = TestSigning.authority("CN=AuthHost Test CA");
    signer = TestSigning.issuedBy(authority, "CN=Test Plug-in Author", 2048);
  }

  private Path plugins() {
    return root.resolve("plugins");
  }

  private Path unsigned(String id) throws Exception {
    return TestSigning.withId(template, id, shared.resolve("unsigned-" + id + ".jar"));
  }

  /** A test plug-in with this id, signed by the test CA's signer, as plugins/id.jar. */
  private Path signed(String id) throws Exception {
    return signer.sign(unsigned(id), plugins().resolve(id + ".jar"));
  }

  @Test
  void signedModeRefusesEachUntrustedJarWithItsOwnIdAndLoadsTheTrustedOnes() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"signed\"");
    signed("good");
    // An entry's bytes changed after signing.
    Path tamperedSource = signer.sign(unsigned("tampered"), shared.resolve("tampered-ok.jar"));
    TestSigning.rewrite(
        tamperedSource,
        plugins().resolve("tampered.jar"),
        (name, bytes) -> {
          if (name.endsWith("TestPlugin.class")) {
            byte[] changed = bytes.clone();
            changed[changed.length - 1] ^= 1;
            return changed;
          }
          return bytes;
        },
        List.of());
    // An entry added after signing.
    TestSigning.rewrite(
        signer.sign(unsigned("added"), shared.resolve("added-ok.jar")),
        plugins().resolve("added.jar"),
        (name, bytes) -> bytes,
        List.<String[]>of(new String[] {"org/example/Extra.properties", "extra=1"}));
    TestSigning.stranger("CN=Someone Else")
        .sign(unsigned("stranger"), plugins().resolve("stranger.jar"));
    signer.sign(unsigned("sha1"), plugins().resolve("sha1.jar"), "SHA-1", "SHA1withRSA");
    TestSigning.issuedBy(authority, "CN=Short Key", 1024)
        .sign(unsigned("shortkey"), plugins().resolve("shortkey.jar"));
    Files.copy(unsigned("plain"), plugins().resolve("plain.jar"));
    // Unsigned, but pinned by its hash: a pin is stronger than any signature.
    Path pinned = Files.copy(unsigned("pinned"), plugins().resolve("pinned.jar"));
    Path ca = authority.writeCertificate(shared.resolve("ca.pem"));
    assertEquals(
        0, cli("plugins", "trust", "--certificate", ca.toString(), "--config", config).code);
    assertEquals(0, cli("plugins", "trust", pinned.toString(), "--config", config).code);

    startHost(config);

    assertLoaded("good");
    assertLoaded("pinned");
    List<EventRecord> errors = errors();
    assertRefused(errors, "tampered", "integrity/tampered", "TestPlugin.class");
    assertRefused(errors, "added", "integrity/unsigned-entry", "org/example/Extra.properties");
    assertRefused(errors, "stranger", "integrity/untrusted-signer", "CN=Someone Else");
    assertRefused(errors, "sha1", "integrity/weak-algorithm", "SHA-1");
    assertRefused(errors, "shortkey", "integrity/weak-algorithm", "1024-bit RSA key");
    assertRefused(errors, "plain", "integrity/not-signed", "not signed");
    assertEquals(6, errors.size(), errors.toString());
    assertEquals(new PluginCounts(2, 2, 6, 6), host.plugins().counts());
    // The running host's listing names who signed what it admitted by a signature.
    Run listing = cli("plugins", "--config", config);
    assertEquals(0, listing.code, listing.toString());
    String good = listing.out.lines().filter(l -> l.startsWith("good ")).findFirst().orElseThrow();
    assertTrue(listing.out.startsWith("ID "), listing.out);
    assertTrue(listing.out.lines().findFirst().orElseThrow().contains(" SIGNER "), listing.out);
    assertTrue(good.contains("CN=Test Plug-in Author"), listing.out);
    String pinnedRow =
        listing.out.lines().filter(l -> l.startsWith("pinned ")).findFirst().orElseThrow();
    assertFalse(pinnedRow.contains("CN="), listing.out);
  }

  @Test
  void sha256ModeLoadsListedAndBuiltInJarsOnlyAndNamesTheCommandThatWouldAllowTheRest()
      throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"sha256\"");
    Path listed = Files.copy(unsigned("listed"), plugins().resolve("listed.jar"));
    Path unlisted = Files.copy(unsigned("unlisted"), plugins().resolve("unlisted.jar"));
    // A signature counts for nothing in this mode, even by a trusted signer.
    signed("signedonly");
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"),
        plugins().resolve("authhost-plugin-anonymous.jar"));
    assertEquals(0, cli("plugins", "trust", listed.toString(), "--config", config).code);
    assertEquals(
        0,
        cli(
                "plugins",
                "trust",
                "--certificate",
                authority.writeCertificate(shared.resolve("ca.pem")).toString(),
                "--config",
                config)
            .code);

    startHost(withBuiltInList(TestHosts.load(config)));

    assertLoaded("listed");
    assertLoaded("anonymous");
    List<EventRecord> errors = errors();
    assertRefused(errors, "unlisted", "integrity/not-listed", "plugins.lock");
    assertRefused(errors, "signedonly", "integrity/not-listed", "plugins.lock");
    assertEquals(2, errors.size(), errors.toString());
    EventRecord refusal = only(errors, "unlisted.jar");
    assertTrue(refusal.text().contains("./authhost plugins trust " + unlisted), refusal.text());
    // Nothing of a refused JAR was staged, let alone loaded.
    assertFalse(Files.exists(root.resolve("var/plugin-work/unlisted")));
    assertTrue(Files.exists(root.resolve("var/plugin-work/listed")));
    PluginView view = host.plugins().plugin("unlisted").orElseThrow();
    assertEquals(PluginStatus.ERROR, view.status());
    assertTrue(view.errorText().contains("[integrity/not-listed]"), view.errorText());
  }

  @Test
  void offLoadsEveryJarAndSaysSoOnceAtStart() throws Exception {
    Path config = TestHosts.configFolder(root, "");
    Files.copy(unsigned("one"), plugins().resolve("one.jar"));
    TestSigning.stranger("CN=Anyone").sign(unsigned("two"), plugins().resolve("two.jar"));

    startHost(config);

    assertLoaded("one");
    assertLoaded("two");
    assertEquals(List.of(), errors());
    List<EventRecord> said =
        host.eventLog().query(EventQuery.all().withLevel(EventLevel.INFORMATION)).stream()
            .filter(e -> e.text().contains("plugins.integrity"))
            .toList();
    assertEquals(1, said.size(), said.toString());
    assertTrue(said.get(0).text().contains("plugins.integrity is off"), said.get(0).text());
  }

  @Test
  void theTrustVerifyAndUntrustCommandsWorkOnTheFilesAndExitMeaningfully() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"sha256\"");
    Path jar = Files.copy(unsigned("cli"), shared.resolve("cli.jar"));
    Path signedJar = signer.sign(unsigned("clisigned"), shared.resolve("clisigned.jar"));

    Run refused = cli("plugins", "verify", jar.toString(), "--config", config);
    assertEquals(1, refused.code, refused.toString());
    assertTrue(refused.out.contains("REFUSE"), refused.out);
    assertTrue(refused.out.contains("integrity/not-listed"), refused.out);
    assertTrue(refused.out.contains(sha256(jar)), refused.out);

    Run trusted = cli("plugins", "trust", jar.toString(), "--config", config);
    assertEquals(0, trusted.code, trusted.toString());
    assertTrue(
        Files.readString(config.resolve(IntegrityConfig.ALLOW_LIST))
            .contains(sha256(jar) + "  cli.jar"));
    Run admitted = cli("plugins", "verify", jar.toString(), "--config", config);
    assertEquals(0, admitted.code, admitted.toString());
    assertTrue(admitted.out.contains("integrity/listed"), admitted.out);

    Run untrusted = cli("plugins", "untrust", sha256(jar), "--config", config);
    assertEquals(0, untrusted.code, untrusted.toString());
    assertEquals(1, cli("plugins", "verify", jar.toString(), "--config", config).code);
    // Untrusting what is not trusted changes nothing, and says so.
    assertEquals(2, cli("plugins", "untrust", jar.toString(), "--config", config).code);

    // Signers: only in signed mode, asked here with --mode before switching to it.
    Run unknownSigner =
        cli("plugins", "verify", "--mode", "signed", signedJar.toString(), "--config", config);
    assertEquals(1, unknownSigner.code, unknownSigner.toString());
    assertTrue(unknownSigner.out.contains("integrity/untrusted-signer"), unknownSigner.out);
    Path ca = authority.writeCertificate(shared.resolve("ca.pem"));
    Run addSigner = cli("plugins", "trust", "--certificate", ca.toString(), "--config", config);
    assertEquals(0, addSigner.code, addSigner.toString());
    assertTrue(addSigner.out.contains("signers count only when it is \"signed\""), addSigner.out);
    assertTrue(Files.exists(config.resolve(IntegrityConfig.TRUST_STORE)));
    Run knownSigner =
        cli("plugins", "verify", "--mode", "signed", signedJar.toString(), "--config", config);
    assertEquals(0, knownSigner.code, knownSigner.toString());
    assertTrue(knownSigner.out.contains("CN=Test Plug-in Author"), knownSigner.out);
    assertEquals(
        0, cli("plugins", "untrust", "--certificate", ca.toString(), "--config", config).code);
    assertEquals(
        1,
        cli("plugins", "verify", "--mode", "signed", signedJar.toString(), "--config", config)
            .code);

    // Operator errors: exit 2 with a message, nothing written.
    Run missing =
        cli("plugins", "verify", shared.resolve("nope.jar").toString(), "--config", config);
    assertEquals(2, missing.code, missing.toString());
    assertTrue(missing.err.contains("no such file"), missing.err);
    assertEquals(
        2, cli("plugins", "trust", "--certificate", jar.toString(), "--config", config).code);
  }

  @Test
  void verifyTellsARemovedSignedEntryABrokenListAndAPinnedSelfSignedSigner() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"signed\"");
    Path whole = signer.sign(unsigned("whole"), shared.resolve("whole.jar"));
    Path removed =
        TestSigning.rewrite(
            whole,
            shared.resolve("removed.jar"),
            (name, bytes) -> name.endsWith("TestPlugin.class") ? null : bytes,
            List.of());
    assertEquals(0, cli("plugins", "trust", "--certificate", ca(), "--config", config).code);

    Run gone = cli("plugins", "verify", removed.toString(), "--config", config);
    assertEquals(1, gone.code, gone.toString());
    assertTrue(gone.out.contains("integrity/tampered"), gone.out);
    assertTrue(gone.out.contains("is missing from the JAR"), gone.out);

    // The manifest changed after signing: the JDK's verifier throws before any entry is read.
    Path manifest =
        TestSigning.rewrite(
            whole,
            shared.resolve("manifest.jar"),
            (name, bytes) ->
                name.equals("META-INF/MANIFEST.MF")
                    ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                        .replaceFirst("\r?\n", "\r\nX-Added: 1\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : bytes,
            List.of());
    Run changedManifest = cli("plugins", "verify", manifest.toString(), "--config", config);
    assertEquals(1, changedManifest.code, changedManifest.toString());
    assertTrue(changedManifest.out.contains("integrity/tampered"), changedManifest.out);

    // A self-signed signer is trusted as itself, by its own certificate.
    TestSigning.Signer own = TestSigning.stranger("CN=Own Signer");
    Path ownJar = own.sign(unsigned("own"), shared.resolve("own.jar"));
    assertEquals(1, cli("plugins", "verify", ownJar.toString(), "--config", config).code);
    Path ownCertificate = own.writeCertificate(shared.resolve("own.pem"));
    assertEquals(
        0, cli("plugins", "trust", "--certificate", ownCertificate, "--config", config).code);
    Run pinnedSigner = cli("plugins", "verify", ownJar.toString(), "--config", config);
    assertEquals(0, pinnedSigner.code, pinnedSigner.toString());
    assertTrue(pinnedSigner.out.contains("CN=Own Signer"), pinnedSigner.out);

    // A hand-edited allow-list that cannot be read refuses everything, naming the line: fail
    // closed.
    Files.writeString(config.resolve(IntegrityConfig.ALLOW_LIST), "# mine\nnot a hash line\n");
    Run broken = cli("plugins", "verify", whole.toString(), "--config", config);
    assertEquals(1, broken.code, broken.toString());
    assertTrue(broken.out.contains("integrity/bad-allow-list"), broken.out);
    assertTrue(broken.out.contains("plugins.lock:2:"), broken.out);
  }

  @Test
  void trustFilesWherePluginsAreDroppedVouchForNothing() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"sha256\"");
    // The configuration folder doubles as the plug-in folder: a JAR dropper could write the list.
    Files.writeString(
        config.resolve("host.json"),
        Files.readString(config.resolve("host.json"))
            .replace("\"directory\": \"../plugins\"", "\"directory\": \".\""));
    Path jar = Files.copy(unsigned("exposed"), config.resolve("exposed.jar"));
    assertEquals(0, cli("plugins", "trust", jar.toString(), "--config", config).code);

    Run run = cli("plugins", "verify", jar.toString(), "--config", config);
    assertEquals(1, run.code, run.toString());
    assertTrue(run.out.contains("integrity/exposed-trust-files"), run.out);
  }

  private Path ca() throws Exception {
    return authority.writeCertificate(shared.resolve("ca.pem"));
  }

  @Test
  void theBuildListsEveryBuiltInPluginByItsHashAndTheShippedConfigurationTrustsNoKey()
      throws Exception {
    Path builtins = Path.of(System.getProperty("authhost.test.builtinPlugins"));
    List<String> lines =
        Files.readAllLines(builtins.resolveSibling("lib").resolve(IntegrityConfig.BUILT_IN_HASHES))
            .stream()
            .filter(l -> !l.startsWith("#"))
            .sorted()
            .toList();
    List<String> expected;
    try (var jars = Files.list(builtins)) {
      expected =
          jars.filter(p -> p.toString().endsWith(".jar"))
              .map(p -> uncheckedSha256(p) + "  " + p.getFileName())
              .sorted()
              .toList();
    }
    for (String id :
        List.of("anonymous", "basic", "digest", "ntlm", "negotiate", "signed-url", "bearer")) {
      assertTrue(
          expected.stream().anyMatch(l -> l.endsWith("  authhost-plugin-" + id + ".jar")),
          id + " is built in: " + expected);
    }
    assertEquals(expected, lines);
    // The shipped configuration folder holds no allow-list and no trust store: the operator's own.
    Path shipped =
        Path.of(System.getProperty("authhost.test.sources"))
            .resolve("../../../../config")
            .normalize();
    assertTrue(Files.isRegularFile(shipped.resolve("host.json")), shipped.toString());
    assertFalse(Files.exists(shipped.resolve(IntegrityConfig.ALLOW_LIST)));
    assertFalse(Files.exists(shipped.resolve(IntegrityConfig.TRUST_STORE)));
  }

  private static String uncheckedSha256(Path file) {
    try {
      return sha256(file);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anUnknownModeIsAConfigProblemWithItsPlaceAndTheChoices() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"sha-256\"");
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class, () -> TestHosts.load(config));
    assertTrue(e.getMessage().contains("host.json:"), e.getMessage());
    assertTrue(e.getMessage().contains("plugins.integrity"), e.getMessage());
    assertTrue(e.getMessage().contains("sha256"), e.getMessage());
  }

  // --- helpers ---

  private void startHost(Path config) throws Exception {
    startHost(TestHosts.load(config));
  }

  private void startHost(HostConfig config) throws Exception {
    host = AuthHost.create(config, FakeTime.of(clock));
    host.start();
  }

  /** The configuration with the build's list of built-in hashes, as the launcher's home gives. */
  private static HostConfig withBuiltInList(HostConfig config) {
    PluginsConfig p = config.plugins();
    IntegrityConfig i = p.integrity();
    Path list =
        Path.of(System.getProperty("authhost.test.builtinPlugins"))
            .resolveSibling("lib")
            .resolve(IntegrityConfig.BUILT_IN_HASHES);
    assertTrue(Files.isRegularFile(list), list + " is written by the build");
    return new HostConfig(
        config.configDirectory(),
        config.serverName(),
        config.dataDirectory(),
        new PluginsConfig(
            p.directory(),
            p.callTimeoutMillis(),
            p.callbackTimeoutMillis(),
            p.order(),
            p.settings(),
            p.bulkhead(),
            p.requireGrants(),
            new IntegrityConfig(i.mode(), i.allowList(), i.trustStore(), list)),
        config.eventLog(),
        config.admin(),
        config.http(),
        config.accounts(),
        config.security(),
        config.publishingPoints(),
        config.integrations());
  }

  private void assertLoaded(String id) {
    PluginView view = host.plugins().plugin(id).orElseThrow(() -> new AssertionError(id));
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, view.status(), view.toString());
  }

  private List<EventRecord> errors() {
    return host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR));
  }

  private static EventRecord only(List<EventRecord> events, String fileName) {
    List<EventRecord> about = events.stream().filter(e -> e.text().contains(fileName)).toList();
    assertEquals(1, about.size(), events.toString());
    return about.get(0);
  }

  /** One ERROR naming the file, its hash, the id, the reason's detail and the way to allow it. */
  private void assertRefused(List<EventRecord> errors, String id, String problemId, String detail)
      throws Exception {
    Path jar = plugins().resolve(id + ".jar");
    EventRecord e = only(errors, id + ".jar");
    String text = e.text();
    assertTrue(text.contains("[" + problemId + "] " + jar), text);
    assertTrue(text.contains(sha256(jar)), text);
    assertTrue(text.contains(detail), text);
    assertTrue(text.contains("Fix: "), text);
    assertTrue(text.contains("./authhost plugins trust"), text);
    assertFalse(Files.exists(root.resolve("var/plugin-work/" + id)), id + " was staged");
    PluginView view = host.plugins().plugin(id).orElseThrow(() -> new AssertionError(id));
    assertEquals(PluginStatus.ERROR, view.status());
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private record Run(int code, String out, String err) {}

  private static Run cli(Object... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(java.util.Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }
}
