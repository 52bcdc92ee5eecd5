package org.authhost.host.plugins;

import java.util.Map;
import org.authhost.api.NamedValueException;
import org.authhost.host.config.Misspelling;

/**
 * Where a named value a plug-in refused is written, and the name it most likely meant: the host
 * cannot check a plug-in's settings before loading it, but once the plug-in names the value it
 * refuses, the operator is told the line to change as for any other configuration problem.
 */
final class RefusedNamedValue {
  private RefusedNamedValue() {}

  /**
   * {@code "; it is at /conf/host.json:94:5, did you mean \"algorithms\"?"}, or {@code ""} when
   * {@code thrown} names no value or the value is not in the file (set through the console).
   */
  static String hint(Throwable thrown, Map<String, String> places) {
    if (!(thrown instanceof NamedValueException refused)) {
      return "";
    }
    String place = places.get(refused.name());
    if (place == null) {
      return "";
    }
    String intended =
        refused.settings().contains(refused.name())
            ? null
            : Misspelling.intended(refused.name(), refused.settings());
    return "; it is at " + place + (intended == null ? "" : ", did you mean \"" + intended + "\"?");
  }
}
