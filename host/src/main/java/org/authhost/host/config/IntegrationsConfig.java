package org.authhost.host.config;

import java.util.List;

/**
 * {@code integrations}: the HTTP endpoints that streaming servers call to have a client
 * authenticated (nginx {@code auth_request}, nginx-rtmp {@code on_*}, MediaMTX {@code authMethod:
 * http}, SRS {@code http_hooks}). Each endpoint is off (null) unless configured.
 *
 * @param successAuditSeconds a successful check is audited once per client address, account and
 *     stream within this many seconds (an HLS player asks for every segment)
 * @param nginxAuthRequest nginx {@code auth_request}, or null
 * @param nginxRtmp nginx-rtmp's notify calls, or null
 * @param mediamtx MediaMTX's {@code authHTTPAddress}, or null
 * @param srs SRS's {@code http_hooks}, or null
 */
public record IntegrationsConfig(
    long successAuditSeconds,
    NginxAuthRequestConfig nginxAuthRequest,
    StreamHookConfig nginxRtmp,
    MediaMtxConfig mediamtx,
    StreamHookConfig srs) {

  /**
   * The callers an endpoint accepts when its {@code callers} is absent: a streaming server on the
   * same machine, the common case.
   */
  public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1");

  /** Every endpoint off. */
  public static final IntegrationsConfig NONE =
      new IntegrationsConfig(
          IntegrationsSection.DEFAULT_SUCCESS_AUDIT_SECONDS, null, null, null, null);

  /** Whether any endpoint is on. */
  public boolean any() {
    return nginxAuthRequest != null || nginxRtmp != null || mediamtx != null || srs != null;
  }
}
