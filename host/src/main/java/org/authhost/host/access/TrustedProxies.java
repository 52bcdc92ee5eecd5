package org.authhost.host.access;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code security.trustedProxies}, and the rule that finds the client behind them.
 *
 * <p>From a peer that is not a trusted proxy, forwarding headers are ignored: the client is the
 * peer, its leg is TLS when the connection is. From a trusted proxy, the hops are read from RFC
 * 7239 {@code Forwarded} ({@code for=}, {@code proto=}; when present it alone is used) or else from
 * {@code X-Forwarded-For} with {@code X-Forwarded-Proto}, and walked from the right: each hop that
 * is a trusted proxy hands over to the entry on its left, and the first entry that is not a trusted
 * proxy is the client. Entries further left were written by the client and are never looked at. The
 * client's leg is TLS only when the proxy that received it says {@code proto=https} (or the {@code
 * X-Forwarded-Proto} value aligned with that entry, counted from the right, says {@code https}),
 * and loopback only when the client's address is; a trusted proxy's own connection never lends its
 * TLS or loopback to a client it forwards.
 *
 * <p>An entry that is not an IP literal ({@code unknown}, an obfuscated {@code _hidden} identifier,
 * a malformed value) ends the walk at the trusted proxy that reported it: that proxy is the client
 * for audit, lockout and IP lists, and its leg is neither TLS nor loopback. That fails closed (an
 * allow list of client ranges refuses it, Basic is not offered) and never answers 400 for what a
 * client can write. A trusted proxy that sends no forwarding header at all is its own client, again
 * neither TLS nor loopback.
 */
public final class TrustedProxies {
  /** No proxy is trusted: forwarding headers are always ignored. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  /** The most hops read from one request; a longer chain ends the walk as if unknown. */
  static final int MAX_HOPS = 32;

  private final List<IpSubnetFilterRule> rules;

  private TrustedProxies(List<IpSubnetFilterRule> rules) {
    this.rules = rules;
  }

