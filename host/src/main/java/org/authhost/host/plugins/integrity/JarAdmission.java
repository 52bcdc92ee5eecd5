package org.authhost.host.plugins.integrity;

import java.nio.file.Path;
import java.util.Optional;
import org.authhost.host.plugins.PluginProblem;

/**
 * The one question plug-in discovery asks of a JAR it found, before it reads anything else of it:
 * may it be loaded? The counterpart of the trust check WMS left to Authenticode on a plug-in's DLL.
 */
@FunctionalInterface
public interface JarAdmission {

  /** Admits every JAR: for scans that load nothing, and hosts assembled without the check. */
  JarAdmission ALL = jar -> Optional.empty();

  /** Why {@code jar} must not be loaded, or empty if it may be. */
  Optional<PluginProblem> refusal(Path jar);

  /**
   * Discovery read the descriptor of {@code jar}, which {@link #refusal} admitted: only now may the
   * admission be reported, as a file that then fails to open was not "admitted" for the operator.
   */
  default void opened(Path jar) {}
}
