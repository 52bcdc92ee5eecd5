package org.authhost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HResultTest {

  /**
   * The reference table (winerror.h / nserror.h / [MS-ERREF]), independent of the implementation.
   */
  private static Map<HResult, Integer> referenceTable() {
    Map<HResult, Integer> t = new LinkedHashMap<>();
    t.put(HResult.S_OK, 0x00000000);
    t.put(HResult.S_FALSE, 0x00000001);
    t.put(HResult.E_NOTIMPL, 0x80004001);
    t.put(HResult.E_NOINTERFACE, 0x80004002);
    t.put(HResult.E_POINTER, 0x80004003);
    t.put(HResult.E_ABORT, 0x80004004);
    t.put(HResult.E_FAIL, 0x80004005);
    t.put(HResult.E_UNEXPECTED, 0x8000FFFF);
    t.put(HResult.E_ACCESSDENIED, 0x80070005);
    t.put(HResult.E_HANDLE, 0x80070006);
    t.put(HResult.E_OUTOFMEMORY, 0x8007000E);
    t.put(HResult.E_INVALIDARG, 0x80070057);
    t.put(HResult.E_LOGON_FAILURE, 0x8007052E);
    t.put(HResult.NS_E_PLUGIN_ERROR_REPORTED, 0xC00D157D);
    t.put(HResult.NS_E_CRITICAL_ERROR, 0xC00D151C);
    t.put(HResult.NS_E_NO_NEW_CONNECTIONS, 0xC00D151D);
    t.put(HResult.NS_E_SERVER_ACCESSDENIED, 0xC00D2EFB);
    t.put(HResult.SEC_E_INVALID_HANDLE, 0x80090301);
    t.put(HResult.SEC_E_INVALID_TOKEN, 0x80090308);
    t.put(HResult.SEC_E_NO_IMPERSONATION, 0x8009030B);
    t.put(HResult.SEC_E_LOGON_DENIED, 0x8009030C);
    t.put(HResult.SEC_E_CONTEXT_EXPIRED, 0x80090317);
    t.put(HResult.SEC_I_CONTINUE_NEEDED, 0x00090312);
    return t;
  }

  @Test
  void everyConstantHasItsDocumentedValue() {
    // Looked up one by one so that two constants with the same wrong value cannot hide each other.
    assertEquals(0x00000000, HResult.S_OK.value(), "S_OK");
    assertEquals(0x00000001, HResult.S_FALSE.value(), "S_FALSE");
    assertEquals(0x80004001, HResult.E_NOTIMPL.value(), "E_NOTIMPL");
    assertEquals(0x80004002, HResult.E_NOINTERFACE.value(), "E_NOINTERFACE");
    assertEquals(0x80004003, HResult.E_POINTER.value(), "E_POINTER");
    assertEquals(0x80004004, HResult.E_ABORT.value(), "E_ABORT");
    assertEquals(0x80004005, HResult.E_FAIL.value(), "E_FAIL");
    assertEquals(0x8000FFFF, HResult.E_UNEXPECTED.value(), "E_UNEXPECTED");
    assertEquals(0x80070005, HResult.E_ACCESSDENIED.value(), "E_ACCESSDENIED");
    assertEquals(0x80070006, HResult.E_HANDLE.value(), "E_HANDLE");
    assertEquals(0x8007000E, HResult.E_OUTOFMEMORY.value(), "E_OUTOFMEMORY");
    assertEquals(0x80070057, HResult.E_INVALIDARG.value(), "E_INVALIDARG");
    assertEquals(0x8007052E, HResult.E_LOGON_FAILURE.value(), "E_LOGON_FAILURE");
    assertEquals(
        0xC00D157D, HResult.NS_E_PLUGIN_ERROR_REPORTED.value(), "NS_E_PLUGIN_ERROR_REPORTED");
    assertEquals(0xC00D151C, HResult.NS_E_CRITICAL_ERROR.value(), "NS_E_CRITICAL_ERROR");
    assertEquals(0xC00D151D, HResult.NS_E_NO_NEW_CONNECTIONS.value(), "NS_E_NO_NEW_CONNECTIONS");
    assertEquals(0xC00D2EFB, HResult.NS_E_SERVER_ACCESSDENIED.value(), "NS_E_SERVER_ACCESSDENIED");
    assertEquals(0x80090301, HResult.SEC_E_INVALID_HANDLE.value(), "SEC_E_INVALID_HANDLE");
    assertEquals(0x80090308, HResult.SEC_E_INVALID_TOKEN.value(), "SEC_E_INVALID_TOKEN");
    assertEquals(0x8009030B, HResult.SEC_E_NO_IMPERSONATION.value(), "SEC_E_NO_IMPERSONATION");
    assertEquals(0x8009030C, HResult.SEC_E_LOGON_DENIED.value(), "SEC_E_LOGON_DENIED");
    assertEquals(0x80090317, HResult.SEC_E_CONTEXT_EXPIRED.value(), "SEC_E_CONTEXT_EXPIRED");
    assertEquals(0x00090312, HResult.SEC_I_CONTINUE_NEEDED.value(), "SEC_I_CONTINUE_NEEDED");
  }

  @Test
  void succeededAndFailedFollowTheSignBitForEveryConstant() {
    referenceTable()
        .forEach(
            (hr, value) -> {
              boolean expectSuccess = (value & 0x80000000) == 0;
              assertEquals(expectSuccess, hr.succeeded(), hr + " succeeded()");
              assertEquals(!expectSuccess, hr.failed(), hr + " failed()");
            });
  }

  @Test
  void sFalseAndContinueNeededAreSuccesses() {
    assertTrue(HResult.S_FALSE.succeeded());
    assertFalse(HResult.S_FALSE.failed());
    assertTrue(HResult.SEC_I_CONTINUE_NEEDED.succeeded());
    assertFalse(HResult.SEC_I_CONTINUE_NEEDED.failed());
  }

  @Test
  void mediaServicesCodeWithReservedBitIsAFailure() {
    HResult hr = HResult.of(0xC00D157D);
    assertTrue(hr.failed());
    assertFalse(hr.succeeded());
  }

  @Test
  void fieldsOfAMediaServicesCode() {
    HResult hr = HResult.of(0xC00D157D);
    assertEquals(1, hr.severity());
    assertEquals(0xD, hr.facility());
    assertEquals(5501, hr.code());
    assertEquals(0x157D, hr.code());
  }

  @Test
  void fieldsOfSecurityAndWin32Codes() {
    assertEquals(1, HResult.SEC_E_INVALID_HANDLE.severity());
    assertEquals(9, HResult.SEC_E_INVALID_HANDLE.facility());
    assertEquals(0x0301, HResult.SEC_E_INVALID_HANDLE.code());

    assertEquals(1, HResult.E_ACCESSDENIED.severity());
    assertEquals(7, HResult.E_ACCESSDENIED.facility());
    assertEquals(5, HResult.E_ACCESSDENIED.code());
  }

  @Test
  void fieldsOfSuccessCodes() {
    assertEquals(0, HResult.S_OK.severity());
    assertEquals(0, HResult.S_FALSE.severity());
    assertEquals(1, HResult.S_FALSE.code());
    assertEquals(0, HResult.SEC_I_CONTINUE_NEEDED.severity());
    assertEquals(9, HResult.SEC_I_CONTINUE_NEEDED.facility());
    assertEquals(0x0312, HResult.SEC_I_CONTINUE_NEEDED.code());
  }

  @Test
  void facilityIgnoresTheReservedAndCustomerBits() {
    // Bits 30..27 (R, C, N, X) are not part of the 11-bit facility (bits 26..16).
    HResult onlyRcnx = HResult.of(0x78000001); // bits 30..27 set, facility 0
    assertEquals(0, onlyRcnx.facility());
    assertEquals(1, onlyRcnx.code());
    assertEquals(0, onlyRcnx.severity());
    HResult all = HResult.of(0xFFFF0001); // every facility bit set as well
    assertEquals(0x7FF, all.facility());
    assertEquals(1, all.severity());
  }

  @Test
  void fromWin32WrapsInFacilityWin32() {
    assertEquals(0x8007052E, HResult.fromWin32(1326).value());
    assertEquals(HResult.E_LOGON_FAILURE, HResult.fromWin32(1326));
    assertEquals(HResult.E_ACCESSDENIED, HResult.fromWin32(5));
    assertEquals(HResult.E_INVALIDARG, HResult.fromWin32(87));
  }

  @Test
  void fromWin32OfZeroIsSuccess() {
    assertEquals(HResult.S_OK, HResult.fromWin32(0));
    assertTrue(HResult.fromWin32(0).succeeded());
  }

  @Test
  void toStringOfNamedValueIsHexAndName() {
    assertEquals(
        "0xC00D157D NS_E_PLUGIN_ERROR_REPORTED", HResult.NS_E_PLUGIN_ERROR_REPORTED.toString());
    assertEquals("0xC00D157D NS_E_PLUGIN_ERROR_REPORTED", HResult.of(0xC00D157D).toString());
    assertEquals("0x80090301 SEC_E_INVALID_HANDLE", HResult.SEC_E_INVALID_HANDLE.toString());
  }

  @Test
  void toStringOfUnnamedValueIsJustHex() {
    assertEquals("0x80001234", HResult.of(0x80001234).toString());
    assertEquals(Optional.empty(), HResult.of(0x80001234).name());
  }

  @Test
  void equalValuesAreEqual() {
    assertEquals(HResult.E_FAIL, HResult.of(0x80004005));
    assertEquals(HResult.E_FAIL.hashCode(), new HResult(0x80004005).hashCode());
  }

  @Test
  void parseHex() {
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, HResult.parse("0xC00D157D"));
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, HResult.parse("0xc00d157d"));
    assertEquals(HResult.of(0x80001234), HResult.parse("0x80001234"));
    assertEquals(HResult.S_FALSE, HResult.parse("0x00000001"));
  }

  @Test
  void parseSignedDecimal() {
    // 0xC00D157D as a signed 32-bit int: 0xC00D157D - 2^32
    long expected = 0xC00D157DL - (1L << 32);
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, HResult.parse(Long.toString(expected)));
    assertEquals(HResult.S_FALSE, HResult.parse("1"));
    assertEquals(HResult.S_OK, HResult.parse("0"));
  }

  @Test
  void parseName() {
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, HResult.parse("NS_E_PLUGIN_ERROR_REPORTED"));
    assertEquals(HResult.E_FAIL, HResult.parse("E_FAIL"));
    assertEquals(HResult.SEC_I_CONTINUE_NEEDED, HResult.parse("SEC_I_CONTINUE_NEEDED"));
  }

  @Test
  void parseRoundTripsToStringHexAndNameOfEveryConstant() {
    for (HResult hr : referenceTable().keySet()) {
      assertEquals(hr, HResult.parse(hr.toString()), "toString of " + hr);
      assertEquals(hr, HResult.parse(hr.hex()), "hex of " + hr);
      assertEquals(hr, HResult.parse(Integer.toString(hr.value())), "decimal of " + hr);
      hr.name().ifPresent(n -> assertEquals(hr, HResult.parse(n), "name of " + hr));
    }
    HResult unnamed = HResult.of(0x80001234);
    assertEquals(unnamed, HResult.parse(unnamed.toString()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "0xZZZ", "E_NOT_A_THING", "12abc", ""})
  void parseOfGarbageThrowsNamingTheText(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HResult.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @Test
  void parseAcceptsTheJavaConstantNameAsWellAsTheDisplayName() {
    assertEquals(0x8007052E, HResult.parse("E_LOGON_FAILURE").value());
    assertEquals(0x8007052E, HResult.parse("HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE)").value());
  }
}
