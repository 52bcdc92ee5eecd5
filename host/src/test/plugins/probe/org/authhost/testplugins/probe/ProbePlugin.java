package org.authhost.testplugins.probe;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import org.authhost.api.AccessToken;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PrincipalLogon;
import org.authhost.api.TokenHandle;
import org.authhost.testplugins.TestPlugin;

/**
 * Starts a thread of its own in EnablePlugin that never stops (not even in DisablePlugin or
 * ShutdownPlugin) and uses the host's services when a test asks: a command taken from the queue the
 * system properties hold under the name of its {@code requests} property, the HRESULT's value put
 * on the {@code responses} queue (the objects plug-in and test both see).
 *
 * <p>Its {@code disable} logs "probe disabled", as a plug-in writes its last summary there.
 *
 * <p>Commands: {@code logon} (a token for Guest without a credential, kept), {@code
 * password:user:pw}, {@code principal} (logonPrincipal, the token closed at once), {@code
 * nt-hash:user}, {@code event}, {@code query} and {@code close} (the kept token), {@code exit}.
 */
public final class ProbePlugin extends TestPlugin {
  private Thread worker;

  @Override
  @SuppressWarnings("unchecked")
  public synchronized HResult enable(Out<Duration> heartbeatPeriod) {
    if (worker == null) {
      BlockingQueue<String> requests =
          (BlockingQueue<String>) System.getProperties().get(values.get("requests", ""));
      BlockingQueue<Integer> responses =
          (BlockingQueue<Integer>) System.getProperties().get(values.get("responses", ""));
      worker =
          new Thread(
              () -> {
                TokenHandle kept = null;
                while (true) {
                  String command;
                  try {
                    command = requests.take();
                  } catch (InterruptedException e) {
                    return;
                  }
                  if (command.equals("exit")) {
                    return;
                  }
                  String[] parts = command.split(":");
                  HResult hr;
                  switch (parts[0]) {
                    case "logon" -> {
                      Out<TokenHandle> token = new Out<>();
                      hr = server.tokenService().logonUser("Guest", "Probe", token);
                      if (hr.succeeded()) {
                        kept = token.get();
                      }
                    }
                    case "password" -> {
                      Out<TokenHandle> token = new Out<>();
                      hr = server.tokenService().logonUser(parts[1], parts[2], "Probe", token);
                      if (hr.succeeded()) {
                        server.tokenService().closeHandle(token.get());
                      }
                    }
                    case "principal" -> {
                      Out<TokenHandle> token = new Out<>();
                      hr =
                          server
                              .tokenService()
                              .logonPrincipal(
                                  new PrincipalLogon(
                                      "https://idp.test",
                                      "sub-1",
                                      null,
                                      List.of(),
                                      server.clock().instant().plus(Duration.ofHours(1))),
                                  "Probe",
                                  token);
                      if (hr.succeeded()) {
                        server.tokenService().closeHandle(token.get());
                      }
                    }
                    case "nt-hash" -> hr = server.credentials().getNtHash(parts[1], new Out<>());
                    case "event" ->
                        hr =
                            server
                                .eventLog()
                                .logEvent(
                                    values, EventLevel.INFORMATION, HResult.S_OK, "probe event");
                    case "query" ->
                        hr = server.tokenService().queryToken(kept, new Out<AccessToken>());
                    case "close" -> hr = server.tokenService().closeHandle(kept);
                    default -> hr = HResult.E_INVALIDARG;
                  }
                  responses.add(hr.value());
                }
              },
              "probe-worker");
      worker.setDaemon(true);
      worker.start();
    }
    return HResult.S_OK;
  }

  @Override
  public HResult disable() {
    server.eventLog().logEvent(values, EventLevel.INFORMATION, HResult.S_OK, "probe disabled");
    return HResult.S_OK;
  }
}
