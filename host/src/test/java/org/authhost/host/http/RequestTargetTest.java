package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
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

  @Test
  void aPathWithNothingEscapedIsItsOwnCanonicalFormOrRefused() {
    assertEquals("/", RequestTarget.canonical("/"));
    assertEquals("/vod/a.ts", RequestTarget.canonical("/vod/a.ts"));
    assertEquals("/vod/", RequestTarget.canonical("/vod/"), "only the last segment may be empty");
    assertEquals("/vod/...", RequestTarget.canonical("/vod/..."));
    assertEquals("/vod/.a/a..", RequestTarget.canonical("/vod/.a/a.."));
    // The bounds of printable ASCII, both kept: '!' (0x21) and '~' (0x7e).
    assertEquals("/vod/!~", RequestTarget.canonical("/vod/!~"));
    for (String refused :
        List.of(
            "/vod//a.ts",
            "//vod",
            "/vod/./a.ts",
            "/vod/../a.ts",
            "/vod/..",
            "/.",
            "/vod/a b",
            "/vod\\a.ts",
            "/vod/\u00e9.ts",
            "/vod/\u007f",
            "/vod/\u0000",
            "/vod/\t",
            "/vod/\u0020",
            "vod/a.ts")) {
      assertNull(RequestTarget.canonical(refused), refused);
    }
  }

  @Test
  void thePathWithoutEscapesAndTheDecodingPathAgree() {
    // Each path again with its first 'a' escaped: one goes the way of a path with nothing to
    // decode, the other through the decoder; the verdict must not depend on which.
    for (String path :
        List.of(
            "/a/",
            "/a",
            "/va/x.ts",
            "/a//x",
            "/a/./x",
            "/a/../x",
            "/a/..",
            "/a/.",
            "/a/...",
            "/a/x y",
            "/a\\x")) {
      String escaped = path.replaceFirst("a", "%61");
      assertEquals(
          RequestTarget.canonical(path), RequestTarget.canonical(escaped), path + " / " + escaped);
    }
    assertEquals("/a/x", RequestTarget.canonical("/%61/x"));
    // A dot segment escaped is still a dot segment.
    assertNull(RequestTarget.canonical("/a/%2e%2e/x"));
    assertNull(RequestTarget.canonical("/a/%2e/x"));
  }
}
