package org.authhost.api;

/**
 * How serious an event is.
 *
 * <p>WMS counterpart: {@code WMS_EVENT_LOG_LEVEL}, same values. Logging an {@link #ERROR} disables
 * the plug-in that logged it; an authentication plug-in in error is no longer offered to clients.
 * Errors and warnings also go onto the host's troubleshooting list.
 */
public enum EventLevel {
  /** A significant problem, usually a loss of function ({@code WMS_EVENT_LOG_LEVEL_ERROR}). */
  ERROR(1),
  /** Not significant yet, may cause problems later ({@code WMS_EVENT_LOG_LEVEL_WARNING}). */
  WARNING(2),
  /** A rare but significant success ({@code WMS_EVENT_LOG_LEVEL_INFORMATION}). */
  INFORMATION(4);

  private final int value;

  EventLevel(int value) {
    this.value = value;
  }

  /** The WMS numeric value. */
  public int value() {
    return value;
  }

  /** The level with this WMS value. */
  public static EventLevel of(int value) {
    for (EventLevel level : values()) {
      if (level.value == value) {
        return level;
      }
    }
    throw new IllegalArgumentException("no event level " + value + " (expected 1, 2 or 4)");
  }
}
