package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.kit.KitClient;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Plug-ins dropped in, replaced and removed while the host runs (issue 16), with real JARs. The
 * folder is followed by the periodic scan on the test's clock (the file-system watch is off, so no
 * real event races the test): each {@link #scan()} moves the clock one rescan period and waits for
 * the host's reload thread to finish what that scan started.
 */
class PluginReloadTest extends HostTestBase {
  private static final String VERSIONED = "org.authhost.testplugins.versioned.VersionedPlugin";

  private static final String FOLLOW =
      """
      "watch": false, "rescanSeconds": 5, "drainSeconds": 30, "unloadCheckSeconds": 3""";

  @AfterEach
  void cleanUpLeaks() {
    System.getProperties().remove("authhost.test.selfpinning");
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("lingering-worker"))
        .forEach(Thread::interrupt);
  }

  private Path plugins() {
    return root.resolve("plugins");
  }

  private static Path versioned(String version, Path folder, String file) throws Exception {
    return PluginJar.of("versioned", VERSIONED).with("version", version).writeTo(folder, file);
  }

  /** Built elsewhere, then renamed into place: the safe install the README describes. */
  private Path install(String version, String file) throws Exception {
    Path built = versioned(version, root.resolve("build-" + version), file);
    return Files.move(
        built,
        plugins().resolve(file),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private void scan() throws Exception {
    clock.advance(Duration.ofSeconds(5));
    idle();
  }

  private void idle() throws Exception {
    host.plugins().reloads().idle().get(60, TimeUnit.SECONDS);
  }

  private AuthenticationSession open() throws Exception {
    return host.plugins().openSession("versioned").get(5, TimeUnit.SECONDS);
  }

  private static AuthenticationOutcome leg(AuthenticationSession s, String blob) throws Exception {
    return s.authenticate(
            blob.getBytes(StandardCharsets.ISO_8859_1),
            KitClient.user(1),
            KitClient.PRESENTATION,
            KitClient.COMMAND)
        .get(10, TimeUnit.SECONDS);
  }

  /** What the version serving a fresh session answers to an empty blob ("v=1.0.0"). */
  private String answerOfANewSession() throws Exception {
    AuthenticationSession s = open();
    try {
      AuthenticationOutcome o = leg(s, "");
      return o.challenge() == null ? o.result().toString() : text(o.challenge());
    } finally {
      s.release().get(5, TimeUnit.SECONDS);
    }
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private List<EventRecord> events(EventLevel level) {
    return host.eventLog().query(EventQuery.all().withLevel(level)).stream()
        .filter(e -> e.source().equals(HostEvents.aboutPlugin("versioned")))
        .toList();
  }

  /** The ERROR events of new versions that failed, the old one staying in service. */
  private List<EventRecord> keptInService() {
    return events(EventLevel.ERROR).stream()
        .filter(e -> e.text().contains("stays in service"))
        .toList();
  }

  private List<PluginView> views(String state) {
    return host.plugins().plugins().stream()
        .filter(v -> v.id().equals("versioned") && v.state().equals(state))
        .toList();
  }

  @Test
  void aJarDroppedInIsLoadedOnlyOnceItIsCompleteAndThenOffered() throws Exception {
    startHost(FOLLOW);
    byte[] jar = Files.readAllBytes(versioned("1.0.0", root.resolve("build"), "versioned.jar"));
    Path target = plugins().resolve("versioned.jar");
    // Copied in place in three writes (the unsafe install): never loaded half-written.
    Files.write(target, Arrays.copyOf(jar, jar.length / 3));
    scan();
    Files.write(
        target,
        Arrays.copyOfRange(jar, jar.length / 3, 2 * jar.length / 3),
        StandardOpenOption.APPEND);
    scan();
    assertTrue(host.plugins().plugin("versioned").isEmpty(), "not loaded while being written");
    Files.write(
        target, Arrays.copyOfRange(jar, 2 * jar.length / 3, jar.length), StandardOpenOption.APPEND);
    scan();
    assertTrue(host.plugins().plugin("versioned").isEmpty(), "not until it held still");
    assertTrue(host.plugins().problems().isEmpty(), "and no refusal of the half-written file");
    scan();

    PluginView v = host.plugins().plugin("versioned").orElseThrow();
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, v.status());
    assertEquals(PluginView.CURRENT, v.state());
    assertEquals(FileStamp.sha256(target), v.sha256());
    assertTrue(
        host.plugins().offeredAuthenticationPlugins().stream()
            .anyMatch(p -> p.id().equals("versioned")));
    assertEquals("v=1.0.0", answerOfANewSession());
    assertTrue(
        events(EventLevel.INFORMATION).stream()
            .anyMatch(e -> e.text().contains("dropped in") && e.text().contains("offered")),
        "an event says so");
  }

  @Test
  void aReplacedJarServesNewSessionsWhileTheOldFinishesItsHandshakeThenGoes() throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    long firstLoad = host.plugins().hosted("versioned").generation();
    AuthenticationSession inFlight = open();
    assertEquals("round-2 v=1.0.0", text(leg(inFlight, "hello").challenge()));

    install("2.0.0", "versioned.jar");
    scan();
    scan();
    assertEquals("v=2.0.0", answerOfANewSession(), "new sessions go to the new version");
    assertEquals(1, views(PluginView.DRAINING).size(), "the old one drains");
    assertEquals("1.0.0", views(PluginView.DRAINING).get(0).version());

    AuthenticationOutcome done = leg(inFlight, "proof");
    assertEquals(AuthenticationResult.SUCCESS, done.result());
    assertEquals("served-by=1.0.0", text(done.challenge()), "the handshake ends where it began");
    org.authhost.api.TokenHandle token = done.token();
    assertTrue(host.tokens().isOpen(token), "the old version's token is valid");
    inFlight.release().get(5, TimeUnit.SECONDS);
    assertFalse(host.tokens().isOpen(token), "until its context is released");
    inFlight = null;
    done = null;
    idle();

    assertTrue(views(PluginView.DRAINING).isEmpty(), "unloaded once its last session ended");
    assertTrue(
        events(EventLevel.INFORMATION).stream()
            .anyMatch(e -> e.text().contains("version 1.0.0 unloaded")));
    assertTrue(
        events(EventLevel.INFORMATION).stream()
            .anyMatch(e -> e.text().contains("replaced version 1.0.0")));
    // Its class loader goes: nothing of the host still holds the old version.
    assertEquals(
        List.of(),
        host.plugins().reloads().unloadCheck("versioned", firstLoad).get(60, TimeUnit.SECONDS));
    assertEquals("v=2.0.0", answerOfANewSession());
  }

  @Test
  void aNewVersionContinuesTheStateTheOldKeptInTheHostsStateService() throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    assertEquals("count=1 v=1.0.0", countOnce());
    assertEquals("count=2 v=1.0.0", countOnce());
    install("2.0.0", "versioned.jar");
    scan();
    scan();
    assertEquals("count=3 v=2.0.0", countOnce(), "the state service is keyed by id, not version");
  }

  private String countOnce() throws Exception {
    AuthenticationSession s = open();
    try {
      return text(leg(s, "count").challenge());
    } finally {
      s.release().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aNewerVersionBesideTheOldWinsTheOldIsSupersededAndRollbackBringsItBack() throws Exception {
    versioned("1.0.0", plugins(), "versioned-1.jar");
    startHost(FOLLOW);
    install("1.1.0", "versioned-2.jar");
    scan();
    scan();
    assertEquals("v=1.1.0", answerOfANewSession(), "the newer version wins");
    assertEquals(1, views(PluginView.SUPERSEDED).size(), "never both loaded");
    assertEquals(plugins().resolve("versioned-1.jar"), views(PluginView.SUPERSEDED).get(0).file());
    assertTrue(
        events(EventLevel.WARNING).stream()
            .anyMatch(e -> e.text().contains("versioned-1.jar") && e.text().contains("superseded")),
        "the older file is reported");
    scan();
    assertEquals(
        1,
        events(EventLevel.WARNING).stream().filter(e -> e.text().contains("superseded")).count(),
        "once");

    List<String> done = host.plugins().reloads().rollback("versioned");
    assertTrue(
        done.stream().anyMatch(l -> l.startsWith("replaced versioned 1.1.0 with 1.0.0")),
        done.toString());
    assertEquals("v=1.0.0", answerOfANewSession());
    assertFalse(Files.exists(plugins().resolve("versioned-2.jar")), "the folder says what runs");
    assertTrue(
        views(PluginView.SUPERSEDED).isEmpty(), "the file back in service is no longer superseded");
    assertTrue(
        Files.list(root.resolve("var/plugin-versions/versioned"))
            .anyMatch(p -> p.getFileName().toString().startsWith("1.1.0-")),
        "the rolled-back version is kept for a rollback in turn");
    // And back again.
    host.plugins().reloads().rollback("versioned");
    assertEquals("v=1.1.0", answerOfANewSession());
  }

  private Path keptCopy(String version) throws Exception {
    try (var files = Files.list(root.resolve("var/plugin-versions/versioned"))) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(version + "-"))
          .findFirst()
          .orElseThrow();
    }
  }

  @Test
  void aRollbackToAKeptCopyThatWouldBeRefusedChangesNothing() throws Exception {
    String operatorsJar = FileStamp.sha256(versioned("1.0.0", plugins(), "versioned-1.jar"));
    startHost(FOLLOW);
    install("1.1.0", "versioned-2.jar");
    scan();
    scan();
    long inService = host.plugins().hosted("versioned").generation();
    // The kept copy no longer reads as a plug-in (a disk fault, a hand edit).
    Files.write(keptCopy("1.0.0"), "not a jar".getBytes(StandardCharsets.ISO_8859_1));

    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class, () -> host.plugins().reloads().rollback("versioned"));
    assertTrue(refused.getMessage().contains("nothing was changed"), refused.getMessage());
    assertTrue(refused.getMessage().contains("1.1.0 stays in service"), refused.getMessage());
    assertEquals("v=1.1.0", answerOfANewSession(), "the version in service never left");
    assertTrue(Files.exists(plugins().resolve("versioned-2.jar")), "the operator's JAR is there");
    assertEquals(
        operatorsJar,
        FileStamp.sha256(plugins().resolve("versioned-1.jar")),
        "and the superseded file is untouched");
    scan();
    scan();
    assertEquals(inService, host.plugins().hosted("versioned").generation(), "no swap later");
    assertTrue(views(PluginView.DRAINING).isEmpty());
  }

  @Test
  void aNewJarRenamedInAsTheOldIsRemovedTakesOverWithNoGapInService() throws Exception {
    versioned("1.0.0", plugins(), "versioned-1.jar");
    startHost(FOLLOW);
    // mv versioned-2.jar plugins/ && rm plugins/versioned-1.jar, both within one scan period.
    install("2.0.0", "versioned-2.jar");
    Files.delete(plugins().resolve("versioned-1.jar"));
    scan();
    assertEquals("v=1.0.0", answerOfANewSession(), "the old version serves until the new is in");
    scan();
    assertEquals("v=2.0.0", answerOfANewSession());
    assertTrue(
        events(EventLevel.INFORMATION).stream().noneMatch(e -> e.text().contains("was removed")),
        "a replacement, not a removal");
  }

  @Test
  void aFolderThatCannotBeListedForAWhileRetiresNothingAndIsReportedOnce() throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    long inService = host.plugins().hosted("versioned").generation();
    // A directory swap deploy, caught half-way.
    Files.move(plugins(), root.resolve("plugins.old"));
    scan();
    scan();
    scan();
    assertEquals("v=1.0.0", answerOfANewSession(), "still in service");
    assertEquals(
        1,
        host.plugins().problems().stream()
            .filter(p -> p.id().equals("plugin/no-directory"))
            .count());
    assertEquals(
        1L,
        host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR)).stream()
            .filter(e -> e.text().contains("plugin/no-directory"))
            .count(),
        "one event, not one per scan");
    assertThrows(IllegalStateException.class, () -> host.plugins().reloads().reload(null));
    Files.move(root.resolve("plugins.old"), plugins());
    scan();
    scan();
    assertEquals(inService, host.plugins().hosted("versioned").generation(), "never swapped");
    assertTrue(host.plugins().problems().isEmpty(), "the folder is back: no problem left");
    assertTrue(
        events(EventLevel.INFORMATION).stream().noneMatch(e -> e.text().contains("was removed")));
  }

  @Test
  void aTouchedJarIsNotReloaded() throws Exception {
    Path jar = versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    long inService = host.plugins().hosted("versioned").generation();
    Files.setLastModifiedTime(
        jar,
        java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(jar).toMillis() + 3_600_000));
    scan();
    scan();
    scan();
    assertEquals(inService, host.plugins().hosted("versioned").generation(), "same content");
    assertTrue(views(PluginView.DRAINING).isEmpty());
  }

  @Test
  void reloadingTheSameBuildKeepsTheRollbackPointAtTheEarlierVersion() throws Exception {
    versioned("1.0.0", plugins(), "versioned-1.jar");
    startHost(FOLLOW);
    install("1.1.0", "versioned-2.jar");
    scan();
    scan();
    // The README's advice after a hung call: load it afresh.
    host.plugins().reloads().reload("versioned");
    assertEquals("v=1.1.0", answerOfANewSession());
    host.plugins().reloads().rollback("versioned");
    assertEquals("v=1.0.0", answerOfANewSession(), "back to the earlier version, not 1.1.0 again");
  }

  @Test
  void aPluginTheOperatorDisabledStaysDisabledAcrossAReplacement() throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    host.plugins().disable("versioned");
    install("2.0.0", "versioned.jar");
    scan();
    scan();
    PluginView v = host.plugins().plugin("versioned").orElseThrow();
    assertEquals("2.0.0", v.version(), "replaced");
    assertEquals(0, v.status() & PluginStatus.ENABLED, "but not back in service");
    assertTrue(
        host.plugins().offeredAuthenticationPlugins().stream()
            .noneMatch(p -> p.id().equals("versioned")));
    host.plugins().enable("versioned");
    host.plugins().reloads().reload("versioned");
    assertEquals("v=2.0.0", answerOfANewSession(), "enabled by the operator: so is the next load");
  }

  @Test
  void theEndOfOneDrainingVersionLeavesTheTokensOfAnotherOpen() throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    AuthenticationSession first = open();
    leg(first, "hello");
    org.authhost.api.TokenHandle firstToken = leg(first, "proof").token();
    install("2.0.0", "versioned.jar");
    scan();
    scan();
    AuthenticationSession second = open();
    leg(second, "hello");
    AuthenticationOutcome secondDone = leg(second, "proof");
    assertEquals("served-by=2.0.0", text(secondDone.challenge()));
    org.authhost.api.TokenHandle secondToken = secondDone.token();
    Files.delete(plugins().resolve("versioned.jar"));
    scan();
    assertEquals(2, views(PluginView.DRAINING).size(), "both versions drain");

    first.release().get(5, TimeUnit.SECONDS);
    idle();
    assertFalse(host.tokens().isOpen(firstToken));
    assertTrue(host.tokens().isOpen(secondToken), "2.0.0's logon outlives 1.0.0's unload");
    second.release().get(5, TimeUnit.SECONDS);
    idle();
    assertFalse(host.tokens().isOpen(secondToken));
    assertTrue(views(PluginView.DRAINING).isEmpty());
  }

  @Test
  void aConnectionWhoseBoundSessionRanOutTheDrainTimeStartsAfreshWithTheNewVersion()
      throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    // A connection whose front cannot close it (no closer set, as an RTSP connection had none).
    org.authhost.host.authn.ClientConnection connection =
        new org.authhost.host.authn.ClientConnection(
            new java.net.InetSocketAddress("127.0.0.1", 50000), false);
    AuthenticationSession old =
        connection.bound("versioned", () -> host.plugins().session("versioned"));
    leg(old, "hello");
    connection.authenticated("versioned", leg(old, "proof"));
    install("2.0.0", "versioned.jar");
    scan();
    scan();
    clock.advance(Duration.ofSeconds(30));
    idle();
    assertEquals(null, connection.authenticated(), "the logon went with its version");
    AuthenticationSession next =
        connection.bound("versioned", () -> host.plugins().session("versioned"));
    assertFalse(next == old, "not the released session");
    assertEquals("v=2.0.0", text(leg(next, "").challenge()));
    connection.close();
  }

  @Test
  void aNewHandshakeOnAConnectionAuthenticatedByADrainingVersionGoesToTheNewVersion()
      throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    org.authhost.host.authn.ClientConnection connection =
        new org.authhost.host.authn.ClientConnection(
            new java.net.InetSocketAddress("127.0.0.1", 50001), false);
    AuthenticationSession old =
        connection.bound("versioned", () -> host.plugins().session("versioned"));
    leg(old, "hello");
    connection.authenticated("versioned", leg(old, "proof"));
    install("2.0.0", "versioned.jar");
    scan();
    scan();
    // The client starts over on the same keep-alive connection.
    AuthenticationSession next =
        connection.bound("versioned", () -> host.plugins().session("versioned"));
    assertEquals("round-2 v=2.0.0", text(leg(next, "hello").challenge()));
    // The old version's last session is released by the connection on its way to the new one; the
    // drain that follows ends on the reload thread, after which it is idle again (bounded wait for
    // that real event, not for time to pass).
    long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    do {
      idle();
    } while (!views(PluginView.DRAINING).isEmpty() && System.nanoTime() < bound);
    assertTrue(views(PluginView.DRAINING).isEmpty(), "the old version no longer waits for it");
    connection.close();
  }

  @Test
  void atStartTheNewerOfTwoVersionsIsLoadedAndTheOlderReportedAsSuperseded() throws Exception {
    versioned("1.0.0", plugins(), "versioned-old.jar");
    versioned("1.2.0", plugins(), "versioned-new.jar");
    startHost(FOLLOW);
    assertEquals("v=1.2.0", answerOfANewSession());
    assertEquals(1, views(PluginView.SUPERSEDED).size());
    assertEquals("1.0.0", views(PluginView.SUPERSEDED).get(0).version());
    assertTrue(host.plugins().problems().isEmpty(), "a superseded file is no refusal");
    assertTrue(
        events(EventLevel.WARNING).stream()
            .anyMatch(
                e -> e.text().contains("versioned-old.jar") && e.text().contains("superseded")));
  }

  @Test
  void aJarRefusedAtStartIsNotRefusedAgainByEveryScanButIsRetriedOnDemand() throws Exception {
    PluginJar.of("noclass", "org.example.Missing").writeTo(plugins(), "noclass.jar");
    startHost(FOLLOW);
    scan();
    scan();
    scan();
    java.util.function.Supplier<Long> refusals =
        () ->
            host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR)).stream()
                .filter(e -> e.text().contains("noclass.jar"))
                .count();
    assertEquals(1L, refusals.get());
    assertEquals(1, host.plugins().problems().size(), "still shown to the operator");
    host.plugins().reloads().reload(null);
    assertEquals(1L, refusals.get(), "a reload of the folder leaves an unchanged refused file be");
    host.plugins().reloads().reload("noclass");
    assertEquals(2L, refusals.get(), "the operator's reload of the plug-in tries it again");
    assertEquals(1, host.plugins().problems().size());
  }

  @Test
  void aRemovedJarIsNoLongerOfferedAndIsUnloaded() throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    Files.delete(plugins().resolve("versioned.jar"));
    scan();
    idle();
    assertTrue(
        host.plugins().offeredAuthenticationPlugins().stream()
            .noneMatch(p -> p.id().equals("versioned")));
    assertTrue(host.plugins().plugin("versioned").isEmpty());
    assertTrue(
        events(EventLevel.INFORMATION).stream().anyMatch(e -> e.text().contains("was removed")));
    assertTrue(
        events(EventLevel.INFORMATION).stream()
            .anyMatch(e -> e.text().contains("version 1.0.0 unloaded")));
  }

  @Test
  void aBrokenNewVersionLeavesTheOldInServiceWithAnErrorNamingTheFile() throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    long firstLoad = host.plugins().hosted("versioned").generation();
    install("2.0.0-broken", "versioned.jar");
    scan();
    scan();
    assertEquals("v=1.0.0", answerOfANewSession(), "the old version stays in service");
    assertEquals(firstLoad, host.plugins().hosted("versioned").generation());
    List<EventRecord> errors = keptInService();
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).text().contains(plugins().resolve("versioned.jar").toString()));
    assertTrue(errors.get(0).text().contains("Fix: "));
    scan();
    assertEquals(1, keptInService().size(), "not tried again until the file changes");
    // The fixed file is taken.
    install("2.0.1", "versioned.jar");
    scan();
    scan();
    assertEquals("v=2.0.1", answerOfANewSession());
  }

  /**
   * Unlike a start, a reload is no time to stop the host over a named value: the running version
   * keeps serving, and the record names the value's place in host.json.
   */
  @Test
  void aNewVersionThatRefusesANamedValueOfHostJsonLeavesTheOldInServiceNamingItsPlace()
      throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(
        FOLLOW + ",\n    \"settings\": { \"versioned\": { \"properties\": { \"mode\": \"x\" } } }");
    install("2.0.0-strict", "versioned.jar");
    scan();
    scan();
    assertTrue(host.isStarted());
    assertEquals("v=1.0.0", answerOfANewSession(), "the old version stays in service");
    List<EventRecord> errors = keptInService();
    assertEquals(1, errors.size(), errors.toString());
    String place = root.resolve("config/host.json") + ":9:";
    assertTrue(
        errors.get(0).text().contains("named value 'mode' is not a setting; it is at " + place),
        errors.get(0).text());
  }

  @Test
  void aSessionStillOpenAtTheDrainTimeOutIsEndedWithAnEvent() throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost(FOLLOW);
    AuthenticationSession inFlight = open();
    leg(inFlight, "hello");
    install("2.0.0", "versioned.jar");
    scan();
    scan();
    assertEquals(1, views(PluginView.DRAINING).size());
    clock.advance(Duration.ofSeconds(30));
    idle();
    assertTrue(views(PluginView.DRAINING).isEmpty());
    assertTrue(
        events(EventLevel.WARNING).stream()
            .anyMatch(e -> e.text().contains("1 session(s) open when its drain time")));
    assertEquals(
        AuthenticationResult.ERROR, leg(inFlight, "proof").result(), "its context is gone");
  }

  @Test
  void reloadOnDemandLoadsAPluginAfreshAndRefusesAnUnknownId() throws Exception {
    versioned("1.0.0", plugins(), "versioned.jar");
    startHost("\"rescanSeconds\": 0");
    long before = host.plugins().hosted("versioned").generation();
    List<String> done = host.plugins().reloads().reload("versioned");
    assertEquals(List.of("replaced versioned 1.0.0 with 1.0.0 (the old one draining)"), done);
    assertTrue(host.plugins().hosted("versioned").generation() > before);
    assertThrows(IllegalArgumentException.class, () -> host.plugins().reloads().reload("nonesuch"));
    // Without following the folder, a new JAR waits for the operator.
    install("3.0.0", "versioned.jar");
    clock.advance(Duration.ofSeconds(60));
    assertEquals("v=1.0.0", answerOfANewSession());
    host.plugins().reloads().reload(null);
    assertEquals("v=3.0.0", answerOfANewSession());
  }

  @Test
  void aPluginThatPinsItselfInAJdkHeldPlaceIsReportedAfterUnload() throws Exception {
    PluginJar.of("selfpinning", "org.authhost.testplugins.selfpinning.SelfPinningPlugin")
        .writeTo(plugins(), "selfpinning.jar");
    startHost("\"watch\": false, \"rescanSeconds\": 5, \"unloadCheckSeconds\": 2");
    long load = host.plugins().hosted("selfpinning").generation();
    assertNotNull(System.getProperties().get("authhost.test.selfpinning"));
    Files.delete(plugins().resolve("selfpinning.jar"));
    scan();
    idle();
    List<String> holders =
        host.plugins().reloads().unloadCheck("selfpinning", load).get(60, TimeUnit.SECONDS);
    assertTrue(
        holders.stream()
            .anyMatch(h -> h.contains("System.getProperties() entry 'authhost.test.selfpinning'")),
        holders.toString());
    assertTrue(
        host.eventLog().query(EventQuery.all().withLevel(EventLevel.WARNING)).stream()
            .anyMatch(
                e ->
                    e.source().equals(HostEvents.aboutPlugin("selfpinning"))
                        && e.text().contains("still reachable")
                        && e.text().contains("authhost.test.selfpinning")));
  }

  @Test
  void aPluginThatLeavesAThreadRunningIsReportedAfterUnload() throws Exception {
    PluginJar.of("lingering", "org.authhost.testplugins.lingering.LingeringPlugin")
        .writeTo(plugins(), "lingering.jar");
    startHost("\"watch\": false, \"rescanSeconds\": 5, \"unloadCheckSeconds\": 2");
    long load = host.plugins().hosted("lingering").generation();
    Files.delete(plugins().resolve("lingering.jar"));
    scan();
    idle();
    List<String> holders =
        host.plugins().reloads().unloadCheck("lingering", load).get(60, TimeUnit.SECONDS);
    assertTrue(
        holders.stream().anyMatch(h -> h.contains("thread 'lingering-worker'")),
        holders.toString());
    assertTrue(
        host.eventLog().query(EventQuery.all().withLevel(EventLevel.WARNING)).stream()
            .anyMatch(
                e ->
                    e.source().equals(HostEvents.aboutPlugin("lingering"))
                        && e.text().contains("lingering-worker")));
  }

  @Test
  void versionsCompareByTheirParts() {
    assertTrue(PluginDiscovery.compareVersions("1.10.0", "1.9.2") > 0);
    assertTrue(PluginDiscovery.compareVersions("2.0.0", "2.0.0-rc1") > 0);
    assertTrue(PluginDiscovery.compareVersions("2.0.0-rc1", "1.9") > 0);
    assertEquals(0, PluginDiscovery.compareVersions("1.0.0", "1.0.0"));
  }
}
