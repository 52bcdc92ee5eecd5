package org.authhost.plugins.digest;

/**
 * Why the plug-in refused a request for a reason the host's audit cannot see, for its own
 * INFORMATION event.
 *
 * @param kind what sort of fault: refusals of one kind from one address are counted together
 * @param reason the exact reason, for the first event of a flood
 */
record Refusal(Kind kind, String reason) {

  /** The sorts of refusal that {@link RefusalLog} counts apart. */
  enum Kind {
    /** Bad form, or not what this server offered (including a nonce it did not issue). */
    MALFORMED("malformed"),
    /** A nonce count used before with the same nonce. */
    REPLAYED("replayed");

    private final String adjective;

    Kind(String adjective) {
      this.adjective = adjective;
    }

    /** For the summary event: "12 more malformed Digest requests ...". */
    String adjective() {
      return adjective;
    }
  }
}
