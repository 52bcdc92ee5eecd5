package org.authhost.host.events;

/**
 * A stretch of a segment file that holds no record the log can trust: from where the last intact
 * record ends to where the next intact one starts (or the file ends). Like a damaged sector under
 * the Windows event log service's {@code .evtx} file, the records that were there are lost; those
 * around it are not.
 *
 * @param offset the first damaged byte, counted from the start of the segment file
 * @param length how many bytes, at least 1
 * @param problem what was wrong with the first bytes, e.g. {@code CRC mismatch}
 */
public record DamagedRange(long offset, long length, String problem) {

  /** The offset just past the last damaged byte. */
  public long end() {
    return offset + length;
  }

  @Override
  public String toString() {
    return "offset " + offset + ", " + length + " bytes (" + problem + ")";
  }
}
