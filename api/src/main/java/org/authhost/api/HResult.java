package org.authhost.api;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A 32-bit COM {@code HRESULT}: the return value of every plug-in method and the code carried by
 * every event.
 *
 * <p>WMS/COM counterpart: {@code HRESULT} ({@code winerror.h}, {@code nserror.h}). The layout is
 * the one in [MS-ERREF] §2.1: bit 31 is the severity (1 = failure), bits 26–16 the facility and
 * bits 15–0 the code. {@link #succeeded()} and {@link #failed()} are the {@code SUCCEEDED} and
 * {@code FAILED} macros: they look only at the sign bit, so the Media Services codes ({@code
 * 0xC00D....}), which also set the reserved bit 30, are still failures.
 *
 * <p>Equal values are equal HResults; the named constants are just well-known values.
 *
 * @param value the raw 32-bit value, as a signed {@code int} exactly as COM stores it
 */
public record HResult(int value) {

  /** Success. */
  public static final HResult S_OK = new HResult(0x00000000);

  /** Success with a "false" or no-op outcome. Still success. */
  public static final HResult S_FALSE = new HResult(0x00000001);

  /** The method is not implemented. */
  public static final HResult E_NOTIMPL = new HResult(0x80004001);

  /** The interface is not supported ({@code QueryInterface} failed). */
  public static final HResult E_NOINTERFACE = new HResult(0x80004002);

  /** An invalid (usually null) pointer or out-parameter. */
  public static final HResult E_POINTER = new HResult(0x80004003);

  /** The operation was aborted. */
  public static final HResult E_ABORT = new HResult(0x80004004);

  /** Unspecified failure. */
  public static final HResult E_FAIL = new HResult(0x80004005);

  /** Unexpected failure: the callee is in a state it should never be in. */
  public static final HResult E_UNEXPECTED = new HResult(0x8000FFFF);

  /** General access denied. */
  public static final HResult E_ACCESSDENIED = new HResult(0x80070005);

  /** Invalid handle. */
  public static final HResult E_HANDLE = new HResult(0x80070006);

  /** Out of memory. */
  public static final HResult E_OUTOFMEMORY = new HResult(0x8007000E);

  /** One or more arguments are invalid. */
  public static final HResult E_INVALIDARG = new HResult(0x80070057);

  /** {@code HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE)}: unknown user name or bad password. */
  public static final HResult E_LOGON_FAILURE = new HResult(0x8007052E);

  /**
   * {@code HRESULT_FROM_WIN32(ERROR_TIMEOUT)}: the host's answer to a plug-in past its time limit.
   */
  public static final HResult E_TIMEOUT = new HResult(0x800705B4);

  /** {@code HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)}. */
  public static final HResult E_FILE_NOT_FOUND = new HResult(0x80070002);

  /** {@code HRESULT_FROM_WIN32(ERROR_BAD_FORMAT)}: not a valid plug-in file. */
  public static final HResult E_BAD_FORMAT = new HResult(0x8007000B);

  /**
   * {@code HRESULT_FROM_WIN32(ERROR_FILE_CORRUPT)}: a file the host keeps (an event log segment)
   * holds bytes it cannot read.
   */
  public static final HResult E_FILE_CORRUPT = new HResult(0x80070570);

  /** {@code HRESULT_FROM_WIN32(ERROR_DUP_NAME)}: the name is already taken. */
  public static final HResult E_DUP_NAME = new HResult(0x80070034);

  /** {@code HRESULT_FROM_WIN32(ERROR_REVISION_MISMATCH)}: built for another API version. */
  public static final HResult E_REVISION_MISMATCH = new HResult(0x8007051A);

  /** The plug-in's entry point is missing or not a plug-in (the CLSID of WMS). */
  public static final HResult NS_E_PLUGIN_CLSID_INVALID = new HResult(0xC00D1B76);

  /** The plug-in has already written this error through the event log; do not log it again. */
  public static final HResult NS_E_PLUGIN_ERROR_REPORTED = new HResult(0xC00D157D);

  /** The server or publishing point is in a critical error state. */
  public static final HResult NS_E_CRITICAL_ERROR = new HResult(0xC00D151C);

  /** The server is not accepting connections at present. */
  public static final HResult NS_E_NO_NEW_CONNECTIONS = new HResult(0xC00D151D);

  /** The server denies access; the user name or password may be wrong. */
  public static final HResult NS_E_SERVER_ACCESSDENIED = new HResult(0xC00D2EFB);

  /** Success, more legs needed: send the output token to the client and call again. */
  public static final HResult SEC_I_CONTINUE_NEEDED = new HResult(0x00090312);

  /** The handle is not valid (released, or never issued). */
  public static final HResult SEC_E_INVALID_HANDLE = new HResult(0x80090301);

  /** The token supplied by the client is not valid. */
  public static final HResult SEC_E_INVALID_TOKEN = new HResult(0x80090308);

  /** The client cannot be impersonated. */
  public static final HResult SEC_E_NO_IMPERSONATION = new HResult(0x8009030B);

  /** Logon failed: bad user name or password. */
  public static final HResult SEC_E_LOGON_DENIED = new HResult(0x8009030C);

  /** The context has expired or was already closed. */
  public static final HResult SEC_E_CONTEXT_EXPIRED = new HResult(0x80090317);

  /** {@code FACILITY_WIN32}. */
  public static final int FACILITY_WIN32 = 7;

  /** {@code FACILITY_SECURITY} (SSPI). */
  public static final int FACILITY_SECURITY = 9;

  /** {@code FACILITY_NS}: Windows Media Services. */
  public static final int FACILITY_MEDIASERVER = 0xD;

  private static final Map<Integer, String> NAMES =
      Stream.of(
              new Object[] {S_OK, "S_OK"},
              new Object[] {S_FALSE, "S_FALSE"},
              new Object[] {E_NOTIMPL, "E_NOTIMPL"},
              new Object[] {E_NOINTERFACE, "E_NOINTERFACE"},
              new Object[] {E_POINTER, "E_POINTER"},
              new Object[] {E_ABORT, "E_ABORT"},
              new Object[] {E_FAIL, "E_FAIL"},
              new Object[] {E_UNEXPECTED, "E_UNEXPECTED"},
              new Object[] {E_ACCESSDENIED, "E_ACCESSDENIED"},
              new Object[] {E_HANDLE, "E_HANDLE"},
              new Object[] {E_OUTOFMEMORY, "E_OUTOFMEMORY"},
              new Object[] {E_INVALIDARG, "E_INVALIDARG"},
              new Object[] {E_LOGON_FAILURE, "HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE)"},
              new Object[] {E_TIMEOUT, "HRESULT_FROM_WIN32(ERROR_TIMEOUT)"},
              new Object[] {E_FILE_NOT_FOUND, "HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)"},
              new Object[] {E_BAD_FORMAT, "HRESULT_FROM_WIN32(ERROR_BAD_FORMAT)"},
              new Object[] {E_FILE_CORRUPT, "HRESULT_FROM_WIN32(ERROR_FILE_CORRUPT)"},
              new Object[] {E_DUP_NAME, "HRESULT_FROM_WIN32(ERROR_DUP_NAME)"},
              new Object[] {E_REVISION_MISMATCH, "HRESULT_FROM_WIN32(ERROR_REVISION_MISMATCH)"},
              new Object[] {NS_E_PLUGIN_CLSID_INVALID, "NS_E_PLUGIN_CLSID_INVALID"},
              new Object[] {NS_E_PLUGIN_ERROR_REPORTED, "NS_E_PLUGIN_ERROR_REPORTED"},
              new Object[] {NS_E_CRITICAL_ERROR, "NS_E_CRITICAL_ERROR"},
              new Object[] {NS_E_NO_NEW_CONNECTIONS, "NS_E_NO_NEW_CONNECTIONS"},
              new Object[] {NS_E_SERVER_ACCESSDENIED, "NS_E_SERVER_ACCESSDENIED"},
              new Object[] {SEC_I_CONTINUE_NEEDED, "SEC_I_CONTINUE_NEEDED"},
              new Object[] {SEC_E_INVALID_HANDLE, "SEC_E_INVALID_HANDLE"},
              new Object[] {SEC_E_INVALID_TOKEN, "SEC_E_INVALID_TOKEN"},
              new Object[] {SEC_E_NO_IMPERSONATION, "SEC_E_NO_IMPERSONATION"},
              new Object[] {SEC_E_LOGON_DENIED, "SEC_E_LOGON_DENIED"},
              new Object[] {SEC_E_CONTEXT_EXPIRED, "SEC_E_CONTEXT_EXPIRED"})
          .collect(
              Collectors.toUnmodifiableMap(
                  pair -> ((HResult) pair[0]).value, pair -> (String) pair[1]));

  /** Display names and the Java constant names ({@code E_LOGON_FAILURE}) both parse. */
  private static final Map<String, HResult> BY_NAME = byName();

  private static Map<String, HResult> byName() {
    Map<String, HResult> names = new HashMap<>();
    NAMES.forEach((value, name) -> names.put(name, new HResult(value)));
    for (Field field : HResult.class.getFields()) {
      if (field.getType() == HResult.class) {
        try {
          names.put(field.getName(), (HResult) field.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return Map.copyOf(names);
  }

  /** The HResult with this raw value. */
  public static HResult of(int value) {
    return new HResult(value);
  }

  /**
   * {@code HRESULT_FROM_WIN32}: wraps a Win32 error code in facility 7; 0 and values that are
   * already HRESULTs (negative) pass through unchanged, as the macro does.
   */
  public static HResult fromWin32(int win32Error) {
    if (win32Error <= 0) {
      return new HResult(win32Error);
    }
    return new HResult((win32Error & 0xFFFF) | (FACILITY_WIN32 << 16) | 0x80000000);
  }

  /**
   * Parses what {@link #toString()} or an operator writes: a hex value ({@code 0xC00D157D}), a
   * signed decimal (e.g. {@code -1073014403}) or a constant name ({@code
   * NS_E_PLUGIN_ERROR_REPORTED}).
   *
   * @throws IllegalArgumentException naming the text when it is none of these
   */
  public static HResult parse(String text) {
    String t = text.strip();
    int space = t.indexOf(' ');
    if (space > 0) {
      t = t.substring(0, space);
    }
    HResult named = BY_NAME.get(t);
    if (named != null) {
      return named;
    }
    try {
      if (t.startsWith("0x") || t.startsWith("0X")) {
        return new HResult(Integer.parseUnsignedInt(t.substring(2), 16));
      }
      return new HResult(Integer.parseInt(t));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not an HRESULT: '"
              + text
              + "' (expected 0xXXXXXXXX, a decimal value or a name such as E_FAIL)");
    }
  }

  /** {@code SUCCEEDED(hr)}: the sign bit is clear. */
  public boolean succeeded() {
    return value >= 0;
  }

  /** {@code FAILED(hr)}: the sign bit is set. */
  public boolean failed() {
    return value < 0;
  }

  /** The severity bit S of [MS-ERREF]: 1 for a failure, 0 for success. */
  public int severity() {
    return value >>> 31;
  }

  /** The 11-bit facility (bits 26–16), e.g. 7 for Win32, 9 for SSPI, 0xD for Media Services. */
  public int facility() {
    return (value >>> 16) & 0x7FF;
  }

  /** The 16-bit code (bits 15–0). */
  public int code() {
    return value & 0xFFFF;
  }

  /** The constant name of a well-known value, if this is one. */
  public Optional<String> name() {
    return Optional.ofNullable(NAMES.get(value));
  }

  /** The value as eight hex digits with a {@code 0x} prefix, e.g. {@code 0xC00D157D}. */
  public String hex() {
    return String.format("0x%08X", value);
  }

  /** Hex and, for a well-known value, its name: {@code 0xC00D157D NS_E_PLUGIN_ERROR_REPORTED}. */
  @Override
  public String toString() {
    String name = NAMES.get(value);
    return name == null ? hex() : hex() + " " + name;
  }

  // Written out: a record's generated equals goes through a method handle, and every plug-in
  // call's result is compared with the named constants.
  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof HResult other && value == other.value);
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(value);
  }
}
