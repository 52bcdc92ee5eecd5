package org.authhost.host.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** What the audit may say about a request target: never a control character from the wire. */
class RequestTest {

  @Test
  void controlCharactersBecomeQuestionMarks() {
    Request r = new Request("127.0.0.1", "GET", "/a\r\nInjected: yes\u0001\u007f\u0085/b", null);
    assertEquals("/a??Injected: yes???/b", r.target());
  }

  @Test
  void aCleanTargetIsKeptAsItIs() {
    String target = "/vod/clip.mp4?start=10&name=%C3%A9t%C3%A9";
    assertSame(target, Request.withoutControls(target));
  }

  @Test
  void aLongTargetIsCutBeforeItIsCleaned() {
    String target = "/" + "x".repeat(Request.MAX_TARGET_IN_LOG + 10) + "\n";
    String logged = new Request("127.0.0.1", "GET", target, null).target();
    assertEquals(Request.MAX_TARGET_IN_LOG + 3, logged.length());
    assertEquals("...", logged.substring(logged.length() - 3));
  }
}
