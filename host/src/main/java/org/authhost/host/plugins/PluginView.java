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
    Set<Capability> capabilities) {

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
