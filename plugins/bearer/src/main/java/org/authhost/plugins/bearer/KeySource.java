package org.authhost.plugins.bearer;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;

/** Where the provider's keys come from: one fetch, no caching (that is {@link ProviderKeys}). */
interface KeySource {
  /** Far more than a discovery document or a key set holds; a larger answer is not read. */
  int MAX_DOCUMENT_BYTES = 512 * 1024;

  /**
   * The current key set.
   *
   * @throws IOException naming what could not be fetched or read, for the operator
   */
  JWKSet fetch() throws IOException;

  /** What the operator reads in an event: where the keys come from. */
  String describe();

  /** Keys given inline in the settings: never fetched, never unavailable. */
  static KeySource inline(String jwks) {
    JWKSet keys;
    try {
      keys = JWKSet.parse(jwks).toPublicJWKSet();
    } catch (ParseException e) {
      throw new IllegalArgumentException(
          "properties.jwks is not a JWKS document ({\"keys\":[...]}): " + e.getMessage());
    }
    return new KeySource() {
      @Override
      public JWKSet fetch() {
        return keys;
      }

      @Override
      public String describe() {
        return "the keys in properties.jwks";
      }
    };
  }

  /**
   * Keys from the provider: {@code jwksUri} if given, otherwise the {@code jwks_uri} of the
   * issuer's discovery document (OpenID Connect Discovery 1.0 §4), whose {@code issuer} must be the
   * configured one.
   */
  static KeySource remote(String issuer, Optional<URI> jwksUri, int timeoutMillis) {
    return new Remote(
        issuer,
        jwksUri,
        new DefaultResourceRetriever(timeoutMillis, timeoutMillis, MAX_DOCUMENT_BYTES));
  }

  /** Fetches over HTTP(S) with the library's retriever (time-outs, a size limit). */
  final class Remote implements KeySource {
    private final String issuer;
    private final DefaultResourceRetriever http;
    private volatile URI jwksUri;

    Remote(String issuer, Optional<URI> jwksUri, DefaultResourceRetriever http) {
      this.issuer = issuer;
      this.jwksUri = jwksUri.orElse(null);
      this.http = http;
    }

    @Override
    public JWKSet fetch() throws IOException {
      URI keys = jwksUri == null ? discover() : jwksUri;
      try {
        return JWKSet.parse(get(keys).getContent()).toPublicJWKSet();
      } catch (ParseException e) {
        throw new IOException(keys + " is not a JWKS document: " + e.getMessage(), e);
      }
    }

    private URI discover() throws IOException {
      URI discovery =
          URI.create(
              (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                  + "/.well-known/openid-configuration");
      try {
        Map<String, Object> doc = JSONObjectUtils.parse(get(discovery).getContent());
        String said = JSONObjectUtils.getString(doc, "issuer");
        if (!issuer.equals(said)) {
          throw new IOException(
              discovery + " names the issuer '" + said + "', not the configured '" + issuer + "'");
        }
        URI found = JSONObjectUtils.getURI(doc, "jwks_uri");
        if (found == null) {
          throw new IOException(discovery + " has no jwks_uri");
        }
        jwksUri = found; // the document is read once; the keys behind it are refetched
        return found;
      } catch (ParseException e) {
        throw new IOException(discovery + " is not a discovery document: " + e.getMessage(), e);
      }
    }

    private Resource get(URI uri) throws IOException {
      try {
        return http.retrieveResource(uri.toURL());
      } catch (IOException e) {
        throw new IOException(uri + ": " + e, e);
      }
    }

    @Override
    public String describe() {
      return jwksUri != null ? String.valueOf(jwksUri) : issuer + " (discovery)";
    }
  }
}
