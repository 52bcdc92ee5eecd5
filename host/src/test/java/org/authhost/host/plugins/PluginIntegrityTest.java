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
    // Untrusting what is not trusted changes nothing, says so, and succeeds (idempotent).
    Run again = cli("plugins", "untrust", jar.toString(), "--config", config);
    assertEquals(0, again.code, again.toString());
    assertTrue(again.out.contains("nothing was changed"), again.out);

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
    // The list, not the JAR, is at fault: the command could not decide.
    assertEquals(2, broken.code, broken.toString());
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

  @Test
  void aManifestClassPathIsRefusedWhateverVouchesForTheJar() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"signed\"");
    assertEquals(0, cli("plugins", "trust", "--certificate", ca(), "--config", config).code);
    // Listed by its hash: the list vouches for these bytes, not for the JAR the path names.
    Path listed =
        TestSigning.withManifest(
            unsigned("listedcp"),
            shared.resolve("listedcp.jar"),
            "Class-Path: ../../../plugins/refused.jar");
    assertEquals(0, cli("plugins", "trust", listed.toString(), "--config", config).code);
    Run listedRun = cli("plugins", "verify", listed.toString(), "--config", config);
    assertEquals(1, listedRun.code, listedRun.toString());
    assertTrue(listedRun.out.contains("integrity/class-path"), listedRun.out);
    assertTrue(listedRun.out.contains("../../../plugins/refused.jar"), listedRun.out);
    assertTrue(listedRun.out.contains("lib/"), listedRun.out);
    // Signed by a trusted signer, Class-Path and all.
    Path signedWithPath =
        signer.sign(
            TestSigning.withManifest(
                unsigned("signedcp"), shared.resolve("signedcp-in.jar"), "Class-Path: evil.jar"),
            shared.resolve("signedcp.jar"));
    Run signedRun = cli("plugins", "verify", signedWithPath.toString(), "--config", config);
    assertEquals(1, signedRun.code, signedRun.toString());
    assertTrue(signedRun.out.contains("integrity/class-path"), signedRun.out);
    // A bundled library's manifest counts as the plug-in's own.
    Path library =
        TestSigning.withManifest(
            PluginJar.testLibrary("jackson-core-2.12.7.jar"),
            shared.resolve("lib-with-path.jar"),
            "Class-Path: ../outside.jar");
    Path bundling =
        signer.sign(
            TestSigning.rewrite(
                unsigned("bundlingcp"),
                shared.resolve("bundlingcp-in.jar"),
                (name, bytes) -> bytes,
                List.<String[]>of()),
            shared.resolve("bundlingcp.jar"));
    Path withLibrary = shared.resolve("withlib.jar");
    try (var in = new java.util.zip.ZipFile(unsigned("withlib").toFile());
        var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(withLibrary))) {
      for (var entry : java.util.Collections.list(in.entries())) {
        out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
        in.getInputStream(entry).transferTo(out);
      }
      out.putNextEntry(new java.util.zip.ZipEntry("lib/lib-with-path.jar"));
      out.write(Files.readAllBytes(library));
    }
    Path signedWithLibrary = signer.sign(withLibrary, shared.resolve("withlib-signed.jar"));
    Run libraryRun = cli("plugins", "verify", signedWithLibrary.toString(), "--config", config);
    assertEquals(1, libraryRun.code, libraryRun.toString());
    assertTrue(libraryRun.out.contains("integrity/class-path"), libraryRun.out);
    assertTrue(libraryRun.out.contains("lib/lib-with-path.jar"), libraryRun.out);
    // The same JARs without a Class-Path load: the rule refuses the attribute, nothing else.
    assertEquals(0, cli("plugins", "verify", bundling.toString(), "--config", config).code);
  }

  @Test
  void aSignatureThatLeavesTheManifestMainAttributesUnsignedIsRefused() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"signed\"");
    assertEquals(0, cli("plugins", "trust", "--certificate", ca(), "--config", config).code);
    // A .SF that signs the entries' sections only: valid per the JAR spec, and the JDK calls
    // every entry signed.
    Path sectionsOnly =
        signer.withoutManifestDigests(
            signer.signSectionsOnly(unsigned("sections"), shared.resolve("sections-in.jar")),
            shared.resolve("sections.jar"));
    Run run = cli("plugins", "verify", sectionsOnly.toString(), "--config", config);
    assertEquals(1, run.code, run.toString());
    assertTrue(run.out.contains("integrity/unsigned-manifest"), run.out);
    // ... so a Class-Path (or anything) can be added to the main section afterwards.
    Path added =
        TestSigning.rewrite(
            sectionsOnly,
            shared.resolve("sections-added.jar"),
            (name, bytes) ->
                name.equals("META-INF/MANIFEST.MF")
                    ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                        .replaceFirst("\r\n", "\r\nClass-Path: evil.jar\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : bytes,
            List.of());
    Run addedRun = cli("plugins", "verify", added.toString(), "--config", config);
    assertEquals(1, addedRun.code, addedRun.toString());
    assertTrue(addedRun.out.contains("REFUSE"), addedRun.out);
    // Signed as jarsigner signs by default, by two signers one after the other: admitted for the
    // trusted one, each .SF covering the manifest.
    Path twice =
        signer.sign(
            TestSigning.stranger("CN=First Signer")
                .sign(unsigned("twice"), shared.resolve("twice-first.jar")),
            shared.resolve("twice.jar"));
    Run twiceRun = cli("plugins", "verify", twice.toString(), "--config", config);
    assertEquals(0, twiceRun.code, twiceRun.toString());
    assertTrue(twiceRun.out.contains("CN=Test Plug-in Author"), twiceRun.out);
  }

  @Test
  void theClassLoaderNeverServesWhatAManifestClassPathAdds() throws Exception {
    // Whatever the mode (off checks nothing): a JAR naming another through its Class-Path.
    Path folder = Files.createDirectories(shared.resolve("classpath-follow"));
    Files.copy(template, folder.resolve("evil.jar"));
    Path naming =
        TestSigning.rewrite(
            TestSigning.withManifest(
                unsigned("naming"), folder.resolve("naming-in.jar"), "Class-Path: evil.jar"),
            folder.resolve("naming.jar"),
            (name, bytes) -> name.endsWith(".class") ? null : bytes,
            List.of());
    try (PluginClassLoader loader =
        new PluginClassLoader("naming", List.of(naming.toUri().toURL()))) {
      ClassNotFoundException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ClassNotFoundException.class, () -> loader.loadClass(BASE));
      assertTrue(e.getMessage().contains("Class-Path"), e.getMessage());
      assertTrue(e.getMessage().contains("lib/"), e.getMessage());
      assertEquals(null, loader.getResource("org/authhost/testplugins/TestPlugin.class"));
      assertFalse(
          loader.getResources("org/authhost/testplugins/TestPlugin.class").hasMoreElements());
      assertTrue(loader.getResource("META-INF/MANIFEST.MF") != null);
    }
    // The same class from a JAR the host staged loads.
    try (PluginClassLoader loader =
        new PluginClassLoader("evil", List.of(folder.resolve("evil.jar").toUri().toURL()))) {
      assertEquals(BASE, loader.loadClass(BASE).getName());
    }
  }

  @Test
  void aSignerMustHoldACodeSigningCertificateAndBeValidOnTheHostsClock() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"signed\"");
    assertEquals(0, cli("plugins", "trust", "--certificate", ca(), "--config", config).code);
    // The CA's TLS server certificate: it chains, but it is not for signing code.
    TestSigning.issuedBy(
            authority,
            "CN=www.example.test",
            2048,
            java.util.Date.from(java.time.Instant.parse("2099-01-01T00:00:00Z")),
            org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth)
        .sign(unsigned("tlsserver"), plugins().resolve("tlsserver.jar"));
    TestSigning.issuedBy(
            authority,
            "CN=Code Signer",
            2048,
            java.util.Date.from(java.time.Instant.parse("2099-01-01T00:00:00Z")),
            org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_codeSigning)
        .sign(unsigned("codesigner"), plugins().resolve("codesigner.jar"));
    // The host's clock stands at 2026-01-01: one signer expired the day before, the other is still
    // valid then (though not at the machine's real date).
    TestSigning.issuedBy(
            authority,
            "CN=Expired Signer",
            2048,
            java.util.Date.from(java.time.Instant.parse("2025-12-31T00:00:00Z")))
        .sign(unsigned("expired"), plugins().resolve("expired.jar"));
    TestSigning.issuedBy(
            authority,
            "CN=Valid On The Clock",
            2048,
            java.util.Date.from(clock.instant().plus(java.time.Duration.ofDays(1))))
        .sign(unsigned("onclock"), plugins().resolve("onclock.jar"));

    startHost(config);

    assertLoaded("codesigner");
    assertLoaded("onclock");
    List<EventRecord> errors = errors();
    assertRefused(errors, "tlsserver", "integrity/untrusted-signer", "serverAuth");
    assertRefused(errors, "expired", "integrity/untrusted-signer", "CN=Expired Signer");
    assertEquals(2, errors.size(), errors.toString());
    // Pinning a TLS certificate as a signer is refused up front.
    TestSigning.Signer tls =
        TestSigning.stranger(
            "CN=Pinned TLS", org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth);
    Run pin =
        cli(
            "plugins",
            "trust",
            "--certificate",
            tls.writeCertificate(shared.resolve("tls.pem")).toString(),
            "--config",
            config);
    assertEquals(2, pin.code, pin.toString());
    assertTrue(pin.err.contains("not for signing code"), pin.err);
  }

  @Test
  void trustFilesStayReadableToTheHostAndAnUnreadableOneIsNamedAsSuch() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"signed\"");
    Path jar = Files.copy(unsigned("perm"), shared.resolve("perm.jar"));
    assertEquals(0, cli("plugins", "trust", jar.toString(), "--config", config).code);
    assertEquals(0, cli("plugins", "trust", "--certificate", ca(), "--config", config).code);
    Path lock = config.resolve(IntegrityConfig.ALLOW_LIST);
    Path store = config.resolve(IntegrityConfig.TRUST_STORE);
    // Written by sudo, read by the host's account: rw-r--r--, never the temporary file's rw-------.
    assertEquals("rw-r--r--", permissions(lock));
    assertEquals("rw-r--r--", permissions(store));
    // An operator's own choice survives the next change.
    Files.setPosixFilePermissions(
        lock, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    assertEquals(0, cli("plugins", "trust", unsigned("perm2").toString(), "--config", config).code);
    assertEquals("rw-r-----", permissions(lock));

    // A trust store that cannot be read: its own id, naming the file; verify could not decide.
    Files.write(store, new byte[] {1, 2, 3});
    Path signedJar = signer.sign(unsigned("permsigned"), shared.resolve("permsigned.jar"));
    Run run = cli("plugins", "verify", signedJar.toString(), "--config", config);
    assertEquals(2, run.code, run.toString());
    assertTrue(run.out.contains("integrity/unreadable-trust-list"), run.out);
    assertTrue(run.out.contains(store.toString()), run.out);
    assertTrue(run.out.contains("host's account " + System.getProperty("user.name")), run.out);
  }

  @Test
  void duplicateEntryNamesAreRefusedEvenWhenListed() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"sha256\"");
    Path twice =
        TestSigning.rewrite(
            unsigned("dup"),
            shared.resolve("dup-in.jar"),
            (name, bytes) -> bytes,
            List.<String[]>of(new String[] {"dupA.txt", "one"}, new String[] {"dupB.txt", "two"}));
    byte[] bytes = Files.readAllBytes(twice);
    String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    Path duplicated =
        Files.write(
            shared.resolve("dup.jar"),
            text.replace("dupB.txt", "dupA.txt")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertEquals(0, cli("plugins", "trust", duplicated.toString(), "--config", config).code);
    Run run = cli("plugins", "verify", duplicated.toString(), "--config", config);
    assertEquals(1, run.code, run.toString());
    assertTrue(run.out.contains("integrity/tampered"), run.out);
    assertTrue(run.out.contains("duplicate entry dupA.txt"), run.out);
    // Only a JAR can be trusted by its hash: a certificate named without --certificate is a slip.
    Run notJar = cli("plugins", "trust", ca().toString(), "--config", config);
    assertEquals(2, notJar.code, notJar.toString());
    assertTrue(notJar.err.contains("--certificate"), notJar.err);
  }

  @Test
  void aSignedPluginsBundledLibrariesAreCoveredByItsSignature() throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"signed\"");
    assertEquals(0, cli("plugins", "trust", "--certificate", ca(), "--config", config).code);
    Path library = PluginJar.testLibrary("jackson-core-2.12.7.jar");
    Path withLibrary = shared.resolve("libplugin.jar");
    try (var in = new java.util.zip.ZipFile(unsigned("libplugin").toFile());
        var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(withLibrary))) {
      for (var entry : java.util.Collections.list(in.entries())) {
        out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
        in.getInputStream(entry).transferTo(out);
      }
      out.putNextEntry(new java.util.zip.ZipEntry("lib/jackson-core.jar"));
      out.write(Files.readAllBytes(library));
    }
    Path signedJar = signer.sign(withLibrary, shared.resolve("libplugin-signed.jar"));
    assertEquals(0, cli("plugins", "verify", signedJar.toString(), "--config", config).code);
    Path changedLibrary =
        TestSigning.rewrite(
            signedJar,
            shared.resolve("libplugin-changed.jar"),
            (name, bytes) -> {
              if (name.equals("lib/jackson-core.jar")) {
                byte[] changed = bytes.clone();
                changed[changed.length / 2] ^= 1;
                return changed;
              }
              return bytes;
            },
            List.of());
    Run changed = cli("plugins", "verify", changedLibrary.toString(), "--config", config);
    assertEquals(1, changed.code, changed.toString());
    assertTrue(changed.out.contains("integrity/tampered"), changed.out);
    assertTrue(changed.out.contains("lib/jackson-core.jar"), changed.out);
    Path addedLibrary = shared.resolve("libplugin-added.jar");
    try (var in = new java.util.zip.ZipFile(signedJar.toFile());
        var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(addedLibrary))) {
      for (var entry : java.util.Collections.list(in.entries())) {
        out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
        in.getInputStream(entry).transferTo(out);
      }
      out.putNextEntry(new java.util.zip.ZipEntry("lib/extra.jar"));
      out.write(Files.readAllBytes(library));
    }
    Run added = cli("plugins", "verify", addedLibrary.toString(), "--config", config);
    assertEquals(1, added.code, added.toString());
    assertTrue(added.out.contains("integrity/unsigned-entry"), added.out);
    assertTrue(added.out.contains("lib/extra.jar"), added.out);
  }

  @Test
  void aSymlinkedConfigurationFolderInsideThePluginFolderIsStillExposedAndTheHostWarns()
      throws Exception {
    Path config = TestHosts.configFolder(root, "\"integrity\": \"sha256\"");
    // plugins.directory names a link to the configuration folder: the same folder by another name.
    Files.createSymbolicLink(root.resolve("plugins-link"), config.toAbsolutePath());
    Files.writeString(
        config.resolve("host.json"),
        Files.readString(config.resolve("host.json"))
            .replace("\"directory\": \"../plugins\"", "\"directory\": \"../plugins-link\""));
    Path jar = Files.copy(unsigned("linked"), config.resolve("linked.jar"));
    assertEquals(0, cli("plugins", "trust", jar.toString(), "--config", config).code);
    Run run = cli("plugins", "verify", jar.toString(), "--config", config);
    assertEquals(1, run.code, run.toString());
    assertTrue(run.out.contains("integrity/exposed-trust-files"), run.out);

    // Apart, the host loads it, and warns that its own account could change what it trusts.
    Path apart = TestHosts.configFolder(root.resolve("apart"), "\"integrity\": \"sha256\"");
    Path listed = Files.copy(unsigned("apart"), root.resolve("apart/plugins/apart.jar"));
    assertEquals(0, cli("plugins", "trust", listed.toString(), "--config", apart).code);
    host = AuthHost.create(TestHosts.load(apart), FakeTime.of(clock));
    host.start();
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ENABLED,
        host.plugins().plugin("apart").orElseThrow().status());
    List<EventRecord> warnings =
        host.eventLog().query(EventQuery.all().withLevel(EventLevel.WARNING)).stream()
            .filter(e -> e.text().contains("can write"))
            .toList();
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).text().contains(apart.toString()), warnings.get(0).text());
    assertTrue(warnings.get(0).text().contains("read-only"), warnings.get(0).text());
  }

  private static String permissions(Path file) throws Exception {
    return java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(file));
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
    return config.toBuilder()
        .plugins(
            new PluginsConfig(
                p.directory(),
                p.callTimeoutMillis(),
                p.callbackTimeoutMillis(),
                p.order(),
                p.settings(),
                p.bulkhead(),
                p.requireGrants(),
                p.reload(),
                new IntegrityConfig(i.mode(), i.allowList(), i.trustStore(), list)))
        .build();
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
