package org.authhost.host.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Digest and NTLM plug-ins get from the store, checked against the published vectors. */
class StoreCredentialsTest {
  @TempDir Path temp;

  private StoreCredentials credentials(List<String> realms) throws Exception {
    AccountStore store =
        new AccountStore(
            temp.resolve("var/accounts.json"),
            "authhost",
            temp.resolve("var"),
            realms,
            new MutableClock());
    store.addUser("Mufasa", null, List.of(), "Circle Of Life".toCharArray());
    store.addUser("bob", null, List.of(), "Password".toCharArray());
    return new StoreCredentials(store);
  }

  @Test
  void digestHa1MatchesRfc2617Section3_5() throws Exception {
    StoreCredentials c = credentials(List.of("testrealm@host.com"));
    Out<byte[]> ha1 = new Out<>();
    assertEquals(HResult.S_OK, c.getDigestHa1("Mufasa", "testrealm@host.com", "MD5", ha1));
    assertEquals("939e7578ed9e3c518a452acee763bce9", HexFormat.of().formatHex(ha1.get()));
    assertEquals(HResult.S_OK, c.getDigestHa1("Mufasa", "testrealm@host.com", "MD5-sess", ha1));
    assertEquals(HResult.E_INVALIDARG, c.getDigestHa1("Mufasa", "another realm", "MD5", ha1));
    assertEquals(
        HResult.E_INVALIDARG, c.getDigestHa1("Mufasa", "testrealm@host.com", "SHA-1", ha1));
    assertEquals(
        HResult.E_LOGON_FAILURE, c.getDigestHa1("nobody", "testrealm@host.com", "MD5", ha1));
  }

  @Test
  void theNtHashMatchesMsNlmpSection4_2() throws Exception {
    StoreCredentials c = credentials(List.of("AuthHost"));
    Out<byte[]> nt = new Out<>();
    assertEquals(HResult.S_OK, c.getNtHash("bob", nt));
    assertEquals("a4f49c406510bdcab6824ee7c30fd852", HexFormat.of().formatHex(nt.get()));
    assertEquals(HResult.E_LOGON_FAILURE, c.getNtHash("Guest", nt), "Guest has no password");
  }

  @Test
  void aUserhashFindsItsAccount() throws Exception {
    StoreCredentials c = credentials(List.of("api@example.org"));
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest("Mufasa:api@example.org".getBytes(StandardCharsets.UTF_8)));
    Out<String> account = new Out<>();
    assertEquals(HResult.S_OK, c.findUserByHash("api@example.org", "SHA-256", hash, account));
    assertEquals("Mufasa", account.get());
    assertEquals(
        HResult.E_LOGON_FAILURE,
        c.findUserByHash("api@example.org", "SHA-256", "00" + hash.substring(2), account));
  }

  @Test
  void theUserhashIndexFollowsChangesToTheAccounts() throws Exception {
    AccountStore store =
        new AccountStore(
            temp.resolve("var/accounts.json"),
            "authhost",
            temp.resolve("var"),
            List.of("r"),
            new MutableClock());
    StoreCredentials c = new StoreCredentials(store);
    String carol =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest("carol:r".getBytes(StandardCharsets.UTF_8)));
    Out<String> account = new Out<>();
    assertEquals(HResult.E_LOGON_FAILURE, c.findUserByHash("r", "SHA-256", carol, account));
    store.addUser("carol", null, List.of(), "pw".toCharArray());
    assertEquals(
        HResult.S_OK, c.findUserByHash("r", "SHA-256", carol, account), "a new account is found");
    store.disable("carol");
    assertEquals(
        HResult.E_LOGON_FAILURE,
        c.findUserByHash("r", "SHA-256", carol, account),
        "a disabled one is not");
  }
}
