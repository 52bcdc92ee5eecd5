package org.authhost.host.accounts;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A separate writer process for the two-process test: opens the store, says "ready" on standard
 * output, waits for a line on standard input, then adds N users named PREFIX0..PREFIXn-1.
 */
public final class ConcurrentWriters {
  private ConcurrentWriters() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    AccountStore store =
        new AccountStore(
            file, "authhost", file.getParent(), List.of("AuthHost"), Clock.systemUTC());
    // Both processes begin together, once both JVMs are up: the test answers when both are ready.
    System.out.println("ready");
    System.out.flush();
    if (new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine()
        == null) {
      throw new IllegalStateException("the test went away before saying go");
    }
    for (int i = 0; i < count; i++) {
      store.addUser(prefix + i, "", List.of(), null);
    }
  }
}
