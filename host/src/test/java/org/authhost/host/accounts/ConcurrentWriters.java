package org.authhost.host.accounts;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** A separate writer process for the two-process test: adds N users named PREFIX0..PREFIXn-1
 * from the moment START_MILLIS. */
public final class ConcurrentWriters {
  private ConcurrentWriters() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    long startAt = Long.parseLong(args[3]);
    AccountStore store = new AccountStore(file, "authhost", file.getParent(), List.of("AuthHost"), Clock.systemUTC());
    // Both processes begin at the same moment, after their JVMs started.
    Thread.sleep(Math.max(0, startAt - System.currentTimeMillis()));
    for (int i = 0; i < count; i++) {
      store.addUser(prefix + i, "", List.of(), null);
    }
  }
}
