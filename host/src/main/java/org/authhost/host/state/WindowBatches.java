package org.authhost.host.state;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ThreadExecutorMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window claims an event loop makes in one turn of its loop, sent as ONE script call ({@link
 * RedisStateService#WINDOWS}) at the end of the turn rather than one call each: Redis's cost of a
 * script call (parsing, the call's set-up, the life mark's {@code GET}) and the host's cost of a
 * command (Lettuce's encoding, its future and time-out entry, the answer's hand-back) are shared by
 * the claims of the turn (about 8 at 64 connections on 2 loops). Every Digest request makes one.
 *
 * <p>The first claim of a turn submits the flush to its loop: a task submitted while the loop reads
 * runs once the reads of that turn are done, so every request read in the turn is in the batch. A
 * batch that reaches {@link #MOST} claims goes at once. The batch is one script, so atomic in
 * Redis: two hosts can never both accept one number, and a number claimed twice in one batch is
 * FIRST once. A batch that fails (time-out, connection lost) fails each of its claims, and the
 * outage counts it as one failed command.
 *
 * <p>Only on a host event loop: a caller elsewhere (a blocking plug-in's thread) has no turn to end
 * and sends its claim alone. The batch lives on the loop's thread and is touched by it alone.
 */
final class WindowBatches {
  private static final Logger LOG = LoggerFactory.getLogger(WindowBatches.class);

  /**
   * {@code -Dauthhost.redis.claimBatches=false}: each claim its own script call, as before (for the
   * A/B measurement in {@code docs/benchmarks.md}).
   */
  static final String SWITCH = "authhost.redis.claimBatches";

  /** The most claims in one script call; more in one turn go in several. */
  static final int MOST = 64;

  private final RedisLink link;
  private final byte[] lifeKey;
  private final boolean enabled;
  private final FastThreadLocal<Batch> batches =
      new FastThreadLocal<>() {
        @Override
        protected Batch initialValue() {
          return new Batch();
        }
      };

  WindowBatches(RedisLink link, byte[] lifeKey) {
    this(link, lifeKey, !"false".equalsIgnoreCase(System.getProperty(SWITCH, "true")));
  }

  WindowBatches(RedisLink link, byte[] lifeKey, boolean enabled) {
    this.link = link;
    this.lifeKey = lifeKey;
    this.enabled = enabled;
  }

  /**
   * What a claim's answer becomes, made on the loop from its code as {@link
   * RedisStateService#WINDOW} answers it (null on a failure) or the batch's failure (null on an
   * answer): the caller's own answer, so that one stage per claim is completed, with no stage
   * chained to it here.
   */
  @FunctionalInterface
  interface Outcome<T> {
    T of(Long code, Throwable failure);
  }

  /**
   * Puts a claim in the calling loop's batch: its {@code outcome}, completed on that loop; or null
   * when the caller is not on a host event loop (it sends the claim alone). {@code number} is as
   * {@link RedisStateService#claimNumber} writes it. A batch holds claims of one life mark and one
   * width, so that the script checks and formats those once: a claim of another (a plug-in of
   * another width, an instance enabled before a reset) sends the batch before it first.
   */
  <T> CompletableFuture<T> add(
      byte[] key, byte[] number, byte[] width, byte[] ttl, String life, Outcome<T> outcome) {
    if (!enabled
        || !(ThreadExecutorMap.currentExecutor() instanceof EventLoop loop)
        || Thread.currentThread() instanceof RedisLink.LettuceThread) {
      return null;
    }
    Batch batch = batches.get();
    batch.loop = loop;
    if (!batch.claims.isEmpty() && !batch.holds(width, life)) {
      batch.flush();
    }
    CompletableFuture<T> answer = new CompletableFuture<>();
    batch.claims.add(new Claim<>(key, number, width, ttl, life, outcome, answer));
    if (batch.claims.size() == 1) {
      try {
        loop.execute(batch.flush);
      } catch (RejectedExecutionException stopping) {
        batch.flush(); // the loop is stopping: no later turn; now
        return answer;
      }
    }
    if (batch.claims.size() >= MOST) {
      batch.flush();
    }
    return answer;
  }

  /**
   * Sends the calling loop's batch now, if it has one: another state operation of this loop goes
   * after the claims made before it (a claim then a delete of its key keeps that order in Redis).
   */
  void sendPending() {
    if (enabled && batches.isSet()) {
      batches.get().flush();
    }
  }

  private record Claim<T>(
      byte[] key,
      byte[] number,
      byte[] width,
      byte[] ttl,
      String life,
      Outcome<T> outcome,
      CompletableFuture<T> answer) {

    /** Completes the answer with the outcome of {@code code} or {@code failure}. */
    void complete(Long code, Throwable failure) {
      T value;
      try {
        value = outcome.of(code, failure);
      } catch (RuntimeException e) {
        answer.completeExceptionally(e);
        return;
      }
      answer.complete(value);
    }
  }

  /** A batch that could not be sent is logged at most once a minute. */
  private final AtMostOncePer unsentLogged =
      new AtMostOncePer(Duration.ofMinutes(1), System.nanoTime());

  /** One loop's claims not sent yet. */
  private final class Batch {
    private List<Claim<?>> claims = new ArrayList<>();
    private final Runnable flush = this::flush;
    private EventLoop loop;

    /** Whether the batch's claims are of this width and life mark (it is not empty). */
    private boolean holds(byte[] width, String life) {
      Claim<?> first = claims.get(0);
      return Arrays.equals(first.width(), width) && Objects.equals(first.life(), life);
    }

    private void flush() {
      List<Claim<?>> sent = claims;
      int n = sent.size();
      if (n == 0) {
        return; // sent already (MOST reached, or before another operation)
      }
      claims = new ArrayList<>(Math.max(n, 8));
      boolean[] sending = {true};
      try {
        send(
            sent,
            (codes, failure) -> {
              if (sending[0]) {
                // Failed before send returned: flush may run inside a plug-in's call (MOST
                // reached, another operation), so no other request goes on inside it.
                later(() -> answer(sent, codes, failure));
              } else {
                answer(sent, codes, failure);
              }
            });
      } catch (RuntimeException e) {
        if (unsentLogged.due(System.nanoTime())) {
          LOG.error("a batch of window claims could not be sent: each is refused (503)", e);
        }
        later(() -> answer(sent, null, e));
      } finally {
        sending[0] = false;
      }
    }

    private void later(Runnable task) {
      try {
        loop.execute(task);
      } catch (RejectedExecutionException stopping) {
        task.run();
      }
    }
  }

  private void send(List<Claim<?>> sent, BiConsumer<List<Object>, Throwable> done) {
    int n = sent.size();
    if (link.serverUnchecked() || link.evicting()) {
      // Checked again when the batch leaves, not only when each claim was admitted: a reconnection
      // to a server not yet known (a failover's replica) may have come in between.
      done.accept(null, new IllegalStateException("Redis's identity not checked yet, or evicting"));
      return;
    }
    byte[][] keys = new byte[n + 1][];
    byte[][] args = new byte[2 + 2 * n][];
    Claim<?> first = sent.get(0);
    args[0] = ascii(first.life());
    args[1] = first.width();
    for (int i = 0, a = 2; i < n; i++, a += 2) {
      Claim<?> c = sent.get(i);
      keys[i] = c.key();
      args[a] = c.number();
      args[a + 1] = c.ttl();
    }
    keys[n] = lifeKey;
    link.<List<Object>>script(RedisStateService.WINDOWS, ScriptOutputType.MULTI, keys, args)
        .whenComplete(done);
  }

  /** Each claim's code from the batch's answer; every claim failed with the batch's failure. */
  private static void answer(List<Claim<?>> sent, List<Object> codes, Throwable failure) {
    int n = sent.size();
    for (int i = 0; i < n; i++) {
      Claim<?> claim = sent.get(i);
      if (failure != null) {
        claim.complete(null, failure);
      } else if (codes != null && codes.size() == n && codes.get(i) instanceof Long code) {
        claim.complete(code, null);
      } else {
        // Not Redis as the script expects (a proxy, another server): told as an error Redis
        // answered, which is logged (once a minute) and refused.
        claim.complete(
            null,
            new RedisCommandExecutionException(
                "the batch script answered "
                    + (codes == null ? "nothing" : codes.size() + " codes")
                    + " for "
                    + n
                    + " claims"));
      }
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
