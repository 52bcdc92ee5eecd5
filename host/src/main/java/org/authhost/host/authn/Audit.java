package org.authhost.host.authn;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.access.LogonThrottle;
import org.authhost.host.config.HostConfig;
import org.authhost.host.diagnostics.AuditFloods;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.metrics.HostMetrics;
import org.authhost.host.time.Scheduler;

/**
 * The audit trail of client access, in the event log under source {@code audit} (never on the
 * troubleshooting list, see {@link HostEvents#audit}), each record naming the client address,
 * account, protocol, publishing point and plug-in. Levels: logon successes and the client's own
 * mistakes (400, 401, 404, 414, 431, 505) are INFORMATION; logon failures, lockouts and refusals of
 * access (403, 429) or of service (5xx) are WARNING. Logon failures, refusals and anonymous logons
 * are summarised per kind and client address (an IPv6 client by its /64, {@link AuditFloods}), so
 * that a flood writes two records, not one per request; logons with an account are written in full,
 * once per connection; lockouts are always written in full.
 */
@Singleton
public final class Audit {
  public static final String SOURCE = HostEvents.AUDIT;

  private final HostEvents events;
  private final AuditFloods floods;
  private final UrlCredentials urlCredentials;
  private final HostMetrics metrics;
  private final Scheduler scheduler;

  /** The window a lockout's failures were counted in ({@code security.lockout.windowSeconds}). */
  private final long lockoutWindowSeconds;

  /** The thread that writes summaries when their window ends; null while no front runs. */
  private volatile Executor summaryWriter;

  @Inject
  public Audit(
      HostEvents events,
      Clock clock,
      HostConfig config,
      UrlCredentials urlCredentials,
      HostMetrics metrics,
      Scheduler scheduler) {
    this.events = events;
    this.scheduler = scheduler;
    this.lockoutWindowSeconds = config.security().lockout().windowSeconds();
    this.metrics = metrics;
    this.urlCredentials = urlCredentials;
    this.floods =
        new AuditFloods(
            events::audit,
            clock,
            Duration.ofSeconds(config.eventLog().auditSummarySeconds()),
            AuditFloods.DEFAULT_MAX_KEYS,
            AuditFloods.DEFAULT_FULL_RECORDS,
            this::atWindowEnd);
    // Plug-in events about clients are summarised as the audit is, by the same timer.
    events.endWindowsWith(this::atWindowEnd);
  }

  /**
   * Where summaries are written when their window ends (the HTTP front's summary thread, while it
   * runs; null when it stops): not the scheduler's thread, which never writes to the log.
   */
  public void writeSummariesOn(Executor writer) {
    summaryWriter = writer;
  }

  private void atWindowEnd(Duration delay, Runnable writeSummaries) {
    if (summaryWriter == null) {
      return; // no front runs: its stop wrote what was counted, and nothing is audited now
    }
    try {
      scheduler.schedule(
          () -> {
            Executor writer = summaryWriter;
            if (writer == null) {
              return;
            }
            try {
              writer.execute(writeSummaries);
            } catch (RejectedExecutionException stopping) {
              // The front is stopping: its stop writes what is still counted.
            }
          },
          delay);
    } catch (IllegalStateException stopped) {
      // The scheduler stopped with the host: the front's stop writes what is still counted.
    }
  }

  /**
   * The summaries of floods whose window is over; the HTTP front runs it once per window (the
   * window's own timer wrote most of them already).
   */
  public void flush() {
    floods.flush();
    events.flushClientEvents();
  }

  /** The summaries of every flood still counted; when the HTTP front stops. */
  public void close() {
    floods.close();
    events.closeClientEvents();
  }

  /** How often a flood gets a summary; zero when every record is written in full. */
  public Duration floodWindow() {
    return floods.window();
  }

  public void logonSucceeded(Request r, String account, String plugin, String protocol) {
    logonSucceeded(r, account, plugin, protocol, null, List.of());
  }

  /**
   * A logon with what the record adds for its reader: the logical user id when it is not the
   * account's name (a principal's display name, API 1.3: shown, never used to decide), and the
   * group names a principal's proof gave that are no local group (they granted nothing; a typo in
   * the plug-in's group mapping shows here).
   */
  public void logonSucceeded(
      Request r,
      String account,
      String plugin,
      String protocol,
      String logicalUserId,
      List<String> unmappedGroups) {
    StringBuilder text = new StringBuilder(succeeded(r, account, plugin, protocol));
    if (logicalUserId != null && !logicalUserId.equals(account)) {
      text.append(" user=").append(quoted(logicalUserId));
    }
    if (!unmappedGroups.isEmpty()) {
      text.append(" unmappedGroups=").append(quoted(String.join(",", unmappedGroups)));
    }
    events.audit(EventLevel.INFORMATION, HResult.S_OK, text.toString());
  }

  /**
   * An anonymous logon: one per new connection, which any client can open without end, so it is
   * summarised per client address as a flood is.
   */
  public void anonymousLogonSucceeded(Request r, String account, String plugin, String protocol) {
    floods.record(
        // Per plug-in and point: a flood is one client reconnecting to the same content.
        "anonymous logon succeeded plugin="
            + plugin
            + " point="
            + (r.point() == null ? "-" : r.point().name()),
        r.clientAddress(),
        EventLevel.INFORMATION,
        HResult.S_OK,
        succeeded(r, account, plugin, protocol));
  }

