package org.authhost.host.containment;

/**
 * A class loader whose code is contained: a plug-in's. The guard finds it as the loader of a class
 * on the stack, or as an ancestor of that class's loader (a loader the plug-in made itself), and
 * tells it what it refused, so that the host reports it once, naming the plug-in.
 */
public interface ContainedLoader {
  /** The plug-in's id. */
  String pluginId();

  /**
   * The guard refused a call of this loader's code; called on the refused thread, before the
   * refusal is thrown. Must not throw.
   */
  void refused(ForbiddenCall call);
}
