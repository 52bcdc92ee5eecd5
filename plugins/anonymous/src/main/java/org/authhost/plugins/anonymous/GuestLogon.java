package org.authhost.plugins.anonymous;

import java.util.concurrent.atomic.AtomicBoolean;
import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;

/**
 * The guest account's logons as the operator sees them: when it cannot log on (it does not exist,
 * or was disabled), an event that names the account, the setting that names it and the fix; while
 * the host runs, one WARNING per episode (the first refused anonymous client after a success), not
 * one per request, and one INFORMATION when it logs on again.
 */
final class GuestLogon {
  private final String account;
  private final NamedValues values;
  private final AtomicBoolean refused = new AtomicBoolean();

  GuestLogon(String account, NamedValues values) {
    this.account = account;
    this.values = values;
  }

  /** The enable's ERROR: the plug-in stays out of service until the operator enables it again. */
  HResult enableRefused(EventLog events) {
    HResult logged =
        events.logEvent(
            values,
            EventLevel.ERROR,
            HResult.E_LOGON_FAILURE,
            cannotLogOn()
                + "; then ./authhost plugins enable "
                + values.pluginId()
                + " (the plug-in does not retry by itself)");
    return logged.succeeded() ? HResult.NS_E_PLUGIN_ERROR_REPORTED : HResult.E_LOGON_FAILURE;
  }

  /** An anonymous client was refused because the account could not log on. */
  void refused(EventLog events) {
    if (refused.compareAndSet(false, true)) {
      events.logEvent(
          values,
          EventLevel.WARNING,
          HResult.E_LOGON_FAILURE,
          cannotLogOn()
              + ". Meanwhile clients that send no credentials get 401 with the other plug-ins'"
              + " challenges; anonymous access comes back by itself once the account can log on");
    }
  }

  /** An anonymous client was let in: ends an episode of refusals. */
  void loggedOn(EventLog events) {
    // A read first: the common case (no episode) writes nothing shared per request.
    if (refused.get() && refused.compareAndSet(true, false)) {
      events.logEvent(
          values,
          EventLevel.INFORMATION,
          HResult.S_OK,
          "the guest account '" + account + "' logs on again: anonymous access is back");
    }
  }

  private String cannotLogOn() {
    String setting = setting();
    return "the guest account '"
        + account
        + "' ("
        + setting
        + ") cannot log on: it does not exist or is disabled. Fix: ./authhost accounts add "
        + account
        + " --no-password --group Guests, then ./authhost accounts groups remove-member Users "
        + account
        + " (a new account is in Users, whose rights every anonymous client would get), or"
        + " ./authhost accounts enable "
        + account
        + ", or name an existing account in "
        + setting;
  }

  /** Where the account is named: the plug-in's own property overrides the host's setting. */
  private String setting() {
    return values.get("account").isPresent()
        ? "plugins.settings." + values.pluginId() + ".properties.account"
        : "accounts.guestAccount";
  }
}
