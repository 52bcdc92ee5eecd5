package org.authhost.host.http.content;

import org.authhost.host.testing.MutableClock;

/**
 * Every test of {@link FileServingTest} again, served through a {@link FileCache} as the host does:
 * small files from memory, large ones from the file opened without following links. The clock
 * stands still, so every entry stays fresh for the whole class.
 */
class CachedFileServingTest extends FileServingTest {
  @Override
  FileCache cache() {
    return new FileCache(new MutableClock());
  }
}
