package org.authhost.host.tokens;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.authhost.api.Sid;
import org.junit.jupiter.api.Test;

/** Which SID is the built-in Administrator's, whom no account lockout may lock out. */
class AccountTest {
  @Test
  void onlyAMachineAccountWithRid500IsTheBuiltinAdministrator() {
    assertTrue(
        Account.isBuiltinAdministrator(new Sid("S-1-5-21-1004336348-1177238915-682003330-500")));
    assertFalse(
        Account.isBuiltinAdministrator(new Sid("S-1-5-21-1004336348-1177238915-682003330-1500")));
    assertFalse(
        Account.isBuiltinAdministrator(new Sid("S-1-5-21-1004336348-1177238915-682003330-0500")));
    assertFalse(
        Account.isBuiltinAdministrator(new Sid("S-1-5-21-1004336348-1177238915-682003330-1001")));
    assertFalse(
        Account.isBuiltinAdministrator(new Sid("S-1-5-21-1-2-500")), "too few machine numbers");
    assertFalse(Account.isBuiltinAdministrator(new Sid("S-1-5-32-500")), "not a machine account");
    assertFalse(Account.isBuiltinAdministrator(new Sid("S-1-5-21-1-2-3-4-500")), "a derived SID");
  }
}
