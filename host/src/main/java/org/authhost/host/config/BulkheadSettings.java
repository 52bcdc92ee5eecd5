package org.authhost.host.config;

/**
 * One plug-in's bulkhead: the threads on which its calls may block, the calls that may wait for
 * one, and how many threads stuck in it past their time limit the host replaces.
 *
 * @param workers calls into the plug-in that run at once on its own threads
 * @param queue calls that wait for one of those threads; past it the client gets 503 with {@code
 *     Retry-After} at once
 * @param maxLeakedThreads threads stuck in the plug-in past their time limit that the host
 *     replaces; reaching it is one ERROR event naming the plug-in
 */
public record BulkheadSettings(int workers, int queue, int maxLeakedThreads) {
  /**
   * Sized for 256 concurrent clients of one blocking plug-in with no refusal: one thread per
   * processor (at least 2) runs calls, as many as the password check's Argon2 slots, so a Basic
   * call never waits inside the plug-in for a slot and runs out its time; up to 1024 more wait for
   * a thread, four times the 256; 16 stuck threads are replaced. Non-blocking plug-ins (Anonymous,
   * Digest) use none of it for their clients.
   */
  public static final BulkheadSettings DEFAULT =
      new BulkheadSettings(Math.max(2, Runtime.getRuntime().availableProcessors()), 1024, 16);

  public static final int MAX_WORKERS = 1024;
  public static final int MAX_QUEUE = 100_000;
  public static final int MAX_LEAKED_THREADS = 1024;

  /** These settings with a plug-in's own values where it has them. */
  public BulkheadSettings with(Integer workers, Integer queue, Integer maxLeakedThreads) {
    return new BulkheadSettings(
        workers == null ? this.workers : workers,
        queue == null ? this.queue : queue,
        maxLeakedThreads == null ? this.maxLeakedThreads : maxLeakedThreads);
  }
}
