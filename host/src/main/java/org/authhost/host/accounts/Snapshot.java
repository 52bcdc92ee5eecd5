package org.authhost.host.accounts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.authhost.api.Sid;
import org.authhost.host.accounts.AccountFile.Stamp;
import org.authhost.host.accounts.StoreFile.Data;
import org.authhost.host.accounts.StoreFile.GroupData;
import org.authhost.host.accounts.StoreFile.UserData;
import org.authhost.host.tokens.Account;

/** One consistent state of the account store's file, indexed; never changed once built. */
final class Snapshot {
  final Data data;
  final Sid machineSid;
  final Map<String, UserData> users = new LinkedHashMap<>();
  final Map<String, GroupData> groups = new LinkedHashMap<>();

  /** Accounts as the token service sees them, built once per snapshot (it never changes). */
  final Map<Integer, Account> accounts = new ConcurrentHashMap<>();

  final Stamp stamp;
  final byte[] sha256;

  Snapshot(Data data, Stamp stamp, byte[] sha256) {
    this.data = data;
    this.machineSid = new Sid(data.machineSid);
    this.stamp = stamp;
    this.sha256 = sha256;
    for (UserData u : data.users) {
      users.put(AccountNames.key(u.name), u);
    }
    for (GroupData g : data.groups) {
      groups.put(AccountNames.key(g.name), g);
    }
  }

  Snapshot withStamp(Stamp newStamp) {
    return new Snapshot(data, newStamp, sha256);
  }
}
