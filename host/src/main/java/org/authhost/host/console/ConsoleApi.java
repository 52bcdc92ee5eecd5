package org.authhost.host.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Sid;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.access.PublishingPoints;
import org.authhost.host.access.Right;
import org.authhost.host.accounts.AccountStore;
import org.authhost.host.accounts.UserView;
import org.authhost.host.admin.AdminJson;
import org.authhost.host.admin.LockoutRelease;
import org.authhost.host.config.ConfigException;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.HostJsonWriter;
import org.authhost.host.config.PublishingPointConfig;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.diagnostics.TroubleshootingList;
import org.authhost.host.events.EventLogReader;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.plugins.NoSuchPluginException;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.plugins.PluginView;
import org.authhost.host.plugins.ValuesRefusedException;
import org.authhost.host.tokens.Account;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's JSON API under {@code /console/api/}: what the panes show and the changes they
 * make, each change audited with the administrator's name. Runs on the console's worker threads (a
 * reload waits for the reload thread; the account store writes its file). The routes and their
 * shapes are listed in {@code docs/console.md}.
 */
final class ConsoleApi {
  private static final Logger log = LoggerFactory.getLogger(ConsoleApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 500;

  private static final Pattern PLUGIN_ACTION =
      Pattern.compile("plugins/([^/]+)/(enable|disable|reload|rollback)");
  private static final Pattern PLUGIN_PROPERTIES = Pattern.compile("plugins/([^/]+)/properties");
  private static final Pattern UNLOCK =
      Pattern.compile("lockouts/(account|address)/([^/]+)/unlock");
  private static final Pattern ACCOUNT_ACTION =
      Pattern.compile("accounts/([^/]+)/(enable|disable|password)");
  private static final Pattern MEMBERSHIP = Pattern.compile("accounts/([^/]+)/groups/([^/]+)");

  /** Named values whose value is never shown: a secret is written, never read back. */
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i)(.*(password|secret|passphrase|token|credential|privatekey|salt|hmac|signing).*"
              + "|.*(key|pin))");

  static final String HIDDEN = "(hidden)";

  /** One API request, as the gate passed it on. */
  record Call(
      Operator operator,
      String method,
      String route,
      Map<String, List<String>> params,
      String body,
      String client,
      String sessionId) {
    String param(String name) {
      List<String> values = params.get(name);
      return values == null || values.isEmpty() || values.get(0).isBlank()
          ? null
          : values.get(0).strip();
    }
  }

  private final HostConfig config;
  private final PluginHost plugins;
  private final TroubleshootingList troubleshooting;
  private final LockoutRelease lockouts;
  private final EventLogStore log_;
  private final AccountStore accounts;
  private final PublishingPoints points;
  private final HostJsonWriter writer;
  private final HostEvents events;
  private final NowPane now;
  private final Clock clock;
  private final ConsoleSessions sessions;

  /** Whether the console's own logon offers a plug-in (were it enabled). */
  private final Predicate<PluginView> consoleOffers;

  ConsoleApi(
      HostConfig config,
      PluginHost plugins,
      TroubleshootingList troubleshooting,
      LockoutRelease lockouts,
      EventLogStore eventLog,
      AccountStore accounts,
      PublishingPoints points,
      HostJsonWriter writer,
      HostEvents events,
      NowPane now,
      Clock clock,
      ConsoleSessions sessions,
      Predicate<PluginView> consoleOffers) {
    this.config = config;
    this.plugins = plugins;
    this.troubleshooting = troubleshooting;
    this.lockouts = lockouts;
    this.log_ = eventLog;
    this.accounts = accounts;
    this.points = points;
    this.writer = writer;
    this.events = events;
    this.now = now;
    this.clock = clock;
    this.sessions = sessions;
    this.consoleOffers = consoleOffers;
  }

