package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.EventLevel;
import org.authhost.host.Main;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.kit.KitClient;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.authhost.host.testing.TestSigning;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Hot reload under {@code plugins.integrity} (issue 16), with real JARs, real signatures made by
 * keys made for the test, and the real command line: what is loaded is what was checked, a JAR that
 * is not trusted is reported once and loads once it is trusted, a replacement that is not trusted
 * leaves the version in service. The folder is followed by the periodic scan on the test's clock.
 */
class ReloadIntegrityTest extends HostTestBase {
  private static final String VERSIONED = "org.authhost.testplugins.versioned.VersionedPlugin";

  private static final String FOLLOW =
      """
      "watch": false, "rescanSeconds": 5, "drainSeconds": 30, "unloadCheckSeconds": 0""";

  @TempDir static Path shared;

  private static TestSigning.Signer authority;
  private static TestSigning.Signer author;
  private static TestSigning.Signer secondAuthor;

  @BeforeAll
  static void makeKeys() {
    authority = TestSigning.authority("CN=AuthHost Test CA");
    author = TestSigning.issuedBy(authority, "CN=Test Plug-in Author", 2048);
    secondAuthor = TestSigning.issuedBy(authority, "CN=Second Author", 2048);
  }

  private Path plugins() {
    return root.resolve("plugins");
  }

  private Path config(String mode) throws Exception {
    return TestHosts.configFolder(root, "\"integrity\": \"" + mode + "\", " + FOLLOW);
  }

  private void start(String mode) throws Exception {
    startHost("\"integrity\": \"" + mode + "\", " + FOLLOW);
  }

  /** The versioned test plug-in at {@code version}, built outside the plug-in folder. */
  private Path built(String version) throws Exception {
    return PluginJar.of("versioned", VERSIONED)
        .with("version", version)
        .writeTo(root.resolve("build-" + version + "-" + System.nanoTime()), "versioned.jar");
  }

  /** Copied in under another name, then renamed into place, as the README tells operators. */
  private Path install(Path jar) throws Exception {
    Path temp = plugins().resolve(".versioned.jar.tmp");
    Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
    return Files.move(
        temp,
        plugins().resolve("versioned.jar"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private Path signed(TestSigning.Signer by, String version) throws Exception {
    Path jar = built(version);
    return by.sign(jar, jar.resolveSibling("signed.jar"));
  }

  /** Two periodic scans: the first sees a new or changed file, the second finds it complete. */
  private void scans(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      clock.advance(Duration.ofSeconds(5));
      host.plugins().reloads().idle().get(60, TimeUnit.SECONDS);
    }
  }

  private String answerOfANewSession() throws Exception {
    AuthenticationSession s = host.plugins().openSession("versioned").get(5, TimeUnit.SECONDS);
    try {
      return new String(leg(s).challenge(), StandardCharsets.ISO_8859_1);
    } finally {
      s.release().get(5, TimeUnit.SECONDS);
    }
  }

  private static AuthenticationOutcome leg(AuthenticationSession s) throws Exception {
    return s.authenticate(new byte[0], KitClient.user(1), KitClient.PRESENTATION, KitClient.COMMAND)
        .get(10, TimeUnit.SECONDS);
  }

  private List<EventRecord> errorsNaming(String text) {
    return host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR)).stream()
        .filter(e -> e.text().contains(text))
        .toList();
  }

  private List<PluginView> views(String state) {
    return host.plugins().plugins().stream()
        .filter(v -> v.id().equals("versioned") && v.state().equals(state))
        .toList();
  }

