package org.authhost.host.config;

/** {@code state}: the bound of the host's in-memory state store, or the Redis shared by hosts. */
final class StateSection {
  private StateSection() {}

  static StateConfig bind(ConfigSection state) {
    int maxEntries =
        (int)
            state.whole(
                "maxEntries",
                "a whole number of entries",
                100,
                100_000_000,
                StateConfig.DEFAULT_MAX_ENTRIES);
    RedisConfig redis = state.nullableSection("redis", RedisSection::bind);
    return new StateConfig(maxEntries, redis);
  }
}
