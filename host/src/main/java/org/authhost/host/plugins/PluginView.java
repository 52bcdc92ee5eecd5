package org.authhost.host.plugins;

import java.nio.file.Path;
import java.util.Set;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.Capability;
import org.authhost.api.HResult;

/**
 * A snapshot of one plug-in for operators: the {@code IWMSPlugin} properties.
 *
 * @param id the plug-in id (the file name if the JAR could not be read)
 * @param version its version, or empty
 * @param file the JAR it was loaded from
 * @param status the {@link PluginStatus} bits
 * @param errorCode {@code IWMSPlugin.ErrorCode}; meaningful while the ERROR bit is set
 * @param errorText {@code IWMSPlugin.ErrorText}
 * @param protocol the authentication protocol, or empty for other plug-ins
 * @param packageName the authentication package name, or empty
 * @param flags the authentication flags
 * @param capabilities the capabilities it holds (none for a JAR that was refused)
 * @param sha256 the hex SHA-256 of its JAR as loaded, or empty
 * @param signer who signed its JAR, or {@link #NO_SIGNER} where no signature is checked
 * @param state where it stands in a reload: {@link #CURRENT} (the version new clients get), {@link
 *     #DRAINING} (replaced or removed, finishing what it started), {@link #SUPERSEDED} (a file of
 *     an older version beside a newer one, not loaded) or {@link #REFUSED}
 */
public record PluginView(
    String id,
    String version,
    Path file,
    int status,
    HResult errorCode,
    String errorText,
    String protocol,
    String packageName,
    int flags,
    Set<Capability> capabilities,
    String sha256,
    String signer,
    String state) {

  /** The signer column where the host checks no signature. */
  public static final String NO_SIGNER = "-";

  public static final String CURRENT = "CURRENT";
  public static final String DRAINING = "DRAINING";
  public static final String SUPERSEDED = "SUPERSEDED";
  public static final String REFUSED = "REFUSED";

  /** Before the reload columns: a plug-in in service, its file's hash not known. */
  public PluginView(
      String id,
      String version,
      Path file,
      int status,
      HResult errorCode,
      String errorText,
      String protocol,
      String packageName,
      int flags,
      Set<Capability> capabilities) {
    this(
        id,
        version,
        file,
        status,
        errorCode,
        errorText,
        protocol,
        packageName,
        flags,
        capabilities,
        "",
        NO_SIGNER,
        CURRENT);
  }

  /** {@link PluginStatus#toString(int)} of {@link #status}. */
  public String statusText() {
    return PluginStatus.toString(status);
  }

  /** {@link AuthenticationFlags#toString(int)} of {@link #flags}. */
  public String flagsText() {
    return AuthenticationFlags.toString(flags);
  }

  /** The names of {@link #capabilities}, in declaration order. */
  public String capabilitiesText() {
    return CapabilityGrant.names(capabilities);
  }

  /** Whether the ERROR bit is set. */
  public boolean inError() {
    return (status & PluginStatus.ERROR) != 0;
  }
}
