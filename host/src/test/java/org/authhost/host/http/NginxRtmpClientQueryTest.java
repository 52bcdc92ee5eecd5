package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.authhost.host.config.StreamHookConfig;
import org.junit.jupiter.api.Test;

/**
 * nginx-rtmp mixes the client's URL query into its call's form fields: the call's target gets the
 * client's part back, as it came, so that a credential in it reaches its plug-in (API 1.4).
 */
class NginxRtmpClientQueryTest {
  static final StreamHookConfig HOOK =
      new StreamHookConfig("/.authhost/x", "/", false, "user", "pass", Map.of("key", "ApiKey"));

  /** A publish call as nginx-rtmp 1.2.2 writes it: its fields, then the client's query. */
  static String publish(String clientQuery) {
    return "app=live&flashver=FMLE%2F3.0&swfurl=&tcurl=rtmp%3A%2F%2F127.0.0.1%3A1935%2Flive"
        + "&pageurl=&addr=127.0.0.1&clientid=7&call=publish&name=cam1&type=live&"
        + clientQuery;
  }

  @Test
  void theClientsQueryIsTheTargetsQueryStillEncoded() throws Exception {
    StreamCall call =
        NginxRtmpCalls.read(
            publish("ah_prefix=%2Flive%2F&ah_exp=1767225600&ah_key=k1&ah_sig=a-b_c"), HOOK);
    assertEquals(
        "/live/cam1?ah_prefix=%2Flive%2F&ah_exp=1767225600&ah_key=k1&ah_sig=a-b_c", call.target());
    assertEquals("/live/cam1", call.stream());
  }

  @Test
  void nginxsOwnFieldsStayOutAndAClientCannotAddThem() throws Exception {
    StreamCall call = NginxRtmpCalls.read(publish("access_token=t&addr=10.0.0.9&name=x"), HOOK);
    assertEquals("/live/cam1?access_token=t", call.target());
    assertEquals("127.0.0.1", call.clientAddress(), "nginx's addr comes first and wins");
  }

  @Test
  void withoutAClientQueryTheTargetIsThePath() throws Exception {
    assertEquals("/live/cam1", NginxRtmpCalls.read(publish(""), HOOK).target());
  }
}
