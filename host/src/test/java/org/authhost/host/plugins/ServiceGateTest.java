package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.kit.KitClient;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every host service a plug-in receives goes through its gate: a plug-in that is not enabled gets
 * no new work (its own threads are refused with one event), what it holds can still be released,
 * nothing after unload, and a call outside its capabilities is refused with E_ACCESSDENIED. Driven
 * through a real plug-in JAR whose own thread makes the calls.
 */
class ServiceGateTest extends HostTestBase {
  private final String requestsKey = "probe.requests." + UUID.randomUUID();
  private final String responsesKey = "probe.responses." + UUID.randomUUID();
  private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> responses = new LinkedBlockingQueue<>();
  private Path config;

  @BeforeEach
  void queues() {
    System.getProperties().put(requestsKey, requests);
    System.getProperties().put(responsesKey, responses);
  }

  @AfterEach
  void endTheProbe() {
    // Its thread outlives the host on purpose; this ends it.
    requests.add("exit");
    System.getProperties().remove(requestsKey);
    System.getProperties().remove(responsesKey);
  }

  /** The probe plug-in, built for {@code api}, declaring {@code capabilities} (null: no line). */
  private void probe(String api, String capabilities) throws Exception {
    PluginJar.of("probe", "org.authhost.testplugins.probe.ProbePlugin")
        .with("api-version", api)
        .with("capabilities", capabilities)
        .writeTo(root.resolve("plugins"), "probe.jar");
  }

  /** Starts a host with the probe and the account alice; {@code extra} goes into its settings. */
  private void start(String pluginsExtra, String probeExtra) throws Exception {
    config =
        TestHosts.configFolder(
            root,
            (pluginsExtra.isEmpty() ? "" : pluginsExtra + ", ")
                + "\"settings\": { \"probe\": { "
                + probeExtra
                + "\"properties\": { \"requests\": \""
                + requestsKey
                + "\", \"responses\": \""
                + responsesKey
                + "\" } } }");
    TestHosts.addAccount(config, "alice", "pw-alice");
    host = AuthHost.create(TestHosts.load(config), FakeTime.of(clock));
    host.start();
  }

  /** What the plug-in's own thread got back for {@code command}. */
  private HResult ask(String command) throws Exception {
    requests.add(command);
    Integer value = responses.poll(10, TimeUnit.SECONDS);
    assertNotNull(value, "the probe's thread answered " + command);
    return HResult.of(value);
  }

  private List<EventRecord> hostWarnings(AuthHost on) {
    return on.eventLog()
        .query(
            EventQuery.all()
                .withSource(HostEvents.aboutPlugin("probe"))
                .withLevel(EventLevel.WARNING));
  }

  private List<EventRecord> refusals(String containing) {
    return hostWarnings(host).stream().filter(e -> e.text().contains(containing)).toList();
  }

  @Test
  void afterPluginsDisableItsThreadGetsNoNewWorkButClosesWhatItHolds() throws Exception {
    probe("1.3", "token-without-credential,nt-hash");
    start("", "");
    assertEquals(HResult.S_OK, ask("logon"));
    assertEquals(HResult.S_OK, ask("nt-hash:alice"));
    assertEquals(HResult.S_OK, ask("event"));

    // As the operator does it: the command line, through the running host's admin endpoint.
    assertEquals(
        0,
        Main.commandLine().execute("plugins", "disable", "probe", "--config", config.toString()));

    assertEquals(ServiceGate.NOT_IN_SERVICE, ask("logon"));
    assertEquals(ServiceGate.NOT_IN_SERVICE, ask("nt-hash:alice"));
    assertEquals(ServiceGate.NOT_IN_SERVICE, ask("event"));
    assertEquals(ServiceGate.NOT_IN_SERVICE, ask("password:alice:pw-alice"));
    List<EventRecord> refused = refusals("while the plug-in is disabled");
    assertEquals(1, refused.size(), "one event for every refused call: " + hostWarnings(host));
    assertEquals(ServiceGate.NOT_IN_SERVICE, refused.get(0).hresult());
    assertTrue(refused.get(0).text().contains("'probe-worker'"), refused.get(0).text());
    assertEquals(
        1,
        host.eventLog().query(EventQuery.all().withSource("probe")).stream()
            .filter(e -> e.text().equals("probe event"))
            .count(),
        "the event logged after disable was not written");
    assertEquals(
        1,
        host.eventLog().query(EventQuery.all().withSource("probe")).stream()
            .filter(e -> e.text().equals("probe disabled"))
            .count(),
        "an event logged inside its own DisablePlugin is still taken");

    // Release work: the token it obtained while enabled can still be queried and closed.
    assertEquals(HResult.S_OK, ask("query"));
    int open = host.tokens().openHandles();
    assertEquals(HResult.S_OK, ask("close"));
    assertEquals(open - 1, host.tokens().openHandles());
    assertEquals(HResult.SEC_E_INVALID_HANDLE, ask("close"), "it was closed");

    // Enabled again, it is served again; disabled again, the next refusal is a new event.
    host.plugins().enable("probe");
    assertEquals(HResult.S_OK, ask("logon"));
    host.plugins().disable("probe");
    assertEquals(ServiceGate.NOT_IN_SERVICE, ask("logon"));
    assertEquals(2, refusals("while the plug-in is disabled").size());
  }

