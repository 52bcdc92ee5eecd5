package org.authhost.host.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The answers one front gave, by status: {@code authhost_requests_total{front, status}}. Each
 * status's data point is looked up once and kept, so counting an answer is an array read and an
 * add, with nothing allocated.
 */
public final class AnswerCounts {
  /** Statuses outside 100..599 (none should be written) are counted as this. */
  private static final int OTHER = 0;

  private final Counter family;
  private final String front;
  // Atomic for the live figures' sampler, which reads from another thread; a plain load on x86.
  private final AtomicReferenceArray<CounterDataPoint> byStatus = new AtomicReferenceArray<>(600);

  AnswerCounts(Counter family, String front) {
    this.family = family;
    this.front = front;
  }

  /** The front's label value. */
  public String front() {
    return front;
  }

  /** One final answer with {@code status}. */
  public void count(int status) {
    int at = status >= 100 && status < 600 ? status : OTHER;
    CounterDataPoint point = byStatus.get(at);
    if (point == null) {
      // A race makes two lookups of the same child, which the family keeps once: harmless.
      point = family.labelValues(front, at == OTHER ? "other" : Integer.toString(at));
      byStatus.set(at, point);
    }
    point.inc();
  }

  /** Every answer counted so far: what the live figures take their rate from. */
  long total() {
    long sum = 0;
    for (int i = 0; i < byStatus.length(); i++) {
      CounterDataPoint point = byStatus.get(i);
      if (point != null) {
        sum += point.getLongValue();
      }
    }
    return sum;
  }
}
