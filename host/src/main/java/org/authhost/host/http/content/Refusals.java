package org.authhost.host.http.content;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The front's one place for refusals, as the content package sees it: audits a refusal (or not) and
 * builds its answer. The front's {@code HttpAnswers} implements it, bound to one exchange, and
 * {@code Dispatch} hands it to the proxy, so that the proxy's refusals are audited and rendered by
 * the same code as the front's ({@code Refusal}, {@code Audit.refused}, {@code
 * HttpAnswers.render}).
 *
 * <p>Why a port and not a moved {@code Refusal}: {@code Refusal} and {@code Verdict} are the
 * protocol-neutral values of the authentication driver and belong with it in {@code http}; {@code
 * content} must not depend on {@code http} (package cycle). A port owned by {@code content} and
 * implemented by {@code http} keeps the dependency one way while the decision of what is audited,
 * and at which level, stays in {@code Refusal}.
 */
@FunctionalInterface
public interface Refusals {
  /**
   * Audits the refusal when {@code auditReason} is not null and returns the answer to write.
   *
   * @param auditReason the audit record's reason, or null when the refusal is the client's own
   *     mistake and not a security event (not audited)
   */
  FullHttpResponse refuse(
      HttpResponseStatus status, String text, boolean keepAlive, String auditReason);

  /** No front: renders without auditing (tests and callers without an audit). */
  Refusals UNAUDITED = (status, text, keepAlive, reason) -> ShortAnswer.of(status, text, keepAlive);
}
