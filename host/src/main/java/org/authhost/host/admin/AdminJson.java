package org.authhost.host.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import org.authhost.api.Capability;
import org.authhost.host.access.LogonThrottle;
import org.authhost.host.diagnostics.TroubleshootingEntry;
import org.authhost.host.plugins.PluginView;

/**
 * The JSON shapes of the admin endpoint and the web console, written out by hand so that they stay
 * stable.
 */
public final class AdminJson {
  private AdminJson() {}

  public static Map<String, Object> plugin(PluginView v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", v.id());
    m.put("version", v.version());
    m.put("file", v.file() == null ? "" : v.file().toString());
    m.put("status", v.status());
    m.put("statusText", v.statusText());
    m.put("errorCode", v.errorCode().hex());
    m.put("errorName", v.errorCode().name().orElse(""));
    m.put("errorText", v.errorText());
    m.put("protocol", v.protocol());
    m.put("packageName", v.packageName());
    m.put("flags", v.flags());
    m.put("flagsText", v.flagsText());
    m.put("sha256", v.sha256());
    m.put("signer", v.signer());
    m.put("state", v.state());
    m.put(
        "capabilities",
        v.capabilities().stream().sorted().map(Capability::descriptorName).toList());
    return m;
  }

  public static Map<String, Object> lockout(LogonThrottle.Lockout l) {
    Map<String, Object> m = new LinkedHashMap<>();
    int colon = l.key().indexOf(':');
    m.put("type", l.key().startsWith("ip:") ? "address" : "account");
    m.put("name", l.key().substring(colon + 1));
    m.put("until", l.until().toString());
    return m;
  }

  public static Map<String, Object> entry(TroubleshootingEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sequence", e.sequence());
    m.put("time", e.time().toString());
    m.put("type", e.type().name());
    m.put("source", e.source());
    m.put("hresult", e.hresult().hex());
    m.put("hresultName", e.hresult().name().orElse(""));
    m.put("text", e.text());
    m.put("eventRecordNumber", e.eventRecordNumber());
    return m;
  }
}