  Reply handle(Call c) {
    try {
      return route(c);
    } catch (ValuesRefusedException e) {
      return Reply.json(
          422,
          Map.of("error", e.getMessage(), "plugin", e.pluginId(), "pluginText", e.pluginText()));
    } catch (NoSuchPluginException e) {
      return Reply.error(404, e.getMessage());
    } catch (BadRequest e) {
      return Reply.error(400, e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Reply.error(409, e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      log.warn("console request {} {} failed", c.method(), c.route(), e);
      return Reply.error(503, "the host could not read or write a file: " + e.getMessage());
    }
  }

  /** A failure outside {@link #handle}: a host bug, said as such rather than a dropped answer. */
  static Reply failed(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    log.error("console request failed", cause);
    return Reply.error(500, "internal error: " + cause);
  }

  private Reply route(Call c) throws IOException {
    String m = c.method();
    String r = c.route();
    boolean get = m.equals("GET") || m.equals("HEAD");
    Matcher action = PLUGIN_ACTION.matcher(r);
    Matcher properties = PLUGIN_PROPERTIES.matcher(r);
    Matcher unlock = UNLOCK.matcher(r);
    Matcher account = ACCOUNT_ACTION.matcher(r);
    Matcher membership = MEMBERSHIP.matcher(r);
    if (r.equals("session") && get) {
      return Reply.ok(session(c));
    } else if (r.equals("plugins") && get) {
      return Reply.ok(pluginList());
    } else if (r.equals("plugins/reload") && m.equals("POST")) {
      List<String> done = plugins.reloads().reload(null);
      audit(c, "reloaded the plug-in folder: " + String.join("; ", done));
      return Reply.ok(Map.of("done", done, "plugins", pluginList()));
    } else if (action.matches() && m.equals("POST")) {
      return pluginAction(c, action.group(1), action.group(2));
    } else if (properties.matches() && m.equals("PUT")) {
      return setProperty(c, properties.group(1));
    } else if (r.equals("troubleshooting") && get) {
      return Reply.ok(
          Map.of(
              "dropped",
              troubleshooting.dropped(),
              "entries",
              troubleshooting.entries().stream().map(AdminJson::entry).toList()));
    } else if (r.equals("troubleshooting") && m.equals("DELETE")) {
      int cleared = troubleshooting.clear();
      audit(c, "cleared the troubleshooting list (" + cleared + " entries)");
      return Reply.ok(Map.of("cleared", cleared));
    } else if (r.equals("events") && get) {
      return Reply.ok(events(c, false));
    } else if (r.equals("audit") && get) {
      return Reply.ok(events(c, true));
    } else if (r.equals("lockouts") && get) {
      return Reply.ok(lockouts.lockouts());
    } else if (r.equals("lockouts/unlock") && m.equals("POST")) {
      // The name in the body: an IPv6 key or an account name may hold a '/' or '\\'.
      JsonNode body = body(c);
      String type = text(body, "type");
      String name = text(body, "name");
      if (type == null || name == null) {
        throw new BadRequest("give the \"type\" (account or address) and the \"name\"");
      }
      return Reply.ok(lockouts.unlock(type, name, by(c)));
    } else if (unlock.matches() && m.equals("POST")) {
      return Reply.ok(lockouts.unlock(unlock.group(1), unlock.group(2), by(c)));
    } else if (r.equals("points") && get) {
      return Reply.ok(pointList(c.param("account")));
    } else if (r.equals("accounts") && get) {
      return Reply.ok(accountPage(c));
    } else if (r.equals("accounts") && m.equals("POST")) {
      return addAccount(c);
    } else if (r.equals("groups") && get) {
      return Reply.ok(
          accounts.groups().stream()
              .map(g -> Map.of("name", g.name(), "builtin", g.builtin(), "members", g.members()))
              .toList());
    } else if (account.matches() && m.equals("POST")) {
      return accountAction(c, account.group(1), account.group(2));
    } else if (membership.matches() && (m.equals("PUT") || m.equals("DELETE"))) {
      return membership(c, membership.group(1), membership.group(2), m.equals("PUT"));
    } else if (r.equals("now") && get) {
      return Reply.ok(now.figures());
    }
    return Reply.error(404, "no such console resource: " + m + " /console/api/" + r);
  }

  private Map<String, Object> session(Call c) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("account", c.operator().account());
    s.put("administrator", c.operator().administrator());
    s.put("role", c.operator().role());
    s.put("csrf", c.operator().csrf());
    s.put("idleMinutes", config.console().idleMinutes());
    s.put("serverName", config.serverName());
    return s;
  }

  // ---- Plug-ins

  private List<Map<String, Object>> pluginList() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (PluginView v : plugins.plugins()) {
      Map<String, Object> p = AdminJson.plugin(v);
      var declared = plugins.declared(v.id());
      boolean current = PluginView.CURRENT.equals(v.state());
      p.put("apiVersion", declared.map(d -> d.apiVersion()).orElse(""));
      p.put("description", declared.map(d -> d.description()).orElse(""));
      p.put(
          "declaredCapabilities",
          declared
              .map(d -> d.capabilities().stream().map(x -> x.descriptorName()).sorted().toList())
              .orElse(List.of()));
      p.put("enabled", (v.status() & org.authhost.host.plugins.PluginStatus.ENABLED) != 0);
      p.put("points", current ? offeringPoints(v) : List.of());
      p.put("rollbackTo", current ? plugins.reloads().rollbackVersion(v.id()).orElse(null) : null);
      p.put("properties", current ? shown(plugins.propertiesOf(v.id())) : List.of());
      list.add(p);
    }
    return list;
  }

