package org.authhost.host.plugins;

import org.authhost.api.NamedValueException;
import org.authhost.host.config.ConfigPlace;
import org.authhost.host.config.ConfigProblem;
import org.authhost.host.config.Misspelling;
import org.authhost.host.config.PropertyPlaces;

/**
 * A named value a plug-in refused, where it is written, and the name it most likely meant: the host
 * cannot check a plug-in's settings before loading it, but once the plug-in names the value it
 * refuses, the operator is told the line to change as for any other configuration problem, and at a
 * start it is one ({@link #problem()}).
 *
 * @param pluginId the plug-in that refused it
 * @param method the call that refused it ({@code InitializePlugin})
 * @param place where the value is written in the configuration file, or where it belongs when the
 *     plug-in misses a setting that is not written
 * @param written whether the value is written there
 * @param unknown whether the plug-in knows no setting of that name
 * @param intended the setting it most likely meant, or null
 * @param text the plug-in's own words, control characters escaped
 */
record RefusedNamedValue(
    String pluginId,
    String method,
    ConfigPlace place,
    boolean written,
    boolean unknown,
    String intended,
    String text) {

  /**
   * What {@code thrown} refuses, or null when it names no value, or a value neither in the file nor
   * a setting the plug-in names (values set through the console have no place at all).
   */
  static RefusedNamedValue of(
      String pluginId, String method, Throwable thrown, PropertyPlaces places) {
    if (!(thrown instanceof NamedValueException refused)) {
      return null;
    }
    String name = refused.name();
    boolean written = places.isWritten(name);
    boolean known = refused.settings().contains(name);
    ConfigPlace place = written || known ? places.of(name) : null;
    if (place == null) {
      return null;
    }
    boolean unknown = !refused.settings().isEmpty() && !known;
    return new RefusedNamedValue(
        pluginId,
        method,
        place,
        written,
        unknown,
        unknown ? Misspelling.intended(name, refused.settings()) : null,
        ThrowableText.message(thrown));
  }

  /**
   * {@code "; it is at /conf/host.json:94:5, did you mean \"algorithms\"?"}, for the event; {@code
   * "; it belongs in /conf/host.json:90:21"} for a setting not written.
   */
  String hint() {
    return (written ? "; it is at " : "; it belongs in ")
        + place
        + (intended == null ? "" : ", did you mean \"" + intended + "\"?");
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