  /** From configuration strings such as {@code 10.0.0.0/8}, {@code ::1} or {@code 192.0.2.7}. */
  public static TrustedProxies of(List<String> specs) {
    List<IpSubnetFilterRule> rules = new ArrayList<>();
    for (String spec : specs) {
      int slash = spec.indexOf('/');
      String address = slash < 0 ? spec : spec.substring(0, slash);
      int prefix =
          slash < 0
              ? (address.indexOf(':') >= 0 ? 128 : 32)
              : Integer.parseInt(spec.substring(slash + 1));
      rules.add(new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT));
    }
    return new TrustedProxies(List.copyOf(rules));
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** Whether this address is a trusted proxy. */
  public boolean trusts(InetAddress address) {
    if (rules.isEmpty()) {
      return false;
    }
    InetSocketAddress socket = new InetSocketAddress(address, 0);
    for (IpSubnetFilterRule rule : rules) {
      if (rule.matches(socket)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client of one request.
   *
   * @param peer the connection's remote address
   * @param tls whether the connection is TLS
   * @param forwarded the {@code Forwarded} header lines (RFC 7239), in order
   * @param forwardedFor the {@code X-Forwarded-For} header lines, in order
   * @param forwardedProto the {@code X-Forwarded-Proto} header lines, in order
   */
  public ClientAddress resolve(
      InetAddress peer,
      boolean tls,
      List<String> forwarded,
      List<String> forwardedFor,
      List<String> forwardedProto) {
    if (!trusts(peer)) {
      return ClientAddress.direct(peer, tls);
    }
    List<Hop> hops;
    if (!forwarded.isEmpty()) {
      hops = parseForwarded(String.join(",", forwarded));
    } else if (!forwardedFor.isEmpty()) {
      hops = parseXForwarded(String.join(",", forwardedFor), String.join(",", forwardedProto));
    } else {
      hops = List.of();
    }
    InetAddress proxy = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      Hop hop = hops.get(i);
      if (hop.address() == null || hops.size() - i > MAX_HOPS) {
        // Unknown, obfuscated or malformed: the proxy that reported it stands for the client.
        return new ClientAddress(proxy, proxy.getHostAddress(), false, false, true);
      }
      if (!trusts(hop.address()) || i == 0) {
        // The first hop not a trusted proxy; or every hop is one, and the left-most is the client.
        return new ClientAddress(
            hop.address(),
            hop.address().getHostAddress(),
            hop.https(),
            hop.address().isLoopbackAddress(),
            true);
      }
      proxy = hop.address();
    }
    // A trusted proxy without forwarding headers: its own client, lending nothing to anyone.
    return new ClientAddress(peer, peer.getHostAddress(), false, false, true);
  }

  /** One entry: the address the proxy received the request from (null: unknown) and its proto. */
  record Hop(InetAddress address, boolean https) {}

  /** {@code X-Forwarded-For}, with {@code X-Forwarded-Proto} aligned from the right. */
  static List<Hop> parseXForwarded(String forwardedFor, String forwardedProto) {
    List<String> fors = splitList(forwardedFor);
    List<String> protos = splitList(forwardedProto);
    List<Hop> hops = new ArrayList<>(fors.size());
    for (int i = 0; i < fors.size(); i++) {
      int fromRight = fors.size() - 1 - i;
      int p = protos.size() - 1 - fromRight;
      boolean https = p >= 0 && protos.get(p).equalsIgnoreCase("https");
      hops.add(new Hop(node(fors.get(i)), https));
    }
    return hops;
  }

  /**
   * RFC 7239 {@code Forwarded}: elements separated by commas, pairs by semicolons, values tokens or
   * quoted strings. An element that does not parse, or has no {@code for}, is an unknown hop.
   */
  static List<Hop> parseForwarded(String header) {
    List<Hop> hops = new ArrayList<>();
    int i = 0;
    int n = header.length();
    while (i <= n) {
      InetAddress address = null;
      boolean https = false;
      boolean bad = false;
      boolean sawFor = false;
      // One element: pairs until ',' or the end.
      while (true) {
        i = skipSpace(header, i);
        int nameStart = i;
        while (i < n && isTokenChar(header.charAt(i))) {
          i++;
        }
        String name = header.substring(nameStart, i).toLowerCase(Locale.ROOT);
        i = skipSpace(header, i);
        String value = null;
        if (!name.isEmpty() && i < n && header.charAt(i) == '=') {
          i = skipSpace(header, i + 1);
          StringBuilder v = new StringBuilder();
          if (i < n && header.charAt(i) == '"') {
            i++;
            boolean closed = false;
            while (i < n) {
              char c = header.charAt(i++);
              if (c == '\\' && i < n) {
                v.append(header.charAt(i++));
              } else if (c == '"') {
                closed = true;
                break;
              } else {
                v.append(c);
              }
            }
            if (!closed) {
              bad = true;
            }
          } else {
            while (i < n && isTokenChar(header.charAt(i))) {
              v.append(header.charAt(i++));
            }
          }
          value = v.toString();
        } else if (!name.isEmpty() || (i < n && header.charAt(i) != ',')) {
          bad = true;
        }
        if (value != null) {
          if (name.equals("for")) {
            if (sawFor) {
              bad = true;
            }
            sawFor = true;
            address = node(value);
          } else if (name.equals("proto")) {
            https = value.equalsIgnoreCase("https");
          }
        }
        i = skipSpace(header, i);
        if (i < n && header.charAt(i) == ';') {
          i++;
          continue;
        }
        if (i < n && header.charAt(i) != ',') {
          bad = true;
          // Skip to the next element.
          while (i < n && header.charAt(i) != ',') {
            i++;
          }
        }
        break;
      }
      hops.add(new Hop(bad ? null : address, !bad && https));
      if (i >= n) {
        break;
      }
      i++; // the ','
    }
    return hops;
  }

  /**
   * A node (RFC 7239 §6): an IPv4 address, a bracketed IPv6 address, either with an optional port;
   * a bare IPv6 address as X-Forwarded-For writes it. Anything else ({@code unknown}, {@code
   * _obfuscated}, host names, garbage) is null. Never looked up in DNS.
   */
  static InetAddress node(String text) {
    String s = text.strip();
    if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
      s = s.substring(1, s.length() - 1);
    }
    String host;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return null;
      }
      String rest = s.substring(close + 1);
      if (!rest.isEmpty() && !isPort(rest)) {
        return null;
      }
      host = s.substring(1, close);
      if (host.indexOf(':') < 0) {
        return null;
      }
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && colon == s.lastIndexOf(':')) {
        // IPv4 with a port.
        if (!isPort(s.substring(colon))) {
          return null;
        }
        host = s.substring(0, colon);
        if (!NetUtil.isValidIpV4Address(host)) {
          return null;
        }
      } else {
        host = s;
      }
    }
    if (host.indexOf('%') >= 0) {
      return null; // no zone identifiers: they name an interface of the proxy, not a client
    }
    if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
      return null;
    }
    return NetUtil.createInetAddressFromIpAddressString(host);
  }

  private static boolean isPort(String s) {
    // ":4711", or an obfuscated port ":_abc" (RFC 7239 §6.3) that still leaves the address known.
    if (s.length() < 2 || s.charAt(0) != ':') {
      return false;
    }
    String port = s.substring(1);
    if (port.charAt(0) == '_') {
      return port.chars()
          .allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-');
    }
    return port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static List<String> splitList(String list) {
    List<String> items = new ArrayList<>();
    if (list == null || list.isBlank()) {
      return items;
    }
    for (String item : list.split(",", -1)) {
      items.add(item.strip());
    }
    return items;
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isTokenChar(char c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }
}