  private String succeeded(Request r, String account, String plugin, String protocol) {
    return "logon succeeded: "
        + describe(r)
        + " account="
        + quoted(account)
        + " protocol="
        + protocol
        + " plugin="
        + plugin;
  }

  public void logonFailed(
      Request r, String account, String plugin, String protocol, HResult why, String reason) {
    floods.record(
        "logon failed",
        r.clientAddress(),
        EventLevel.WARNING,
        why,
        "logon failed: "
            + describe(r)
            + " account="
            + quoted(account)
            + " protocol="
            + protocol
            + " plugin="
            + plugin
            + " reason="
            + reason,
        new AuditFloods.Facets(reason, account, pointName(r), protocol));
  }

  /**
   * A value the client chose, quoted with its quotes and backslashes escaped and control characters
   * replaced, so that it cannot pose as another field of the record.
   */
  public static String quoted(String value) {
    if (value == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length() && i < 256; i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else {
        b.append(Character.isISOControl(c) ? '?' : c);
      }
    }
    return b.append('"').toString();
  }

  /** A refusal, with the status it is answered with; see {@code HttpAnswers}. */
  public void refused(Request r, Refusal refusal) {
    refused(r, refusal, refusal.kind().code);
  }

  /** A refusal answered with {@code status}, which a streaming server's contract decides. */
  public void refused(Request r, Refusal refusal, int status) {
    String kind = "refused " + status;
    Refusal.Lock lock = refusal.lock();
    floods.record(
        kind,
        r.clientAddress(),
        level(refusal.kind()),
        refusal.why(),
        kind + ": " + describe(r) + named(lock) + " reason=" + refusal.reason(),
        lock == null
            ? AuditFloods.Facets.reason(refusal.reason())
            : new AuditFloods.Facets(refusal.reason(), lock.account(), pointName(r), null));
  }

  /**
   * What a lockout's refusal must name, as its lockout record does: what the operator would unlock,
   * the account (spelt as every record spells it, so that one search finds its whole story) or the
   * address. Nothing for any other refusal.
   */
  private static String named(Refusal.Lock lock) {
    if (lock == null) {
      return "";
    }
    return lock.ofAccount()
        ? " account=" + quoted(lock.account()) + " lock=account"
        : " lock=address";
  }

  /**
   * The level of a refusal's record: the client's own mistakes are INFORMATION (a 404 is not a
   * security warning, nor is the first leg of a challenge); refusals of access or service are
   * WARNING.
   */
  public static EventLevel level(Refusal.Kind kind) {
    return switch (kind) {
      case BAD_REQUEST,
          LOG_ON,
          NOT_FOUND,
          PAYLOAD_TOO_LARGE,
          URI_TOO_LONG,
          HEADERS_TOO_LARGE,
          VERSION_NOT_SUPPORTED ->
          EventLevel.INFORMATION;
      case FORBIDDEN, TOO_MANY, UNAVAILABLE, BAD_GATEWAY, GATEWAY_TIMEOUT -> EventLevel.WARNING;
    };
  }

  /**
   * A lockout that has just begun, always written in full (never folded into a summary): the
   * operator must see which account or address was locked to unlock it. The lockout rules bound
   * them already: an account locks once per lockout after its threshold of failures, and one
   * address can have failures counted under at most {@code security.lockout.namesPerAddress} names,
   * so it cannot invent a name per attempt to lock one account after another.
   *
   * <p>An account is named as every other record names it, {@code account="AUTHHOST\\alice"} (a
   * name that is no account as the client wrote it), quoted as the client chose it: one search for
   * the account finds its failed logons, its lockout and its logons; an address as the lockouts
   * list shows it ({@code ip:ADDR}). The record says how many failures began it, in what window,
   * and the last one's request, protocol and plug-in.
   *
   * @param account the account the last failure was for, as the audit shows it; null for none
   */
  public void lockedOut(
      Request r, LogonThrottle.Lockout lockout, String account, String protocol, String plugin) {
    metrics.lockedOut(!lockout.ofAccount());
    events.audit(
        EventLevel.WARNING,
        HResult.E_ACCESSDENIED,
        "lockout: "
            + (lockout.ofAccount() ? "account=" + quoted(account) : lockout.key())
            + " refused until "
            + lockout.until()
            + " after "
            + (lockout.failures() > 0
                ? lockout.failures() + " failed logons in " + lockoutWindowSeconds + " s"
                : "repeated logon failures")
            + "; last attempt "
            + describe(r)
            + " protocol="
            + protocol
            + " plugin="
            + plugin);
  }

  private static String pointName(Request r) {
    return r.point() == null ? null : r.point().name();
  }

  /** The request as every record names it: never with a credential its URL carried. */
  private String describe(Request r) {
    return "client="
        + r.clientAddress()
        + " point="
        + (r.point() == null ? "-" : r.point().name())
        + " request=\""
        + r.method()
        + " "
        + escaped(urlCredentials.withoutCredentials(r.target()))
        + "\""
        + (r.via() == null ? "" : " via=" + r.via());
  }

  /** A quote in the target would end the field early and let the rest pose as other fields. */
  private static String escaped(String target) {
    return target.indexOf('"') < 0 && target.indexOf('\\') < 0
        ? target
        : target.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
