package org.authhost.plugins.ntlm;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.authhost.api.CredentialService;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.PluginException;
import org.authhost.api.ServerContext;
import org.authhost.plugins.ntlm.AvPairs.AvPair;

/**
 * The NTLM server mechanism (MS-NLMP §3.2 server role, NTLMv2), shared by the NTLM plug-in and the
 * Negotiate plug-in, which bundles this JAR under {@code lib/} and hands it NTLM tokens found
 * inside SPNEGO or sent raw under the {@code Negotiate} scheme. In SSPI terms it is the NTLM
 * security package on the server side; {@link #newExchange()} is {@code AcceptSecurityContext}'s
 * fresh context handle.
 *
 * <p>One instance per plug-in; thread-safe. It owns what outlives a connection: the settings, the
 * server's names and the source of server challenges. Each {@link NtlmExchange} owns its one
 * outstanding challenge, which the first AUTHENTICATE uses up.
 *
 * <p>The settings (named values, each behind {@code prefix}) are {@code netbiosComputer}, {@code
 * netbiosDomain}, {@code dnsComputer}, {@code dnsDomain} (defaults from the server name), {@code
 * acceptedDomains}, {@code timestampSkewSeconds} (300), {@code handshakeTimeoutSeconds} (60),
 * {@code allowNtlmV1} (false), {@code emptyDomainFallback} (true) and {@code requireMic} (false).
 */
public final class NtlmMechanism {
  final NtlmSettings settings;
  final Clock clock;
  private final Supplier<CredentialService> credentials;
  private final Random random;

  /** Stands in for the NT hash of an account that does not exist, so both cost the same HMACs. */
  private final byte[] decoyHash = new byte[16];

  NtlmMechanism(
      NtlmSettings settings, Supplier<CredentialService> credentials, Clock clock, Random random) {
    this.settings = settings;
    this.credentials = credentials;
    this.clock = clock;
    this.random = random;
    random.nextBytes(decoyHash);
  }

  /**
   * Reads the NTLM settings from {@code settings}, each name prefixed with {@code prefix} ("" for
   * the NTLM plug-in, {@code "ntlm."} inside the Negotiate plug-in).
   *
   * @throws PluginException naming the setting and what was expected, when a value is invalid
   */
  public static NtlmMechanism create(NamedValues settings, String prefix, ServerContext server)
      throws PluginException {
    return create(
        settings, prefix, server, server == null ? null : server.clock(), new SecureRandom());
  }

  /** For tests: a clock to move and a random source to repeat. */
  static NtlmMechanism create(
      NamedValues settings, String prefix, ServerContext server, Clock clock, Random random) {
    if (settings == null || prefix == null || server == null) {
      throw new PluginException(
          HResult.E_INVALIDARG, "NtlmMechanism.create needs settings, a prefix and a server");
    }
    NtlmSettings s = NtlmSettings.from(settings, prefix, server.serverName());
    if (server.credentials() == null) {
      throw new PluginException(
          HResult.E_NOINTERFACE,
          "the host offers no credential service (API 1.2): NTLM needs the accounts' NT hashes");
    }
    return new NtlmMechanism(s, server::credentials, clock, random);
  }

  /** Starts the handshake of one connection. */
  public NtlmExchange newExchange() {
    return new NtlmExchange(this);
  }

  /** The warnings to log at enable, e.g. that NTLMv1 is allowed; empty when none apply. */
  public List<String> startupWarnings() {
    List<String> warnings = new ArrayList<>();
    if (settings.allowNtlmV1()) {
      warnings.add(
          "allowNtlmV1 is true: NTLMv1 responses are accepted. A captured NTLMv1 response can be "
              + "turned back into the account's NT hash, which is as good as the password; set allowNtlmV1 to false "
              + "as soon as no client needs it");
    }
    return List.copyOf(warnings);
  }

  byte[] newServerChallenge() {
    byte[] challenge = new byte[8];
    random.nextBytes(challenge);
    return challenge;
  }

  /** The CHALLENGE's TargetInfo, in the order Windows sends it, stamped with {@code now}. */
  List<AvPair> targetInfo(Instant now) {
    return List.of(
        new AvPair(AvPairs.NB_DOMAIN_NAME, utf16(settings.netbiosDomain())),
        new AvPair(AvPairs.NB_COMPUTER_NAME, utf16(settings.netbiosComputer())),
        new AvPair(AvPairs.DNS_DOMAIN_NAME, utf16(settings.dnsDomain())),
        new AvPair(AvPairs.DNS_COMPUTER_NAME, utf16(settings.dnsComputer())),
        new AvPair(AvPairs.TIMESTAMP, NtlmCrypto.fileTime(now)));
  }

  byte[] decoyHash() {
    return decoyHash;
  }

  /**
   * The account's NT hash, or {@code null} for an account the host does not know (or that is
   * disabled or has no password: the host does not tell these apart, and neither do we).
   */
  byte[] ntHash(String account) throws CredentialFault {
    CredentialService service = credentials.get();
    if (service == null) {
      throw new CredentialFault(HResult.E_NOINTERFACE, "the host's credential service is gone");
    }
    Out<byte[]> hash = new Out<>();
    HResult hr;
    try {
      hr = service.getNtHash(account, hash);
    } catch (RuntimeException e) {
      throw new CredentialFault(
          HResult.E_UNEXPECTED,
          "the host's credential service failed on an NTLM logon: " + e.getClass().getName());
    }
    if (hr == null) {
      throw new CredentialFault(
          HResult.E_POINTER, "the host's credential service answered null for getNtHash");
    }
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      return null;
    }
    if (hr.failed()) {
      throw new CredentialFault(
          hr, "the host's credential service answered " + hr + " for getNtHash");
    }
    byte[] value = hash.get();
    if (value == null || value.length != 16) {
      throw new CredentialFault(
          HResult.E_UNEXPECTED,
          "the host's credential service gave an NT hash of "
              + (value == null ? "no" : value.length)
              + " bytes; expected 16");
    }
    return value;
  }

  private static byte[] utf16(String s) {
    return s.getBytes(StandardCharsets.UTF_16LE);
  }
}
