package org.authhost.host.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.authhost.host.cli.AccountsCommand;
import org.authhost.host.config.HostConfig;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AccountsCommandTest {
  @TempDir Path root;

  Path config;
  HostConfig hostConfig;
  private final InputStream originalIn = System.in;

  private record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    config = TestHosts.configFolder(root, "");
    hostConfig = TestHosts.load(config);
  }

  @AfterEach
  void restoreStdin() {
    System.setIn(originalIn);
  }

  private Result runWithStdin(String stdin, String... args) {
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AccountsCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.add("--config");
    all.add(config.toString());
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private Result run(String... args) {
    return runWithStdin("", args);
  }

  private AccountStore store() throws Exception {
    return new AccountStore(hostConfig, Clock.systemUTC());
  }

  private boolean verifies(String user, String password) throws Exception {
    return new PasswordVerifier(store(), Clock.systemUTC()).verify(user, password);
  }

  @Test
  void theConfigFolderGivenBeforeTheSubcommandIsTheOneItWorksOn() throws Exception {
    System.setIn(new ByteArrayInputStream("pw one\n".getBytes(StandardCharsets.UTF_8)));
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AccountsCommand());
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    // No folder named "config" below the working directory: a subcommand that fell back to the
    // default would fail to load, or (in a distribution) add the account to another store.
    int code = cli.execute("--config", config.toString(), "add", "carol", "--password-stdin");
    assertEquals(0, code, err.toString());
    assertTrue(verifies("carol", "pw one"), "added to the store of the folder given");
  }

  @Test
  void addPasswdDisableEnableDelete() throws Exception {
    Result r =
        runWithStdin(
            "s3cret pw \n",
            "add",
            "alice",
            "--full-name",
            "Alice Liddell",
            "--group",
            "Administrators",
            "--password-stdin");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("added TESTHOST\\alice (S-1-5-21-"), r.out());
    assertTrue(verifies("alice", "s3cret pw "), "only the newline is stripped");
    assertFalse(verifies("alice", "s3cret pw"));
    UserView alice = store().user("alice").orElseThrow();
    assertEquals("Alice Liddell", alice.fullName());
    assertEquals(List.of("Users", "Administrators"), alice.groups());

    r = runWithStdin("again\n", "add", "ALICE", "--password-stdin");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: ") && r.err().contains("taken"), r.err());

    r = runWithStdin("new password\r\n", "passwd", "testhost\\alice", "--password-stdin");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("password of TESTHOST\\alice changed"), r.out());
    assertTrue(verifies("alice", "new password"));
    assertFalse(verifies("alice", "s3cret pw "));

    r = runWithStdin("", "passwd", "alice", "--password-stdin");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("no password on standard input"), r.err());

    r = run("disable", "alice");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("TESTHOST\\alice disabled"), r.out());
    assertTrue(store().user("alice").orElseThrow().disabled());
    assertFalse(verifies("alice", "new password"));

    r = run("enable", "alice");
    assertEquals(0, r.code(), r.err());
    assertTrue(verifies("alice", "new password"));

    r = run("delete", "alice");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("TESTHOST\\alice deleted"), r.out());
    assertTrue(store().user("alice").isEmpty());

    r = run("delete", "alice");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("no user 'alice'"), r.err());
  }

  @Test
  void addWithoutAPasswordAndWithoutAConsole() throws Exception {
    Result r = run("add", "bob", "--no-password");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("without a password"), r.out());
    assertFalse(store().user("bob").orElseThrow().passwordSet());

    if (System.console() == null) {
      r = run("add", "carol");
      assertEquals(2, r.code());
      assertTrue(r.err().contains("use --password-stdin"), r.err());
      assertTrue(store().user("carol").isEmpty());
    }

    r = runWithStdin("x\n", "add", "dave", "--no-password", "--password-stdin");
    assertEquals(2, r.code(), "mutually exclusive");
    assertTrue(store().user("dave").isEmpty());
  }

  @Test
  void refusalsAreOneLineAndExitCode2() throws Exception {
    Result r = run("disable", "Administrator");
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("last enabled member of Administrators"), r.err());

    r = run("delete", "Guest");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("built-in"), r.err());

    r = runWithStdin("pw\n", "passwd", "Guest", "--password-stdin");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Guest cannot have a password"), r.err());

    r = run("add", "bad/name", "--no-password");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("'/'"), r.err());
  }

  @Test
  void listAndGroups() throws Exception {
    assertEquals(
        0,
        runWithStdin("pw-of-erin\n", "add", "erin", "--full-name", "Erin E", "--password-stdin")
            .code());

    Result r = run("list");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("NAME"), r.out());
    assertTrue(
        r.out().contains("Administrator")
            && r.out().contains("Guest")
            && r.out().contains("Erin E"),
        r.out());

    r = run("list", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode users = new ObjectMapper().readTree(r.out());
    assertEquals(3, users.size());
    JsonNode erin = users.get(2);
    assertEquals("erin", erin.path("name").asText());
    assertEquals("Erin E", erin.path("fullName").asText());
    assertTrue(erin.path("sid").asText().matches("S-1-5-21-\\d+-\\d+-\\d+-1000"), erin.toString());
    assertEquals("Users", erin.path("groups").get(0).asText());
    assertFalse(erin.path("disabled").asBoolean());
    assertTrue(erin.path("passwordSet").asBoolean());
    assertFalse(erin.path("passwordChanged").isNull());
    assertFalse(users.get(1).path("passwordSet").asBoolean(), "Guest has no password");
    assertFalse(r.out().contains("argon2"), "no secrets in the listing");

    r = run("--json");
    assertEquals(0, r.code(), r.err());
    assertEquals(3, new ObjectMapper().readTree(r.out()).size(), "accounts alone lists the users");

    r = run("groups", "add", "Editors");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("added group Editors (S-1-5-21-"), r.out());
    r = run("groups", "add-member", "editors", "ERIN");
    assertEquals(0, r.code(), r.err());
    r = run("groups", "add-member", "Editors", "erin");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("already"), r.out());
    r = run("groups", "add-member", "Editors", "nobody");
    assertEquals(2, r.code());

    r = run("groups");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("S-1-5-32-544"), r.out());
    assertTrue(
        r.out().lines().anyMatch(l -> l.startsWith("Editors") && l.endsWith("erin")), r.out());

    r = run("groups", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode groups = new ObjectMapper().readTree(r.out());
    assertEquals(4, groups.size());
    assertEquals("Administrators", groups.get(0).path("name").asText());
    assertEquals("S-1-5-32-544", groups.get(0).path("sid").asText());
    assertEquals("Administrator", groups.get(0).path("members").get(0).asText());
    assertEquals("erin", groups.get(3).path("members").get(0).asText());

    r = run("groups", "remove-member", "Editors", "erin");
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of(), store().group("Editors").orElseThrow().members());
    r = run("groups", "delete", "Editors");
    assertEquals(0, r.code(), r.err());
    assertTrue(store().group("Editors").isEmpty());
  }
}
