package org.authhost.host.config;

import java.nio.file.Path;

/**
 * {@code plugins.integrity}: which plug-in JARs the host agrees to load. The files it trusts are
 * not settings: they sit at fixed places, the operator's in the configuration folder (written only
 * by {@code authhost plugins trust} and {@code untrust}), the built-in plug-ins' in the
 * distribution, so that no {@code host.json} edit can point the host at a list a plug-in writes.
 *
 * @param mode {@code off}, {@code sha256} or {@code signed}
 * @param allowList the operator's SHA-256 allow-list ({@value #ALLOW_LIST}); {@code null} only in
 *     configurations made in code with the mode off
 * @param trustStore the operator's PKCS#12 trust store of signers ({@value #TRUST_STORE})
 * @param builtInHashes the hashes of the built-in plug-ins, written by the build ({@value
 *     #BUILT_IN_HASHES} in the distribution's {@code lib/})
 */
public record IntegrityConfig(Mode mode, Path allowList, Path trustStore, Path builtInHashes) {

  /** The operator's allow-list, in the configuration folder. */
  public static final String ALLOW_LIST = "plugins.lock";

  /** The operator's trust store, in the configuration folder. */
  public static final String TRUST_STORE = "plugins-trust.p12";

  /** The build's list of the built-in plug-ins' hashes, in the distribution's {@code lib/}. */
  public static final String BUILT_IN_HASHES = "builtin-plugins.sha256";

  /** Every JAR loads, unchecked: what a configuration made in code without the setting gets. */
  public static final IntegrityConfig OFF = new IntegrityConfig(Mode.OFF, null, null, null);

  /** How a plug-in JAR earns its load. */
  public enum Mode {
    /** Unchecked (the default, and the behaviour before the setting existed). */
    OFF("off"),
    /** Its SHA-256 is on the operator's allow-list or the built-in list. */
    SHA256("sha256"),
    /**
     * Every entry signed by a certificate that chains to the operator's trust store, or its SHA-256
     * on one of the lists.
     */
    SIGNED("signed");

    private final String text;

    Mode(String text) {
      this.text = text;
    }

    /** As written in {@code host.json}. */
    public String text() {
      return text;
    }
  }
}
