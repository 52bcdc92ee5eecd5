package org.authhost.host.config;

import java.util.regex.Pattern;

/**
 * The one rule for the names of query parameters that carry a plug-in's credential in a request URL
 * (API 1.4): a plug-in's descriptor ({@code url-credentials=}) and the operator's {@code
 * plugins.settings.<id>.urlCredentials} accept exactly the same names. Only characters that a URL
 * never percent-encodes, so that the name a client sends is the name configured, byte for byte.
 */
public final class UrlCredentialParameter {
  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

  /** At most this many per plug-in: each is looked for in every request's query. */
  public static final int MAX_PER_PLUGIN = 8;

  /** What a problem says was expected. */
  public static final String EXPECTED =
      "a query parameter name (1 to 64 letters, digits, '.', '_', '~' or '-'), at most "
          + MAX_PER_PLUGIN
          + " per plug-in";

  private UrlCredentialParameter() {}

  /** Whether {@code name} is a well-formed parameter name. */
  public static boolean isValid(String name) {
    return FORM.matcher(name).matches();
  }
}
