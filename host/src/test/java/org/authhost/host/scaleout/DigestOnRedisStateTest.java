package org.authhost.host.scaleout;

import org.authhost.host.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;

/**
 * {@link DigestStateBehaviour} with the counts and lockouts in a real Redis ({@code state.redis}).
 */
class DigestOnRedisStateTest extends DigestStateBehaviour {
  private RedisServer redis;

  @Override
  String stateJson() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    return TwoNodesOneRedisTest.redisState(redis);
  }

  /** The host first, then its Redis. */
  @AfterAll
  @Override
  void stop() throws Exception {
    try {
      super.stop();
    } finally {
      if (redis != null) {
        redis.close();
      }
    }
  }
}
