package org.authhost.host.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table for the terminal: every column but the last padded to its widest cell, so that the
 * columns line up whatever a row holds (a long plug-in id, a long status). The last column is left
 * as it is: it is free text, and padding it would only add trailing blanks.
 */
final class TextTable {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  /** A table with these column headings. */
  TextTable(String... headings) {
    this.columns = headings.length;
    rows.add(headings.clone());
  }

  /** Adds a row of exactly as many cells as there are headings; null prints as empty. */
  TextTable row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + columns + " columns");
    }
    rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c).toArray(String[]::new));
    return this;
  }

  /** The table, one line per row (headings first), each line ending with a line feed. */
  @Override
  public String toString() {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 1));
        }
      }
      // An empty last cell would leave the padding before it as trailing blanks.
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
