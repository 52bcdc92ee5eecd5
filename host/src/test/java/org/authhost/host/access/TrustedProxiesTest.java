package org.authhost.host.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private static final TrustedProxies PROXIES =
      TrustedProxies.of(List.of("10.0.0.0/8", "127.0.0.1", "2001:db8:1::/48", "::1"));

  private static InetAddress ip(String s) {
    return NetUtil.createInetAddressFromIpAddressString(s);
  }

  private static ClientAddress xff(String peer, boolean tls, String forFor, String proto) {
    return PROXIES.resolve(
        ip(peer),
        tls,
        List.of(),
        forFor == null ? List.of() : List.of(forFor),
        proto == null ? List.of() : List.of(proto));
  }

  private static ClientAddress fwd(String peer, String... lines) {
    return PROXIES.resolve(ip(peer), false, List.of(lines), List.of(), List.of());
  }

  @Test
  void anUntrustedPeerIsTheClientWhateverItSends() {
    ClientAddress c = xff("203.0.113.9", false, "198.51.100.1", "https");
    assertEquals("203.0.113.9", c.address());
    assertFalse(c.secure());
    assertFalse(c.forwarded());
    ClientAddress f = fwd("203.0.113.9", "for=198.51.100.1;proto=https");
    assertEquals("203.0.113.9", f.address());
    assertFalse(f.secure());
    // An untrusted client on loopback, over TLS: its own leg, as before.
    ClientAddress l =
        TrustedProxies.NONE.resolve(
            ip("127.0.0.1"), true, List.of(), List.of("1.2.3.4"), List.of());
    assertEquals("127.0.0.1", l.address());
    assertTrue(l.loopback());
    assertTrue(l.secure());
  }

  @Test
  void theRightMostUntrustedEntryIsTheClientAndForgedLeftEntriesAreIgnored() {
    // The client wrote "6.6.6.6, 127.0.0.1" itself; the proxy appended the real address.
    ClientAddress c = xff("10.1.2.3", false, "6.6.6.6, 127.0.0.1, 198.51.100.7, 10.9.9.9", null);
    assertEquals("198.51.100.7", c.address());
    assertTrue(c.forwarded());
    assertFalse(c.loopback(), "a forged loopback entry left of the client lends nothing");
  }

  @Test
  void xForwardedProtoIsAlignedFromTheRight() {
    assertTrue(xff("10.0.0.1", false, "198.51.100.7", "https").secure());
    assertFalse(
        xff("10.0.0.1", true, "198.51.100.7", "http").secure(),
        "the proxy's TLS is not the client's");
    assertFalse(xff("10.0.0.1", true, "198.51.100.7", null).secure());
    // Two proxies, one proto: it describes the hop into the right-most proxy, not the client's.
    assertFalse(xff("10.0.0.1", false, "198.51.100.7, 10.0.0.2", "https").secure());
    assertTrue(xff("10.0.0.1", false, "198.51.100.7, 10.0.0.2", "https, http").secure());
  }

  @Test
  void aTrustedProxyOnThisMachineDoesNotMakeItsClientsLoopback() {
    ClientAddress c = xff("127.0.0.1", false, "198.51.100.7", null);
    assertEquals("198.51.100.7", c.address());
    assertFalse(c.mayReceivePasswords());
    // Without any header the proxy is its own client, and still lends nothing.
    ClientAddress bare = xff("127.0.0.1", true, null, null);
    assertEquals("127.0.0.1", bare.address());
    assertFalse(bare.mayReceivePasswords());
    // A client on the proxy's own machine is loopback on its own leg.
    assertTrue(xff("127.0.0.1", false, "127.0.0.1", null).loopback());
  }

  @Test
  void ipv6EntriesPeersAndRanges() {
    ClientAddress c =
        xff("2001:db8:1::5", false, "2001:db8:ffff::1, 2001:db8:1:2::3", "https, http");
    assertEquals(ip("2001:db8:ffff::1").getHostAddress(), c.address());
    assertTrue(c.secure());
    ClientAddress f = fwd("::1", "for=\"[2001:db8:ffff::1]:4711\";proto=https");
    assertEquals(ip("2001:db8:ffff::1").getHostAddress(), f.address());
    assertTrue(f.secure());
    ClientAddress bracketed = xff("::1", false, "[2001:db8:ffff::2]:443", null);
    assertEquals(ip("2001:db8:ffff::2").getHostAddress(), bracketed.address());
    // An IPv6 peer outside the trusted range: headers ignored.
    ClientAddress untrusted = xff("2001:db8:2::1", false, "198.51.100.7", "https");
    assertEquals(ip("2001:db8:2::1").getHostAddress(), untrusted.address());
    assertFalse(untrusted.forwarded());
  }

  @Test
  void forwardedWalksElementsFromTheRightAndWinsOverXForwardedFor() {
    ClientAddress c =
        fwd("10.0.0.1", "for=6.6.6.6;proto=https, for=198.51.100.7", "for=10.0.0.2;proto=https");
    assertEquals("198.51.100.7", c.address());
    assertFalse(c.secure(), "the proto of a forged element is never read");
    ClientAddress both =
        PROXIES.resolve(
            ip("10.0.0.1"),
            false,
            List.of("for=192.0.2.60;proto=https;by=10.0.0.1"),
            List.of("6.6.6.6"),
            List.of("http"));
    assertEquals("192.0.2.60", both.address());
    assertTrue(both.secure());
    assertEquals("192.0.2.43", fwd("10.0.0.1", "For=\"192.0.2.43:47011\"").address());
  }

  @Test
  void unknownObfuscatedOrMalformedEntriesStopAtTheProxyThatReportedThem() {
    for (String line :
        List.of(
            "for=unknown",
            "for=_hidden",
            "for=\"[2001:db8::1\"",
            "for=\"unterminated",
            "proto=https",
            "for=192.0.2.1 garbage",
            "for=999.1.1.1")) {
      ClientAddress c = fwd("10.0.0.1", line);
      assertEquals("10.0.0.1", c.address(), line);
      assertFalse(c.mayReceivePasswords(), line);
    }
    // The unknown hop behind a second trusted proxy: that second proxy stands for the client.
    ClientAddress c = fwd("10.0.0.1", "for=unknown, for=10.0.0.2");
    assertEquals("10.0.0.2", c.address());
    assertEquals("10.0.0.3", xff("10.0.0.1", false, "garbage, 10.0.0.3", null).address());
    // Garbage left of the client is the client's own writing: never looked at.
    assertEquals("198.51.100.7", xff("10.0.0.1", false, "garbage, 198.51.100.7", null).address());
  }

  @Test
  void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
    ClientAddress c = xff("10.0.0.1", false, "10.0.0.3, 10.0.0.2", "https, http");
    assertEquals("10.0.0.3", c.address());
    assertTrue(c.secure());
  }

  @Test
  void nodes() {
    assertEquals(ip("192.0.2.1"), TrustedProxies.node("192.0.2.1:80"));
    assertEquals(ip("192.0.2.1"), TrustedProxies.node("\"192.0.2.1:_port\""));
    assertEquals(ip("2001:db8::1"), TrustedProxies.node("2001:db8::1"));
    assertEquals(ip("2001:db8::1"), TrustedProxies.node("[2001:db8::1]"));
    assertNull(TrustedProxies.node("[192.0.2.1]"));
    assertNull(TrustedProxies.node("example.org"));
    assertNull(TrustedProxies.node("fe80::1%eth0"));
    assertNull(TrustedProxies.node(""));
  }
}
