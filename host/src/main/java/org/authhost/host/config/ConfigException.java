package org.authhost.host.config;

import java.util.List;

/**
 * The configuration could not be used. It carries every problem found in one pass, so an operator
 * fixes the file once rather than once per problem; {@link #getMessage()} lists them one per line,
 * each as {@link ConfigProblem#render()} gives it.
 */
public final class ConfigException extends Exception {
  private final List<ConfigProblem> problems;

  /**
   * @param problems what is wrong, at least one, in the order they should be shown
   * @throws IllegalArgumentException if {@code problems} is empty: an exception that names no
   *     problem would leave the operator guessing
   */
  public ConfigException(List<ConfigProblem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in the order shown by {@link #getMessage()}; never empty. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    StringBuilder out = new StringBuilder();
    for (ConfigProblem problem : problems) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(problem.render());
    }
    return out.toString();
  }
}
