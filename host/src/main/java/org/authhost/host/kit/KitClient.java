package org.authhost.host.kit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.authhost.api.CommandContext;
import org.authhost.api.PresentationContext;
import org.authhost.api.UserContext;

/**
 * The client the kit plays: one HTTP request for a file on a loopback connection, a new connection
 * per exchange. These contexts are the edge the kit stands at, where a real host has its HTTP
 * front. The host's own tests of plug-in calls use the same ones (one set of fakes), which is why
 * this internal class is public.
 */
public final class KitClient {
  private KitClient() {}

  /** The user context of the client on connection {@code connectionId}. */
  public static UserContext user(long connectionId) {
    return new UserContext() {
      private volatile String name;

      @Override
      public Optional<String> userAgent() {
        return Optional.of("authhost-kit");
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
        return 40000 + (int) (connectionId % 20000);
      }

      @Override
      public String controlProtocol() {
        return "HTTP";
      }

      @Override
      public long connectionId() {
        return connectionId;
      }
    };
  }

  public static final PresentationContext PRESENTATION =
      new PresentationContext() {
        @Override
        public String publishingPoint() {
          return "vod";
        }

        @Override
        public String url() {
          return "/vod/kit.wmv";
        }
      };

  public static final CommandContext COMMAND =
      new CommandContext() {
        @Override
        public String method() {
          return "GET";
        }

        @Override
        public String requestTarget() {
          return "/vod/kit.wmv";
        }

        @Override
        public Map<String, List<String>> headers() {
          return Map.of("host", List.of("localhost"));
        }
      };
}
