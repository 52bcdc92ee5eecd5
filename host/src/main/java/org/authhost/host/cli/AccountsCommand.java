package org.authhost.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.authhost.host.accounts.AccountStore;
import org.authhost.host.accounts.GroupView;
import org.authhost.host.accounts.UserView;
import org.authhost.host.config.ConfigException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code authhost accounts}: the local account store. Edits the store's file directly, so it works
 * whether or not the host runs; a command that changed it waits (a few seconds at most) until a
 * running host has loaded the change, and says so.
 */
@Command(
    name = "accounts",
    mixinStandardHelpOptions = true,
    description =
        "Manage local users and groups (edits the account store directly; a change waits, a few"
            + " seconds at most, until a running host uses it).",
    subcommands = {
      AccountsCommand.Add.class,
      AccountsCommand.Passwd.class,
      AccountsCommand.Disable.class,
      AccountsCommand.Enable.class,
      AccountsCommand.Delete.class,
      AccountsCommand.ListUsers.class,
      AccountsCommand.Groups.class,
      LockoutCommands.Lockouts.class,
      LockoutCommands.Unlock.class
    })
public final class AccountsCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  @Spec CommandSpec spec;

  /** {@code accounts} alone lists the users, like {@code accounts list}. */
  @Override
  public Integer call() {
    return withStore(config, spec, (store, out) -> ListUsers.print(store, out, json));
  }

  /** What a command does with the store. */
  @FunctionalInterface
  interface StoreAction {
    int run(AccountStore store, PrintWriter out) throws Exception;
  }

  /**
   * Loads the configuration and the store and runs {@code action}, then, if it changed the store,
   * waits for a running host to load the change ({@link RunningHostWait}); a refusal or a problem
   * with the configuration or the file becomes one line on standard error and exit code 2.
   */
  static int withStore(ConfigOption config, CommandSpec spec, StoreAction action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      AccountStore store = new AccountStore(config.load(), Clock.systemUTC());
      String before = store.loadedSha256();
      int code = action.run(store, out);
      String after = store.loadedSha256();
      if (code == 0 && !after.equals(before)) {
        // A script's next request should meet the change, not the accounts the host had.
        RunningHostWait.onSystemClock().await(store.file(), after).ifPresent(out::println);
      }
      return code;
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return 2;
    } catch (IllegalArgumentException
        | IllegalStateException
        | IOException
        | UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** A subcommand: takes {@code --config DIR} and works on the store. */
  abstract static class StoreCommand implements Callable<Integer>, StoreAction {
    @Mixin ConfigOption config;

    @Spec CommandSpec spec;

    @Override
    public final Integer call() {
      return withStore(config, spec, this);
    }
  }

  /** How a command gets a new password. */
  static final class PasswordSource {
    @Option(
        names = "--password-stdin",
        description = "read the password from one line of standard input")
    boolean stdin;

    @Option(
        names = "--no-password",
        description = "create the account without a password (it cannot log on with one)")
    boolean none;
  }

  /**
   * The new password: one line of standard input, or typed twice at the console.
   *
   * @throws IllegalArgumentException if there is none, or the two entries differ
   */
  static char[] readPassword(String user, boolean fromStdin) throws IOException {
    if (fromStdin) {
      return readLine(System.in);
    }
    Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException(
          "no console to prompt for the password; use --password-stdin");
    }
    char[] first = console.readPassword("New password for %s: ", user);
    if (first == null) {
      throw new IllegalArgumentException("no password entered");
    }
    char[] second = console.readPassword("Type it again: ");
    try {
      if (second == null || !Arrays.equals(first, second)) {
        Arrays.fill(first, '\0');
        throw new IllegalArgumentException("the two passwords differ; nothing changed");
      }
      return first;
    } finally {
      if (second != null) {
        Arrays.fill(second, '\0');
      }
    }
  }

  /**
   * One line of UTF-8 without its line end ({@code \n} or {@code \r\n}); nothing else is stripped.
   */
  static char[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean ended = false;
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        ended = true;
        break;
      }
      line.write(b);
    }
    byte[] bytes = line.toByteArray();
    try {
      int length = bytes.length;
      if (ended && length > 0 && bytes[length - 1] == '\r') {
        length--;
      }
      if (!ended && length == 0) {
        throw new IllegalArgumentException("no password on standard input");
      }
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, length));
      char[] password = new char[chars.remaining()];
      chars.get(password);
      if (chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
      return password;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the password on standard input is not UTF-8");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a user (a member of Users and of each --group).")
  static final class Add extends StoreCommand {
    @Parameters(
        paramLabel = "NAME",
        description = "the user name (1-20 characters, none of \"/\\[]:;|=,+*?<>@)")
    String name;

    @Option(names = "--full-name", paramLabel = "TEXT", description = "the user's full name")
    String fullName = "";

    @Option(
        names = "--group",
        paramLabel = "GROUP",
        description = "also a member of GROUP (repeatable)")
    List<String> groups = new ArrayList<>();

    @ArgGroup(exclusive = true)
    PasswordSource password = new PasswordSource();

    @Override
    public int run(AccountStore store, PrintWriter out) throws Exception {
      char[] secret =
          password != null && password.none
              ? null
              : readPassword(name, password != null && password.stdin);
      try {
        UserView user = store.addUser(name, fullName, groups, secret);
        out.printf(
            "added %s (%s), member of %s%s%n",
            user.qualifiedName(),
            user.sid(),
            String.join(", ", user.groups()),
            user.passwordSet() ? "" : ", without a password");
        return 0;
      } finally {
        if (secret != null) {
          Arrays.fill(secret, '\0');
        }
      }
    }
  }

  @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a user's password.")
  static final class Passwd extends StoreCommand {
    @Parameters(paramLabel = "NAME", description = "the user")
    String name;

    @Option(
        names = "--password-stdin",
        description = "read the password from one line of standard input")
    boolean stdin;

    @Override
    public int run(AccountStore store, PrintWriter out) throws Exception {
      UserView user =
          store
              .user(name)
              .orElseThrow(() -> new IllegalArgumentException("no user '" + name + "'"));
      char[] secret = readPassword(user.name(), stdin);
      try {
        store.setPassword(name, secret);
      } finally {
        Arrays.fill(secret, '\0');
      }
      out.printf("password of %s changed%n", user.qualifiedName());
      return 0;
    }
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = "Disable a user: it can no longer log on.")
  static final class Disable extends StoreCommand {
    @Parameters(paramLabel = "NAME", description = "the user")
    String name;

    @Override
    public int run(AccountStore store, PrintWriter out) throws Exception {
      store.disable(name);
      out.printf("%s disabled%n", store.user(name).map(UserView::qualifiedName).orElse(name));
      return 0;
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a user.")
  static final class Enable extends StoreCommand {
    @Parameters(paramLabel = "NAME", description = "the user")
    String name;

    @Override
    public int run(AccountStore store, PrintWriter out) throws Exception {
      store.enable(name);
      out.printf("%s enabled%n", store.user(name).map(UserView::qualifiedName).orElse(name));
      return 0;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a user (its SID is never given to another).")
  static final class Delete extends StoreCommand {
    @Parameters(paramLabel = "NAME", description = "the user")
    String name;

    @Override
    public int run(AccountStore store, PrintWriter out) throws Exception {
      String qualified = store.user(name).map(UserView::qualifiedName).orElse(name);
      store.delete(name);
      out.printf("%s deleted%n", qualified);
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users.")
  static final class ListUsers extends StoreCommand {
    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Override
    public int run(AccountStore store, PrintWriter out) throws Exception {
      return print(store, out, json);
    }

    static int print(AccountStore store, PrintWriter out, boolean json) throws IOException {
      List<UserView> users = store.users();
      if (json) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (UserView u : users) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", u.name());
          m.put("domain", u.domain());
          m.put("fullName", u.fullName());
          m.put("sid", u.sid().value());
          m.put("groups", u.groups());
          m.put("disabled", u.disabled());
          m.put("passwordSet", u.passwordSet());
          m.put(
              "passwordChanged",
              u.passwordChanged() == null ? null : u.passwordChanged().toString());
          m.put("builtin", u.builtin());
          list.add(m);
        }
        out.println(json().writeValueAsString(list));
        return 0;
      }
      String format = "%-20s %-24s %-46s %-30s %-8s %-8s %s%n";
      out.printf(
          format, "NAME", "FULL NAME", "SID", "GROUPS", "DISABLED", "PASSWORD", "PASSWORD CHANGED");
      for (UserView u : users) {
        out.printf(
            format,
            u.name(),
            u.fullName(),
            u.sid(),
            String.join(",", u.groups()),
            u.disabled() ? "yes" : "no",
            u.passwordSet() ? "set" : "none",
            u.passwordChanged() == null ? "-" : u.passwordChanged().toString());
      }
      return 0;
    }
  }

  @Command(
      name = "groups",
      mixinStandardHelpOptions = true,
      description = "List the groups with their SIDs and members, or change them.",
      subcommands = {
        Groups.AddGroup.class,
        Groups.DeleteGroup.class,
        Groups.AddMember.class,
        Groups.RemoveMember.class
      })
  static final class Groups extends StoreCommand {
    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Override
    public int run(AccountStore store, PrintWriter out) throws Exception {
      List<GroupView> groups = store.groups();
      if (json) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (GroupView g : groups) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", g.name());
          m.put("sid", g.sid().value());
          m.put("members", g.members());
          m.put("builtin", g.builtin());
          list.add(m);
        }
        out.println(json().writeValueAsString(list));
        return 0;
      }
      String format = "%-20s %-46s %s%n";
      out.printf(format, "NAME", "SID", "MEMBERS");
      for (GroupView g : groups) {
        out.printf(format, g.name(), g.sid(), String.join(",", g.members()));
      }
      return 0;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a local group.")
    static final class AddGroup extends StoreCommand {
      @Parameters(paramLabel = "NAME", description = "the group name")
      String name;

      @Override
      public int run(AccountStore store, PrintWriter out) throws Exception {
        GroupView group = store.addGroup(name);
        out.printf("added group %s (%s)%n", group.name(), group.sid());
        return 0;
      }
    }

    @Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description = "Delete a local group (not a built-in one).")
    static final class DeleteGroup extends StoreCommand {
      @Parameters(paramLabel = "NAME", description = "the group name")
      String name;

      @Override
      public int run(AccountStore store, PrintWriter out) throws Exception {
        store.deleteGroup(name);
        out.printf("deleted group %s%n", name);
        return 0;
      }
    }

    @Command(
        name = "add-member",
        mixinStandardHelpOptions = true,
        description = "Make a user a member of a group.")
    static final class AddMember extends StoreCommand {
      @Parameters(index = "0", paramLabel = "GROUP", description = "the group")
      String group;

      @Parameters(index = "1", paramLabel = "USER", description = "the user")
      String user;

      @Override
      public int run(AccountStore store, PrintWriter out) throws Exception {
        boolean added = store.addMember(group, user);
        out.printf(added ? "%s added to %s%n" : "%s already is a member of %s%n", user, group);
        return 0;
      }
    }

    @Command(
        name = "remove-member",
        mixinStandardHelpOptions = true,
        description = "Take a user out of a group.")
    static final class RemoveMember extends StoreCommand {
      @Parameters(index = "0", paramLabel = "GROUP", description = "the group")
      String group;

      @Parameters(index = "1", paramLabel = "USER", description = "the user")
      String user;

      @Override
      public int run(AccountStore store, PrintWriter out) throws Exception {
        boolean removed = store.removeMember(group, user);
        out.printf(removed ? "%s removed from %s%n" : "%s was not a member of %s%n", user, group);
        return 0;
      }
    }
  }

  private static ObjectMapper json() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }
}