  @Test
  void aContextReleasedAfterDisableClosesItsOwnToken() throws Exception {
    probe("1.3", "token-without-credential");
    start("", "");
    AuthenticationSession session = host.plugins().openSession("probe").get(5, TimeUnit.SECONDS);
    AuthenticationOutcome outcome =
        session
            .authenticate(new byte[0], KitClient.user(1), KitClient.PRESENTATION, KitClient.COMMAND)
            .get(5, TimeUnit.SECONDS);
    assertEquals(AuthenticationResult.SUCCESS, outcome.result());
    assertTrue(host.tokens().isOpen(outcome.token()));

    host.plugins().disable("probe");
    session.release().get(5, TimeUnit.SECONDS);

    assertFalse(host.tokens().isOpen(outcome.token()), "the context closed it in release()");
    assertEquals(
        List.of(),
        hostWarnings(host),
        "neither a refusal nor the host closing a token the context left open");
  }

  @Test
  void afterUnloadEverythingIsRefused() throws Exception {
    probe("1.3", "token-without-credential");
    start("", "");
    assertEquals(HResult.S_OK, ask("logon"));
    host.stop();

    assertEquals(ServiceGate.NOT_IN_SERVICE, ask("query"));
    assertEquals(ServiceGate.NOT_IN_SERVICE, ask("close"));
    assertEquals(ServiceGate.NOT_IN_SERVICE, ask("event"));
    assertEquals(ServiceGate.NOT_IN_SERVICE, ask("logon"));
  }