  @Test
  void aJarSwappedAfterItsCheckIsRefusedOnTheCopyTheHostWouldHaveLoaded() throws Exception {
    Path config = config("sha256");
    Path trusted = built("1.0.0");
    assertEquals(0, cli("plugins", "trust", trusted.toString(), "--config", config).code);
    start("sha256");
    Path untrusted = built("6.6.6");
    String untrustedHash = FileStamp.sha256(untrusted);
    AtomicInteger swaps = new AtomicInteger();
    // The seam between the scan's check and the copy: an attacker's file takes the checked one's
    // place, once.
    host.plugins()
        .beforeStaging(
            d -> {
              if (swaps.getAndIncrement() == 0) {
                try {
                  Files.copy(untrusted, d.file(), StandardCopyOption.REPLACE_EXISTING);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
            });
    Path jar = install(trusted);

    scans(2);

    assertEquals(1, swaps.get(), "the scan admitted the trusted file and staging began");
    assertTrue(views(PluginView.CURRENT).isEmpty(), "the swapped-in file never runs");
    EventRecord refusal = errorsNaming("[integrity/not-listed] " + jar).get(0);
    assertTrue(refusal.text().contains(untrustedHash), refusal.text());
    assertTrue(refusal.text().contains("copy staged for loading"), refusal.text());
    assertTrue(refusal.text().contains("./authhost plugins trust " + jar), refusal.text());
    assertEquals(List.of(), stagedJars(), "nothing of it is left in the work folder");

    // The file now there is the untrusted one: it is not tried again until it changes, and the
    // trusted one put back loads.
    scans(2);
    assertTrue(views(PluginView.CURRENT).isEmpty());
    install(trusted);
    scans(2);
    assertEquals("v=1.0.0", answerOfANewSession());
    assertEquals(FileStamp.sha256(trusted), views(PluginView.CURRENT).get(0).sha256());
  }

  @Test
  void aReplacementSwappedAfterItsCheckLeavesTheVersionInService() throws Exception {
    Path config = config("sha256");
    Path one = built("1.0.0");
    Path two = built("2.0.0");
    assertEquals(0, cli("plugins", "trust", one.toString(), "--config", config).code);
    assertEquals(0, cli("plugins", "trust", two.toString(), "--config", config).code);
    Files.copy(one, plugins().resolve("versioned.jar"));
    start("sha256");
    assertEquals("v=1.0.0", answerOfANewSession());
    Path untrusted = built("6.6.6");
    host.plugins()
        .beforeStaging(
            d -> {
              try {
                Files.copy(untrusted, d.file(), StandardCopyOption.REPLACE_EXISTING);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    install(two);

    scans(2);

    assertEquals("v=1.0.0", answerOfANewSession(), "6.6.6 never served a request");
    assertEquals("1.0.0", views(PluginView.CURRENT).get(0).version());
    assertTrue(views(PluginView.DRAINING).isEmpty());
    String hash = FileStamp.sha256(untrusted);
    assertTrue(
        errorsNaming("stays in service").stream()
            .anyMatch(
                e ->
                    e.source().equals(HostEvents.aboutPlugin("versioned"))
                        && e.text().contains(hash)
                        && e.text().contains("copy staged for loading")),
        errorsNaming(hash).toString());
  }

  @Test
  void anUntrustedJarDroppedInIsReportedOnceAndLoadsAfterPluginsTrustWithoutARestart()
      throws Exception {
    Path config = config("sha256");
    start("sha256");
    Path jar = install(built("1.0.0"));

    scans(6);

    List<EventRecord> refusals = errorsNaming("[integrity/not-listed] " + jar);
    assertEquals(1, refusals.size(), "one ERROR, not one per scan: " + refusals);
    assertTrue(refusals.get(0).text().contains(FileStamp.sha256(jar)), refusals.get(0).text());
    assertTrue(
        refusals.get(0).text().contains("./authhost plugins trust " + jar), refusals.get(0).text());
    assertEquals(1, views(PluginView.REFUSED).size());
    // Trusting another file changes the list: this one is decided again, and not reported again.
    Path other = built("9.9.9");
    assertEquals(0, cli("plugins", "trust", other.toString(), "--config", config).code);
    scans(2);
    assertEquals(1, errorsNaming("[integrity/not-listed] " + jar).size());
    assertEquals(1, views(PluginView.REFUSED).size());

    assertEquals(0, cli("plugins", "trust", jar.toString(), "--config", config).code);
    scans(1);

    assertEquals("v=1.0.0", answerOfANewSession());
    assertEquals(1, views(PluginView.CURRENT).size());
    assertTrue(views(PluginView.REFUSED).isEmpty(), host.plugins().plugins().toString());
    assertEquals(1, errorsNaming("[integrity/not-listed] " + jar).size());
  }

  @Test
  void anUntrustedJarLoadsAtPluginsReloadOnceTrusted() throws Exception {
    Path config = config("signed");
    start("signed");
    Path jar =
        install(
            TestSigning.stranger("CN=Someone Else").sign(built("1.0.0"), shared.resolve("s.jar")));
    scans(3);
    assertEquals(1, errorsNaming("[integrity/untrusted-signer] " + jar).size());

    assertEquals(0, cli("plugins", "trust", jar.toString(), "--config", config).code);
    List<String> done = host.plugins().reloads().reload(null);

    assertTrue(done.stream().anyMatch(l -> l.startsWith("added versioned 1.0.0")), done.toString());
    assertEquals("v=1.0.0", answerOfANewSession());
    // Pinned by its hash, not admitted by a signature: no signer in the listing.
    assertEquals(PluginView.NO_SIGNER, views(PluginView.CURRENT).get(0).signer());
    assertEquals(1, errorsNaming("[integrity/untrusted-signer] " + jar).size());
  }

  @Test
  void aSignedReplacementThatFailsTheCheckLeavesTheOldVersionInServiceWithOneError()
      throws Exception {
    Path config = config("signed");
    Path ca = authority.writeCertificate(shared.resolve("ca.pem"));
    assertEquals(
        0, cli("plugins", "trust", "--certificate", ca.toString(), "--config", config).code);
    install(signed(author, "1.0.0"));
    start("signed");
    assertEquals("v=1.0.0", answerOfANewSession());
    Path jar =
        install(
            TestSigning.stranger("CN=Someone Else").sign(built("2.0.0"), shared.resolve("x.jar")));

    scans(5);

    assertEquals("v=1.0.0", answerOfANewSession());
    PluginView current = views(PluginView.CURRENT).get(0);
    assertEquals("1.0.0", current.version());
    assertTrue(current.signer().contains("CN=Test Plug-in Author"), current.signer());
    List<EventRecord> errors = errorsNaming(jar.toString());
    assertEquals(1, errors.size(), errors.toString());
    EventRecord e = errors.get(0);
    assertEquals(HostEvents.aboutPlugin("versioned"), e.source());
    assertTrue(e.text().contains("plug-in 'versioned'"), e.text());
    assertTrue(e.text().contains("version 1.0.0"), e.text());
    assertTrue(e.text().contains("stays in service"), e.text());
    assertTrue(e.text().contains("[integrity/untrusted-signer] " + jar), e.text());
    assertTrue(e.text().contains(FileStamp.sha256(jar)), e.text());
    assertTrue(e.text().contains("CN=Someone Else"), e.text());
    assertTrue(e.text().contains("Fix: "), e.text());
  }

  @Test
  void theListingShowsEachVersionsOwnHashSignerAndStateWhileOneDrains() throws Exception {
    Path config = config("signed");
    Path ca = authority.writeCertificate(shared.resolve("ca-table.pem"));
    assertEquals(
        0, cli("plugins", "trust", "--certificate", ca.toString(), "--config", config).code);
    Path oneJar = install(signed(author, "1.0.0"));
    String oneHash = FileStamp.sha256(oneJar);
    start("signed");
    // A handshake in progress keeps 1.0.0 draining after the replacement.
    AuthenticationSession open = host.plugins().openSession("versioned").get(5, TimeUnit.SECONDS);
    leg(open);
    Path twoJar = install(signed(secondAuthor, "2.0.0"));
    String twoHash = FileStamp.sha256(twoJar);
    scans(2);
    assertEquals("v=2.0.0", answerOfANewSession());

    Run listing = cli("plugins", "--config", config);

    assertEquals(0, listing.code, listing.toString());
    String header = listing.out.lines().findFirst().orElseThrow();
    String current = row(listing, "2.0.0");
    String draining = row(listing, "1.0.0");
    int hash = header.indexOf("SHA-256");
    int signer = header.indexOf("SIGNER");
    int state = header.indexOf("STATE");
    assertEquals(twoHash.substring(0, 12), current.substring(hash, hash + 12), listing.out);
    assertEquals(oneHash.substring(0, 12), draining.substring(hash, hash + 12), listing.out);
    assertTrue(current.substring(signer).startsWith("CN=Second Author"), listing.out);
    assertTrue(draining.substring(signer).startsWith("CN=Test Plug-in Author"), listing.out);
    assertTrue(current.substring(state).startsWith("CURRENT "), listing.out);
    assertTrue(draining.substring(state).startsWith("DRAINING "), listing.out);
    open.release().get(5, TimeUnit.SECONDS);
  }

  private static String row(Run listing, String version) {
    return listing
        .out
        .lines()
        .filter(l -> l.startsWith("versioned ") && l.contains(" " + version + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError(listing.out));
  }

  private List<Path> stagedJars() throws Exception {
    Path work = root.resolve("var/plugin-work/versioned");
    if (!Files.exists(work)) {
      return List.of();
    }
    try (var files = Files.walk(work)) {
      return files.filter(f -> f.toString().endsWith(".jar")).toList();
    }
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
