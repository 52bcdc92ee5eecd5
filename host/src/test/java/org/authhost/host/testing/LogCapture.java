package org.authhost.host.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Takes over one Logback logger for a test: records what it logs (or, silenced, drops it) and keeps
 * it off the console, so tests that append thousands of events stay quiet and fast.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Logger logger;
  private final Level previousLevel;
  private final boolean previousAdditive;
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

  private LogCapture(String loggerName, Level level) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    previousLevel = logger.getLevel();
    previousAdditive = logger.isAdditive();
    logger.setLevel(level);
    logger.setAdditive(false);
    setContext(logger.getLoggerContext());
    start();
    logger.addAppender(this);
  }

  /** Records everything the logger logs at DEBUG and above. */
  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName, Level.DEBUG);
  }

  /** Drops everything the logger would log. */
  public static LogCapture silence(String loggerName) {
    return new LogCapture(loggerName, Level.OFF);
  }

  public List<ILoggingEvent> events() {
    return events;
  }

  /**
   * Waits, at most {@code bound}, until an event whose message holds {@code part} is recorded: for
   * something the host does on its own schedule (the account poller's reload).
   */
  public synchronized boolean await(String part, Duration bound) throws InterruptedException {
    long end = System.nanoTime() + bound.toNanos();
    while (events.stream().noneMatch(e -> e.getFormattedMessage().contains(part))) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing(); // captures the MDC now, while the caller still has it set
    events.add(event);
    synchronized (this) {
      notifyAll();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(previousLevel);
    logger.setAdditive(previousAdditive);
    stop();
  }
}
