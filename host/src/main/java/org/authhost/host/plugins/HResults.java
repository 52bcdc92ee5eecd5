package org.authhost.host.plugins;

import org.authhost.api.HResult;
import org.authhost.api.PluginException;

/**
 * The code a Java exception thrown by plug-in code stands for, as the COM interop layer maps them.
 */
final class HResults {
  private HResults() {}

  /**
   * The code {@code e} stands for. An {@link InterruptedException} becomes {@link HResult#E_ABORT}
   * and the thread's interrupt flag is set again, as whoever catches one should.
   */
  static HResult of(Throwable e) {
    if (e instanceof PluginException p) {
      return p.hresult();
    }
    if (e instanceof OutOfMemoryError) {
      return HResult.E_OUTOFMEMORY;
    }
    if (e instanceof NullPointerException) {
      return HResult.E_POINTER;
    }
    if (e instanceof IllegalArgumentException) {
      return HResult.E_INVALIDARG;
    }
    if (e instanceof IllegalStateException) {
      return HResult.E_UNEXPECTED;
    }
    if (e instanceof UnsupportedOperationException) {
      return HResult.E_NOTIMPL;
    }
    if (e instanceof SecurityException) {
      return HResult.E_ACCESSDENIED;
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return HResult.E_ABORT;
    }
    if (e instanceof ClassCastException) {
      return HResult.E_NOINTERFACE;
    }
    return HResult.E_FAIL;
  }
}
