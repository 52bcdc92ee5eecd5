package org.authhost.host.plugins;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.authhost.api.CommandContext;
import org.authhost.api.PresentationContext;
import org.authhost.api.UserContext;

/** The user, presentation and command contexts of one imaginary HTTP client. */
final class ClientContexts {
  private ClientContexts() {}

  static final UserContext USER =
      new UserContext() {
        private volatile String name;

        @Override
        public Optional<String> userAgent() {
          return Optional.of("test");
        }

        @Override
        public Optional<String> userName() {
          return Optional.ofNullable(name);
        }

        @Override
        public void setUserName(String userName) {
          name = userName;
        }

        @Override
        public String ipAddress() {
          return "127.0.0.1";
        }

        @Override
        public int port() {
          return 50000;
        }

        @Override
        public String controlProtocol() {
          return "HTTP";
        }

        @Override
        public long connectionId() {
          return 1;
        }
      };

  static final PresentationContext PRESENTATION =
      new PresentationContext() {
        @Override
        public String publishingPoint() {
          return "vod";
        }

        @Override
        public String url() {
          return "/vod/a.mp4";
        }
      };

  static final CommandContext COMMAND =
      new CommandContext() {
        @Override
        public String method() {
          return "GET";
        }

        @Override
        public String requestTarget() {
          return "/vod/a.mp4";
        }

        @Override
        public Map<String, List<String>> headers() {
          return Map.of();
        }
      };
}
