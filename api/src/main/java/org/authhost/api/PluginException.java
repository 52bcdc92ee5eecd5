package org.authhost.api;

/**
 * An exception that carries an {@link HResult}, for plug-in code that would rather throw than
 * return a failure code.
 *
 * <p>COM counterpart: {@code COMException} in managed WMS plug-ins, whose {@code ErrorCode} the
 * server treats exactly like a returned HRESULT. The host does the same: throwing {@code new
 * PluginException(HResult.NS_E_PLUGIN_ERROR_REPORTED, ...)} is equivalent to returning that code.
 * Any other exception becomes a generic failure code chosen by the host.
 */
public class PluginException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient HResult hresult;

  /**
   * @param hresult the failure code; must be a failure
   * @param message detail for the operator
   */
  public PluginException(HResult hresult, String message) {
    super(message);
    if (hresult == null || hresult.succeeded()) {
      throw new IllegalArgumentException("PluginException needs a failure HResult, got " + hresult);
    }
    this.hresult = hresult;
  }

  /** The failure code the host records, as if the method had returned it. */
  public HResult hresult() {
    return hresult;
  }
}