  @Test
  void aCallOutsideWhatThePluginDeclaresIsRefusedWithAccessDeniedAndOneEvent() throws Exception {
    probe("1.3", "password-check");
    start("", "");
    assertEquals(HResult.E_ACCESSDENIED, ask("nt-hash:alice"));
    assertEquals(HResult.E_ACCESSDENIED, ask("nt-hash:alice"));
    assertEquals(HResult.E_ACCESSDENIED, ask("logon"));
    assertEquals(HResult.S_OK, ask("password:alice:pw-alice"), "what it declares works");
    assertEquals(HResult.S_OK, ask("event"), "events need no capability");

    List<EventRecord> ntHash = refusals("needs the capability 'nt-hash'");
    assertEquals(1, ntHash.size(), "one event, not one per call: " + hostWarnings(host));
    assertEquals(HResult.E_ACCESSDENIED, ntHash.get(0).hresult());
    assertTrue(
        ntHash.get(0).text().contains("plugins.settings.probe.capabilities"), ntHash.get(0).text());
    assertEquals(1, refusals("needs the capability 'token-without-credential'").size());
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ENABLED,
        host.plugins().plugin("probe").orElseThrow().status(),
        "a refused call does not take the plug-in out of service");
  }

  @Test
  void aDeclaredCapabilityTheOperatorDoesNotGrantIsRefusedAndNamedAtStart() throws Exception {
    probe("1.3", "password-check,nt-hash");
    start("", "\"capabilities\": [\"password-check\"], ");

    List<EventRecord> atStart = refusals("declares the capabilities password-check, nt-hash");
    assertEquals(1, atStart.size(), hostWarnings(host).toString());
    assertTrue(
        atStart.get(0).text().contains("refused with E_ACCESSDENIED"), atStart.get(0).text());
    assertEquals(HResult.E_ACCESSDENIED, atStart.get(0).hresult(), "what its calls will answer");
    assertEquals(HResult.E_ACCESSDENIED, ask("nt-hash:alice"));
    assertEquals(HResult.S_OK, ask("password:alice:pw-alice"));
    assertEquals(1, refusals("needs the capability 'nt-hash'").size());

    // The operator sees what it holds.
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("plugins", "--json", "--config", config.toString()));
    JsonNode probe = new ObjectMapper().readTree(out.toString()).get(0);
    assertEquals("probe", probe.path("id").asText());
    assertEquals("[\"password-check\"]", probe.path("capabilities").toString());
  }

  @Test
  void logonPrincipalNeedsItsGrant() throws Exception {
    probe("1.3", "principal-token,password-check");
    start("", "\"capabilities\": [\"password-check\"], ");
    assertEquals(HResult.E_ACCESSDENIED, ask("principal"), "declared, not granted");
    assertEquals(1, refusals("needs the capability 'principal-token'").size());
  }

  @Test
  void logonPrincipalIsNoWorkForADisabledPlugin() throws Exception {
    probe("1.3", "principal-token");
    start("", "");
    assertEquals(HResult.S_OK, ask("principal"), "declared and granted");
    host.plugins().disable("probe");
    assertEquals(ServiceGate.NOT_IN_SERVICE, ask("principal"), "no new work while disabled");
    assertEquals(1, refusals("while the plug-in is disabled").size());
  }

  @Test
  void withRequireGrantsAPluginHoldsNothingTheFileDoesNotList() throws Exception {
    probe("1.3", "password-check");
    start("\"requireGrants\": true", "");
    assertEquals(HResult.E_ACCESSDENIED, ask("password:alice:pw-alice"));
    assertEquals(1, refusals("plugins.requireGrants is true").size());
  }

  @Test
  void aPluginBuiltForApi12HoldsEveryCapabilityWithAWarningAtEachStart() throws Exception {
    probe("1.2", null);
    start("", "");
    assertEquals(HResult.S_OK, ask("nt-hash:alice"));
    assertEquals(HResult.S_OK, ask("logon"));
    assertEquals(HResult.S_OK, ask("password:alice:pw-alice"));
    String expected =
        "plug-in 'probe' is built for plug-in API 1.2, which declares no capabilities, so it"
            + " holds every capability: password-check, digest-ha1, nt-hash,"
            + " token-without-credential";
    assertEquals(1, refusals(expected).size(), hostWarnings(host).toString());
    assertEquals(HResult.S_FALSE, refusals(expected).get(0).hresult(), "works, not as 1.3 asks");

    host.stop();
    requests.add("exit");
    host = AuthHost.create(TestHosts.load(config), FakeTime.of(clock));
    host.start();
    assertEquals(2, refusals(expected).size(), "a WARNING at each start");
  }

  @Test
  void aGrantOfACapabilityThePluginDoesNotDeclareIsReportedAndGivesNothing() throws Exception {
    probe("1.3", "password-check");
    start("", "\"capabilities\": [\"password-check\", \"nt-hash\"], ");
    List<EventRecord> reported =
        refusals("grants plug-in 'probe' nt-hash, which it does not declare");
    assertEquals(1, reported.size(), hostWarnings(host).toString());
    EventRecord event = reported.get(0);
    assertEquals(EventLevel.WARNING, event.level());
    assertEquals(HResult.E_INVALIDARG, event.hresult());
    assertTrue(
        event.text().contains("Remove nt-hash from plugins.settings.probe.capabilities"),
        event.text());
    assertEquals(HResult.E_ACCESSDENIED, ask("nt-hash:alice"), "the grant gives it nothing");
    assertEquals(HResult.S_OK, ask("password:alice:pw-alice"));
  }
}
