package org.authhost.host.config;

import java.nio.file.Path;

/**
 * The HTTPS listener.
 *
 * @param keystore a PKCS#12 file with the server's key and certificate chain
 * @param password the keystore's password
 * @param port the HTTPS port; 0 picks a free one
 */
public record TlsConfig(Path keystore, String password, int port) {
  @Override
  public String toString() {
    return "TlsConfig[keystore=" + keystore + ", port=" + port + "]";
  }
}
