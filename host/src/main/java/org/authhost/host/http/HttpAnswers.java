package org.authhost.host.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.Request;
import org.authhost.host.authn.Verdict;
import org.authhost.host.http.content.Refusals;
import org.authhost.host.http.content.ShortAnswer;

/**
 * Where refusals become HTTP answers, for every refusal of the HTTP front: audits the refusal
 * (once, with the status it is answered with) and writes the answer. Nothing else in the front
 * writes a refusal's status. The web console's listener answers its refusals here too ({@link
 * #refused}).
 */
public final class HttpAnswers {
  private final Audit audit;

  public HttpAnswers(Audit audit) {
    this.audit = audit;
  }

  /**
   * Audits {@code refusal} and answers the exchange with it. The audit is written even when the
   * client has gone meanwhile: a refusal happened whether or not anyone hears it.
   */
  void refuse(Exchange exchange, Refusal refusal) {
    if (refusal.audited()) {
      audit.refused(exchange.audited(), refusal);
    }
    if (exchange.isOver()) {
      return;
    }
    ChannelFuture written =
        exchange.answer(render(refusal, exchange.keepAlive() && !refusal.close()));
    if (refusal.close()) {
      // Whatever follows on the connection cannot be trusted to be a request of its own.
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Audits {@code refusal} of the request {@code audited} describes and gives its answer, for a
   * listener that writes answers itself (the web console's).
   */
  public FullHttpResponse refused(Request audited, Refusal refusal, boolean keepAlive) {
    if (refusal.audited()) {
      audit.refused(audited, refusal);
    }
    return render(refusal, keepAlive && !refusal.close());
  }

  /**
   * This place as the content package's port, bound to {@code exchange}: the proxy's refusals are
   * audited per {@link Refusal#content} and rendered by {@link #render}; the proxy writes them.
   */
  Refusals refusals(Exchange exchange) {
    return (status, text, keepAlive, reason) -> {
      Refusal refusal = Refusal.content(status.code(), text, reason);
      if (refusal.audited()) {
        audit.refused(exchange.audited(), refusal);
      }
      return render(refusal, keepAlive);
    };
  }

  /**
   * Answers a streaming server's call ({@code integrations}) with {@code verdict} in its caller's
   * terms ({@link CallerAnswers}), auditing a refusal as {@code audited} describes the call (never
   * with the call's own URI, whose query can hold the client's password).
   *
   * @param identityHeader the header that names the account for nginx auth_request, or null
   * @param close whether the connection ends with this answer whatever the verdict
   */
  void answerCall(
      Exchange exchange,
      CallerAnswers.Dialect dialect,
      Request audited,
      Verdict verdict,
      String identityHeader,
      boolean close) {
    close |= verdict instanceof Refusal r && r.close();
    boolean keepAlive = exchange.keepAlive() && !close;
    FullHttpResponse response =
        verdict instanceof Refusal refusal
            ? CallerAnswers.refused(dialect, refusal, keepAlive)
            : CallerAnswers.allowed(dialect, (Verdict.Serve) verdict, identityHeader, keepAlive);
    if (verdict instanceof Refusal refusal && refusal.audited()) {
      // With the status the caller gets (nginx sees 403 for what an HTTP client gets 400 for).
      audit.refused(audited, refusal, response.status().code());
    }
    if (exchange.isOver()) {
      response.release();
      return;
    }
    ChannelFuture written = exchange.answer(response);
    if (close) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The HTTP answer for a refusal: status, text, challenges, Retry-After, Connection. */
  static FullHttpResponse render(Refusal refusal, boolean keepAlive) {
    FullHttpResponse response =
        ShortAnswer.of(HttpResponseStatus.valueOf(refusal.kind().code), refusal.text(), keepAlive);
    for (String challenge : refusal.challenges()) {
      response.headers().add("WWW-Authenticate", challenge);
    }
    if (refusal.retryAfterSeconds() > 0) {
      response.headers().set("Retry-After", refusal.retryAfterSeconds());
    }
    return response;
  }
}
