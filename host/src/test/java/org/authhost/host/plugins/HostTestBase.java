package org.authhost.host.plugins;

import com.google.inject.Module;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;
import org.authhost.host.kit.KitClient;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host of the test's own in a temporary folder, stopped after each test. Its time is {@link
 * #clock}: it stands still until the test moves it, and moving it runs what falls due.
 */
abstract class HostTestBase {
  @TempDir Path root;

  final MutableClock clock = new MutableClock();

  AuthHost host;

  @AfterEach
  void stopHost() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  /** Starts a host whose "plugins" object has these extra members (see {@link TestHosts}). */
  AuthHost startHost(String pluginsJson) throws Exception {
    return startHost(pluginsJson, FakeTime.of(clock));
  }

  /** {@link #startHost(String)} on {@code fakeTime}'s bindings of {@link #clock}. */
  AuthHost startHost(String pluginsJson, Module fakeTime) throws Exception {
    host = AuthHost.create(TestHosts.load(TestHosts.configFolder(root, pluginsJson)), fakeTime);
    host.start();
    return host;
  }

  /** One Authenticate with an empty blob through a new session. */
  AuthenticationOutcome authenticate(String pluginId) throws Exception {
    AuthenticationSession session = host.plugins().openSession(pluginId).get(5, TimeUnit.SECONDS);
    return session
        .authenticate(new byte[0], KitClient.user(1), KitClient.PRESENTATION, KitClient.COMMAND)
        .get(5, TimeUnit.SECONDS);
  }
}
