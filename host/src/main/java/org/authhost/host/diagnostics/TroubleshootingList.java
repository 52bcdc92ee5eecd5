package org.authhost.host.diagnostics;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.List;
import org.authhost.host.config.HostConfig;

/**
 * The errors and warnings an operator has not cleared yet: the Troubleshooting list of the WMS
 * console ({@code IWMSDiagnosticEvents}). Bounded: past the limit the oldest entry makes room, and
 * {@link #dropped()} says how many went that way.
 */
@Singleton
public final class TroubleshootingList {
  private final int limit;
  private final ArrayDeque<TroubleshootingEntry> entries = new ArrayDeque<>();
  private long sequence;
  private long dropped;

  @Inject
  TroubleshootingList(HostConfig config) {
    this(config.eventLog().troubleshootingLimit());
  }

  TroubleshootingList(int limit) {
    this.limit = limit;
  }

  synchronized TroubleshootingEntry add(TroubleshootingEntry unnumbered) {
    TroubleshootingEntry entry =
        new TroubleshootingEntry(
            ++sequence,
            unnumbered.time(),
            unnumbered.type(),
            unnumbered.source(),
            unnumbered.hresult(),
            unnumbered.text(),
            unnumbered.eventRecordNumber());
    if (entries.size() == limit) {
      entries.removeFirst();
      dropped++;
    }
    entries.addLast(entry);
    return entry;
  }

  /** Every entry, oldest first. */
  public synchronized List<TroubleshootingEntry> entries() {
    return List.copyOf(entries);
  }

  /** The entries about one source (a plug-in id, or {@code host}). */
  public synchronized List<TroubleshootingEntry> entriesFor(String source) {
    return entries.stream().filter(e -> e.source().equals(source)).toList();
  }

  /** How many entries the bound pushed out since the last {@link #clear()}. */
  public synchronized long dropped() {
    return dropped;
  }

  /** The operator's "clear": returns how many entries were removed. */
  public synchronized int clear() {
    int n = entries.size();
    entries.clear();
    dropped = 0;
    return n;
  }
}