  /** The named values as the pane shows them: a secret's value never leaves the host. */
  private static List<Map<String, Object>> shown(Map<String, String> values) {
    List<Map<String, Object>> out = new ArrayList<>();
    values.forEach(
        (name, value) -> {
          boolean secret = SECRET_NAME.matcher(name).matches();
          Map<String, Object> v = new LinkedHashMap<>();
          v.put("name", name);
          v.put("value", secret ? HIDDEN : value);
          v.put("secret", secret);
          out.add(v);
        });
    return out;
  }

  /**
   * The publishing points (and the console) that offer this plug-in, or would once it is enabled:
   * those that list it, those that offer the server's list, the console if it suits its logon. A
   * plug-in never described (disabled since start: its protocol is not known yet) is listed where a
   * point names it.
   */
  private List<String> offeringPoints(PluginView v) {
    boolean described = !v.protocol().isEmpty();
    boolean anonymous = AuthenticationFlags.has(v.flags(), AuthenticationFlags.ANONYMOUS);
    List<String> names = new ArrayList<>();
    for (PublishingPoint p : points.all()) {
      if (p.plugins().contains(v.id()) || (described && p.plugins().isEmpty())) {
        names.add(p.name());
      }
    }
    if (described && !anonymous && consoleOffers.test(v)) {
      names.add(ConsolePoint.NAME);
    }
    return names;
  }

  private Reply pluginAction(Call c, String id, String what) {
    switch (what) {
      case "enable", "disable" -> {
        boolean enable = what.equals("enable");
        PluginView v = enable ? plugins.enable(id) : plugins.disable(id);
        audit(c, (enable ? "enabled" : "disabled") + " plug-in '" + id + "'");
        String written = writeBack(List.of("plugins", "settings", id, "enabled"), enable);
        if (!written.isEmpty()) {
          audit(c, "changed plug-in '" + id + "' at run time only:" + written);
        }
        Map<String, Object> out = AdminJson.plugin(v);
        out.put("writeBack", written.isEmpty() ? "written to host.json" : written.strip());
        return Reply.ok(out);
      }
      default -> {
        List<String> done =
            what.equals("reload") ? plugins.reloads().reload(id) : plugins.reloads().rollback(id);
        audit(c, what + " of plug-in '" + id + "': " + String.join("; ", done));
        return Reply.ok(Map.of("done", done, "plugins", pluginList()));
      }
    }
  }

  /**
   * One named value set ({@code {"name": .., "value": ..}}) or removed ({@code "value": null}): the
   * plug-in validates the whole set in a new instance; refused, nothing changes.
   */
  private Reply setProperty(Call c, String id) {
    JsonNode body = body(c);
    String name = text(body, "name");
    if (name == null || name.isBlank()) {
      throw new BadRequest("give the named value's \"name\"");
    }
    JsonNode value = body.get("value");
    if (value != null && !value.isNull() && !value.isTextual()) {
      throw new BadRequest("\"value\" is a string, or null to remove the named value");
    }
    if (plugins.declared(id).isEmpty()) {
      return Reply.error(404, "no plug-in '" + id + "' is in service");
    }
    Map<String, String> next = new LinkedHashMap<>(plugins.propertiesOf(id));
    String newValue = value == null || value.isNull() ? null : value.asText();
    if (newValue == null) {
      next.remove(name);
    } else {
      next.put(name, newValue);
    }
    boolean secret = SECRET_NAME.matcher(name).matches();
    try {
      plugins.reloads().reconfigure(id, next);
    } catch (ValuesRefusedException e) {
      audit(
          c,
          "tried to set named value '"
              + name
              + "' of plug-in '"
              + id
              + "'; the plug-in refused it, nothing changed");
      if (secret && newValue != null && !newValue.isEmpty()) {
        // The plug-in's words may quote the value it refused.
        return Reply.json(
            422,
            Map.of(
                "error",
                e.getMessage().replace(newValue, HIDDEN),
                "plugin",
                id,
                "pluginText",
                e.pluginText().replace(newValue, HIDDEN)));
      }
      throw e;
    }
    audit(
        c,
        "set named value '"
            + name
            + "' of plug-in '"
            + id
            + "' to "
            + (newValue == null ? "(removed)" : secret ? HIDDEN : "\"" + newValue + "\""));
    String written = writeBack(List.of("plugins", "settings", id, "properties", name), newValue);
    if (!written.isEmpty()) {
      audit(c, "changed plug-in '" + id + "' at run time only:" + written);
    }
    return Reply.ok(
        Map.of(
            "plugin",
            id,
            "properties",
            shown(plugins.propertiesOf(id)),
            "writeBack",
            written.isEmpty() ? "written to host.json" : written.strip()));
  }

