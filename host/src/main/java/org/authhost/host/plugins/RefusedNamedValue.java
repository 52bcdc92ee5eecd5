package org.authhost.host.plugins;

import java.util.Map;
import org.authhost.api.NamedValueException;
import org.authhost.host.config.ConfigPlace;
import org.authhost.host.config.ConfigProblem;
import org.authhost.host.config.Misspelling;

/**
 * A named value a plug-in refused, where it is written, and the name it most likely meant: the host
 * cannot check a plug-in's settings before loading it, but once the plug-in names the value it
 * refuses, the operator is told the line to change as for any other configuration problem, and at a
 * start it is one ({@link #problem()}).
 *
 * @param pluginId the plug-in that refused it
 * @param method the call that refused it ({@code InitializePlugin})
 * @param place where the value is written in the configuration file
 * @param unknown whether the plug-in knows no setting of that name
 * @param intended the setting it most likely meant, or null
 * @param text the plug-in's own words, control characters escaped
 */
record RefusedNamedValue(
    String pluginId,
    String method,
    ConfigPlace place,
    boolean unknown,
    String intended,
    String text) {

  /**
   * What {@code thrown} refuses, or null when it names no value or the value is not in the file
   * (set through the console).
   */
  static RefusedNamedValue of(
      String pluginId, String method, Throwable thrown, Map<String, ConfigPlace> places) {
    if (!(thrown instanceof NamedValueException refused)) {
      return null;
    }
    ConfigPlace place = places.get(refused.name());
    if (place == null) {
      return null;
    }
    boolean unknown = !refused.settings().isEmpty() && !refused.settings().contains(refused.name());
    return new RefusedNamedValue(
        pluginId,
        method,
        place,
        unknown,
        unknown ? Misspelling.intended(refused.name(), refused.settings()) : null,
        ThrowableText.message(thrown));
  }

  /** {@code "; it is at /conf/host.json:94:5, did you mean \"algorithms\"?"}, for the event. */
  String hint() {
    return "; it is at " + place + (intended == null ? "" : ", did you mean \"" + intended + "\"?");
  }

  /**
   * The configuration problem it is at a start, in the form of every other: {@code
   * /conf/host.json:94:5: [config/unknown-key] plugins.settings.digest.properties.algoritms:
   * plug-in 'digest' refused it in InitializePlugin: ... (did you mean "algorithms"?)}.
   */
  ConfigProblem problem() {
    return place.problem(
        unknown ? ConfigProblem.UNKNOWN_KEY : ConfigProblem.BAD_VALUE,
        "plug-in '"
            + pluginId
            + "' refused it in "
            + method
            + ": "
            + text
            + (intended == null ? "" : " (did you mean \"" + intended + "\"?)"));
  }
}
