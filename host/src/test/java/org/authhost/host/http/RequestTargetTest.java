package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The path of a request target, origin or absolute form. */
class RequestTargetTest {
  @Test
  void anAbsoluteTargetsAuthorityEndsAtTheFirstSlashQuestionMarkOrHash() {
    assertEquals("/vod/a.ts", RequestTarget.path("http://h:80/vod/a.ts?x=/y/"));
    assertEquals("/", RequestTarget.path("http://h?ah_exp=1&ah_prefix=/vod/"), "not the query's");
    assertEquals("/", RequestTarget.path("http://h#/vod/"));
    assertEquals("/", RequestTarget.path("http://h"));
    assertEquals("/vod/a.ts", RequestTarget.path("/vod/a.ts?q=1"));
    assertNull(RequestTarget.path("ftp://h/x"));
  }
}
