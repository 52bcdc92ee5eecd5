package org.authhost.plugins.digest;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.authhost.api.CredentialService;
import org.authhost.api.HResult;
import org.authhost.api.Out;

/**
 * Not a test: the CPU time and memory one {@link DigestVerifier#verify} takes, on one thread, for
 * requests shaped like the serving benchmark's (SHA-256, {@code qop=auth}, 64 nonces each reused
 * with {@code nc} 1, 2, 3...). The headers are made before the clock starts, and the host's HA1
 * comes from memory, so what is measured is the plug-in alone. Numbers in docs/benchmarks.md.
 *
 * <p>Run: {@code ./mvnw -o -q test-compile -pl plugins/digest -am} then {@code java -cp
 * plugins/digest/target/classes:plugins/digest/target/test-classes:api/target/classes
 * org.authhost.plugins.digest.VerifyTiming [rounds=12]}.
 */
final class VerifyTiming {
  private static final String URI = "/digest/small.txt";
  private static final int NONCES = 64;
  private static final int USES = 1_000;

  private VerifyTiming() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    DigestSettings settings = DigestSettings.from(FakeServer.values());
    byte[] ha1 =
        MessageDigest.getInstance("SHA-256")
            .digest(("alice:" + settings.realm() + ":secret").getBytes(StandardCharsets.UTF_8));
    DigestVerifier verifier =
        new DigestVerifier(
            settings,
            new NonceService(
                new byte[32], 1, Duration.ofMinutes(5), Clock.systemUTC(), new SecureRandom()),
            new NonceLedger(new FakeState(Clock.systemUTC())),
            storedHa1(ha1));
    FakeRequest request = new FakeRequest("GET", URI);
    ThreadMXBean thread = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int round = 0; round < rounds; round++) {
      byte[][] headers = headers(verifier);
      long bytes = thread.getCurrentThreadAllocatedBytes();
      long cpu = thread.getCurrentThreadCpuTime();
      for (byte[] header : headers) {
        if (!(verifier.verify(header, request, request).toCompletableFuture().join()
            instanceof Verdict.Success)) {
          throw new IllegalStateException(
              "a request was refused: the timing would be of another path");
        }
      }
      cpu = thread.getCurrentThreadCpuTime() - cpu;
      bytes = thread.getCurrentThreadAllocatedBytes() - bytes;
      System.out.printf(
          "round %2d: %5.0f ns and %5d bytes per verify%n",
          round, cpu / (double) headers.length, bytes / headers.length);
    }
  }

  /** Fresh nonces, their uses interleaved as 64 keep-alive connections would send them. */
  private static byte[][] headers(DigestVerifier verifier) {
    byte[][] headers = new byte[NONCES * USES][];
    for (int c = 0; c < NONCES; c++) {
      TestClient client =
          PluginHarness.client(
              Arrays.asList(verifier.challenges(false, false).split("\n")),
              "SHA-256",
              "alice",
              "secret");
      for (int nc = 1; nc <= USES; nc++) {
        headers[(nc - 1) * NONCES + c] =
            client.header("GET", URI, "auth", nc).getBytes(StandardCharsets.ISO_8859_1);
      }
    }
    return headers;
  }

  private static CredentialService storedHa1(byte[] ha1) {
    return new CredentialService() {
      @Override
      public HResult getDigestHa1(String account, String realm, String algorithm, Out<byte[]> out) {
        out.set(ha1.clone());
        return HResult.S_OK;
      }

      @Override
      public HResult findUserByHash(
          String realm, String algorithm, String userhash, Out<String> account) {
        return HResult.E_LOGON_FAILURE;
      }

      @Override
      public HResult getNtHash(String account, Out<byte[]> ntHash) {
        return HResult.E_LOGON_FAILURE;
      }
    };
  }
}
