package org.authhost.api;

import java.util.List;

/**
 * A plug-in refuses one of its named values: {@link HResult#E_INVALIDARG} that says which value and
 * which names the plug-in knows, so the host can point the operator at the line of its
 * configuration that sets it and suggest the intended name when the one written is misspelt.
 *
 * <p>COM counterpart: an {@code E_INVALIDARG} returned from {@code InitializePlugin} after reading
 * {@code IWMSNamedValues}; WMS leaves the operator to find the bad value, the host names its place.
 * Throwing a plain {@link PluginException} with {@code E_INVALIDARG} still works; the event then
 * carries only the plug-in's message.
 */
public class NamedValueException extends PluginException {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final List<String> settings;

  /**
   * @param name the named value refused, as the operator wrote it
   * @param settings the names the plug-in knows (for "did you mean"); empty if it has no fixed list
   * @param message what is wrong and what to write instead
   */
  public NamedValueException(String name, List<String> settings, String message) {
    super(HResult.E_INVALIDARG, message);
    this.name = name;
    this.settings = List.copyOf(settings);
  }

  /** The named value refused. */
  public String name() {
    return name;
  }

  /** The names the plug-in knows, in its own order. */
  public List<String> settings() {
    return settings;
  }
}