  /**
   * Writes a change to host.json; empty when written, else what the operator should know (the
   * change is in force either way).
   */
  private String writeBack(List<String> path, Object value) {
    try {
      writer.set(path, value);
      return "";
    } catch (UnsupportedOperationException e) {
      return " (in force now; NOT written to host.json: this build has no host.json writer)";
    } catch (ConfigException e) {
      return " (in force now; NOT written to host.json, which would not load with it: "
          + e.getMessage()
          + ")";
    } catch (IOException | RuntimeException e) {
      return " (in force now; NOT written to host.json: " + e.getMessage() + ")";
    }
  }

  // ---- Events and audit

  private Map<String, Object> events(Call c, boolean audit) {
    int limit = page(c.param("limit"));
    EventQuery.Builder q = EventQuery.builder().limit(limit + 1);
    String level = c.param("level");
    if (level != null) {
      Set<EventLevel> levels = EnumSet.noneOf(EventLevel.class);
      for (String l : level.split(",")) {
        try {
          levels.add(EventLevel.valueOf(l.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new BadRequest(
              "level '" + l.strip() + "' is none of " + List.of(EventLevel.values()));
        }
      }
      q.levels(levels);
    }
    if (audit) {
      q.source(HostEvents.AUDIT);
    } else if (c.param("source") != null) {
      q.source(c.param("source"));
    }
    if (c.param("plugin") != null) {
      String id = c.param("plugin");
      if (!audit) {
        q.anySource(Set.of(id, HostEvents.aboutPlugin(id)));
      }
    }
    if (c.param("hresult") != null) {
      try {
        q.hresult(HResult.parse(c.param("hresult")));
      } catch (IllegalArgumentException e) {
        throw new BadRequest("hresult: " + e.getMessage());
      }
    }
    // The audit names a plug-in in its text; the text filter, if given, is the one applied.
    String containing =
        c.param("text") != null ? c.param("text") : audit ? c.param("plugin") : null;
    q.from(instant(c, "from")).to(instant(c, "to")).containing(containing);
    long before = whole(c, "before");
    long after = whole(c, "after");
    EventQuery query = q.beforeRecordNumber(before).afterRecordNumber(after).build();
    // One more than asked: whether another page exists, without reading it. A follower's query
    // (after=N) gets the OLDEST records after N, so that a burst larger than a page between two
    // polls is read page by page ("more": newer ones exist); a page of the log gets the newest
    // ("more": older ones exist).
    boolean following = c.param("after") != null && before == 0;
    EventLogReader.Page oldest = following ? log_.oldest(query, limit + 1) : null;
    List<EventRecord> found = following ? oldest.records() : log_.query(query);
    boolean older = found.size() > limit;
    List<EventRecord> pageOf =
        !older
            ? found
            : following
                ? found.subList(0, limit)
                : found.subList(found.size() - limit, found.size());
    List<Map<String, Object>> shown = new ArrayList<>(pageOf.size());
    for (int i = pageOf.size() - 1; i >= 0; i--) {
      shown.add(event(pageOf.get(i)));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("events", shown);
    // A follower's page that holds all there is to read resumes after the last record read,
    // matching or not: with a narrow filter, the next poll does not read those records again.
    long newest =
        following && !older
            ? oldest.lastRead()
            : pageOf.isEmpty() ? after : pageOf.get(pageOf.size() - 1).recordNumber();
    out.put("newest", newest);
    out.put("oldest", pageOf.isEmpty() ? 0 : pageOf.get(0).recordNumber());
    out.put("more", older);
    out.put("lastRecord", log_.lastRecordNumber());
    return out;
  }

  private static Map<String, Object> event(EventRecord e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("record", e.recordNumber());
    m.put("time", e.time().toString());
    m.put("level", e.level().name());
    m.put("source", e.source());
    m.put("hresult", e.hresult().hex());
    m.put("hresultName", e.hresult().name().orElse(""));
    m.put("text", e.text());
    return m;
  }

  private static int page(String text) {
    if (text == null) {
      return DEFAULT_PAGE;
    }
    try {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= MAX_PAGE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new BadRequest("limit is a whole number from 1 to " + MAX_PAGE + ", not '" + text + "'");
  }

  private static long whole(Call c, String name) {
    String text = c.param(name);
    if (text == null) {
      return 0;
    }
    try {
      long n = Long.parseLong(text);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new BadRequest(name + " is a record number (a whole number >= 0), not '" + text + "'");
  }

  private static Instant instant(Call c, String name) {
    String text = c.param(name);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new BadRequest(
          name + " is an instant such as 2026-12-05T08:00:00Z, not '" + text + "'");
    }
  }

  // ---- Publishing points

  private List<Map<String, Object>> pointList(String accountName) {
    AccessToken token = null;
    if (accountName != null) {
      Account a =
          accounts
              .find(accountName)
              .orElseThrow(() -> new BadRequest("no account '" + accountName + "'"));
      // The token a local logon of the account would have (TokenTable's): Everyone and its groups.
      List<Sid> groups = new ArrayList<>();
      groups.add(Sid.EVERYONE);
      groups.addAll(a.groups());
      token = new AccessToken(a.sid(), groups, a.qualifiedName(), "console", clock.instant());
    }
    Map<String, PublishingPointConfig> configured = new LinkedHashMap<>();
    config.publishingPoints().forEach(p -> configured.put(p.name(), p));
    List<Map<String, Object>> out = new ArrayList<>();
    for (PublishingPoint p : points.all()) {
      PublishingPointConfig pc = configured.get(p.name());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("prefix", p.prefix());
      m.put("front", p.rtsp() ? "RTSP" : "HTTP");
      m.put(
          "serves",
          p.origin() != null
              ? PublishingPointConfig.withoutUserInfo(p.origin())
              : p.directory() != null ? p.directory().toString() : "(authentication only)");
      m.put(
          "plugins",
          p.plugins().isEmpty()
              ? plugins.offeredAuthenticationPlugins().stream().map(PluginView::id).toList()
              : p.plugins());
      m.put("ownPluginList", !p.plugins().isEmpty());
      m.put(
          "acl",
          pc == null || pc.acl().isEmpty()
              ? List.of(
                  Map.of("type", "allow", "principal", "Everyone", "rights", List.of("read")),
                  Map.of(
                      "type",
                      "allow",
                      "principal",
                      "Administrators",
                      "rights",
                      List.of("read", "write", "create")))
              : pc.acl().stream()
                  .map(
                      a ->
                          Map.<String, Object>of(
                              "type",
                              a.deny() ? "deny" : "allow",
                              "principal",
                              a.principal(),
                              "rights",
                              a.rights().stream().sorted().toList()))
                  .toList());
      m.put("ipAllow", pc == null ? List.of() : pc.ipAllow());
      m.put("ipDeny", pc == null ? List.of() : pc.ipDeny());
      if (token != null) {
        Map<String, Object> may = new LinkedHashMap<>();
        for (Right right : Right.values()) {
          may.put(right.name().toLowerCase(Locale.ROOT), p.acl().permits(token, right));
        }
        m.put("access", may);
      }
      out.add(m);
    }
    return out;
  }

  // ---- Accounts

  private Map<String, Object> accountPage(Call c) {
    int limit = page(c.param("limit"));
    long offset = whole(c, "offset");
    String q = c.param("q");
    List<UserView> all = accounts.users();
    List<UserView> matching =
        q == null
            ? all
            : all.stream()
                .filter(
                    u ->
                        u.name().toLowerCase(Locale.ROOT).contains(q.toLowerCase(Locale.ROOT))
                            || u.fullName()
                                .toLowerCase(Locale.ROOT)
                                .contains(q.toLowerCase(Locale.ROOT)))
                .toList();
    List<Map<String, Object>> shown = new ArrayList<>();
    for (int i = (int) Math.min(offset, matching.size());
        i < Math.min(offset + limit, matching.size());
        i++) {
      shown.add(user(matching.get(i)));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("total", matching.size());
    out.put("offset", offset);
    out.put("accounts", shown);
    return out;
  }

  /** An account as the pane shows it: never a password, hash or secret (UserView has none). */
  private static Map<String, Object> user(UserView u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", u.name());
    m.put("qualifiedName", u.qualifiedName());
    m.put("fullName", u.fullName());
    m.put("sid", u.sid().value());
    m.put("groups", u.groups());
    m.put("disabled", u.disabled());
    m.put("passwordSet", u.passwordSet());
    m.put("passwordChanged", u.passwordChanged() == null ? "" : u.passwordChanged().toString());
    m.put("builtin", u.builtin());
    return m;
  }

  private Reply addAccount(Call c) throws IOException {
    JsonNode body = body(c);
    String name = text(body, "name");
    if (name == null || name.isBlank()) {
      throw new BadRequest("give the new account's \"name\"");
    }
    String fullName = text(body, "fullName");
    List<String> groups = new ArrayList<>();
    JsonNode g = body.get("groups");
    if (g != null && g.isArray()) {
      g.forEach(x -> groups.add(x.asText()));
    }
    char[] password = password(body);
    UserView added =
        accounts.addUser(name.strip(), fullName == null ? "" : fullName, groups, password);
    java.util.Arrays.fill(password, '\0');
    audit(
        c,
        "added account "
            + added.qualifiedName()
            + (groups.isEmpty() ? "" : " in " + String.join(", ", groups)));
    return Reply.json(201, user(added));
  }

  private Reply accountAction(Call c, String name, String what) throws IOException {
    switch (what) {
      case "enable" -> accounts.enable(name);
      case "disable" -> accounts.disable(name);
      default -> {
        char[] password = password(body(c));
        accounts.setPassword(name, password);
        java.util.Arrays.fill(password, '\0');
      }
    }
    if (!what.equals("enable")) {
      // A session opened with the old password (or by the account now disabled) ends.
      accounts.user(name).ifPresent(u -> sessions.closeAll(u.qualifiedName()));
    }
    audit(
        c,
        (what.equals("password") ? "reset the password of" : what + "d")
            + " account '"
            + name
            + "'");
    return Reply.ok(user(accounts.user(name).orElseThrow()));
  }

  private Reply membership(Call c, String user, String group, boolean add) throws IOException {
    boolean changed = add ? accounts.addMember(group, user) : accounts.removeMember(group, user);
    audit(
        c,
        (add ? "added account '" + user + "' to" : "removed account '" + user + "' from")
            + " group '"
            + group
            + "'"
            + (changed ? "" : " (no change: it already was" + (add ? "" : " not") + " a member)"));
    return Reply.ok(user(accounts.user(user).orElseThrow()));
  }

  private static char[] password(JsonNode body) {
    JsonNode p = body.get("password");
    if (p == null || !p.isTextual() || p.asText().isEmpty()) {
      throw new BadRequest("give the \"password\", a non-empty string");
    }
    return p.asText().toCharArray();
  }

  // ---- Helpers

  private static JsonNode body(Call c) {
    try {
      JsonNode node = JSON.readTree(c.body() == null || c.body().isBlank() ? "{}" : c.body());
      if (node == null || !node.isObject()) {
        throw new BadRequest("the body is a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadRequest("the body is not JSON: " + e.getOriginalMessage());
    }
  }

  private static String text(JsonNode body, String name) {
    JsonNode v = body.get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String by(Call c) {
    return "administrator " + c.operator().account() + " (web console, from " + c.client() + ")";
  }

  /** Every change: an audit event naming the administrator. */
  private void audit(Call c, String what) {
    events.audit(
        EventLevel.INFORMATION,
        HResult.S_OK,
        "console: " + c.operator().account() + " " + what + " (from " + c.client() + ")");
  }

  /** A request the operator's page got wrong: 400 with what is expected. */
  static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }
}
