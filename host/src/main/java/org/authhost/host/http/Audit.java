package org.authhost.host.http;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.diagnostics.HostEvents;

/**
 * The audit trail of client access, in the event log under source {@code audit}: logon successes
 * (INFORMATION), logon failures, refusals and lockouts (WARNING), each naming the client address,
 * account, protocol, publishing point and plug-in.
 */
@Singleton
final class Audit {
  static final String SOURCE = "audit";

  private final HostEvents events;

  @Inject
  Audit(HostEvents events) {
    this.events = events;
  }

  void logonSucceeded(Request r, String account, String plugin, String protocol) {
    events.host(
        EventLevel.INFORMATION,
        SOURCE,
        HResult.S_OK,
        "logon succeeded: "
            + describe(r)
            + " account="
            + quoted(account)
            + " protocol="
            + protocol
            + " plugin="
            + plugin);
  }

  void logonFailed(
      Request r, String account, String plugin, String protocol, HResult why, String reason) {
    events.host(
        EventLevel.WARNING,
        SOURCE,
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
            + reason);
  }

  /**
   * A value the client chose, quoted with its quotes and backslashes escaped and control characters
   * replaced, so that it cannot pose as another field of the record.
   */
  static String quoted(String value) {
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

  /** A refusal, with the status it is answered with; see {@link HttpAnswers}. */
  void refused(Request r, Refusal refusal) {
    events.host(
        EventLevel.WARNING,
        SOURCE,
        refusal.why(),
        "refused " + refusal.kind().code + ": " + describe(r) + " reason=" + refusal.reason());
  }

  void lockedOut(Request r, String key, Instant until) {
    events.host(
        EventLevel.WARNING,
        SOURCE,
        HResult.E_ACCESSDENIED,
        "lockout: "
            + key
            + " refused until "
            + until
            + " after repeated logon failures; last attempt "
            + describe(r));
  }

  private static String describe(Request r) {
    return "client="
        + r.clientAddress()
        + " point="
        + (r.point() == null ? "-" : r.point().name())
        + " request=\""
        + r.method()
        + " "
        + escaped(r.target())
        + "\"";
  }

  /** A quote in the target would end the field early and let the rest pose as other fields. */
  private static String escaped(String target) {
    return target.indexOf('"') < 0 && target.indexOf('\\') < 0
        ? target
        : target.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
