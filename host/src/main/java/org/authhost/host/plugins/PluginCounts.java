package org.authhost.host.plugins;

/**
 * What a start made of the plug-in folder, for the summary line: a refused file is not a plug-in,
 * so it is counted apart (a folder with one bad JAR read "5 plug-ins loaded" when its four problems
 * were counted as plug-ins).
 *
 * @param loaded plug-ins whose class was loaded and instantiated
 * @param enabled of those, the ones enabled now
 * @param refused files (JARs, or plug-ins host.json names but no JAR declares) that could not be
 *     loaded, however many problems each had
 * @param problems the problems found in the refused files, one event each
 */
public record PluginCounts(int loaded, int enabled, int refused, int problems) {
  /** {@code 2 plug-in(s) loaded (1 enabled), 1 file(s) refused (3 problems)}. */
  public String describe() {
    return loaded
        + " plug-in(s) loaded ("
        + enabled
        + " enabled), "
        + refused
        + " file(s) refused"
        + (refused == 0 ? "" : " (" + problems + " problem(s), see the events)");
  }
}
