package org.authhost.testplugins.compat13state;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;

/**
 * A state store as its author wrote it for API 1.3 (compiled against the released 1.3 JAR, which
 * has no claimInWindow): the six operations 1.3 had, in a map, without expiry.
 */
public final class MapState implements StateService {
  private final Map<String, Object> entries = new HashMap<>();

  @Override
  public synchronized HResult claim(String key, Duration ttl, Out<Boolean> first) {
    first.set(entries.putIfAbsent(key, Boolean.TRUE) == null);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult increment(String key, Duration ttl, Out<Long> value) {
    long next = (Long) entries.merge(key, 1L, (a, b) -> (Long) a + 1);
    value.set(next);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult getOrPut(
      String key, byte[] value, Duration ttl, Out<byte[]> current) {
    current.set((byte[]) entries.computeIfAbsent(key, k -> value.clone()));
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult get(String key, Out<byte[]> value) {
    Object found = entries.get(key);
    if (found == null) {
      return HResult.S_FALSE;
    }
    value.set((byte[]) found);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult put(String key, byte[] value, Duration ttl) {
    entries.put(key, value.clone());
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult delete(String key) {
    return entries.remove(key) != null ? HResult.S_OK : HResult.S_FALSE;
  }
}
