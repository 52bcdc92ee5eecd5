package org.authhost.api;

/**
 * An out-parameter (or in/out parameter): where a plug-in method puts the value it returns while
 * its return value stays the {@link HResult}.
 *
 * <p>COM counterpart: the {@code [out]} / {@code [in, out]} pointer of an IDL method, such as
 * {@code BSTR *pbstrPackageName} or {@code long *plHeartbeatPeriod}. Like a COM out-pointer it
 * holds nothing useful when the method failed; the host reads it only after a success.
 *
 * <p>The host never passes {@code null} for an {@code Out} parameter: a plug-in need not check (and
 * should not answer {@code E_POINTER} for a case that cannot happen).
 *
 * @param <T> the type of the value
 */
public final class Out<T> {
  private T value;
  private boolean set;

  /** An empty out-parameter. */
  public Out() {}

  /** An in/out parameter that starts with {@code initial}. */
  public Out(T initial) {
    this.value = initial;
  }

  /** Stores the value, as {@code *p = value} does. */
  public void set(T value) {
    this.value = value;
    this.set = true;
  }

  /** The value last stored, or the initial value; {@code null} when there is neither. */
  public T get() {
    return value;
  }

  /** Whether the callee stored a value through {@link #set}. */
  public boolean isSet() {
    return set;
  }

  @Override
  public String toString() {
    return "Out[" + value + "]";
  }
}
