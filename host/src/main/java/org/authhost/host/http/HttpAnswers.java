package org.authhost.host.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.authhost.host.http.content.Refusals;
import org.authhost.host.http.content.ShortAnswer;

/**
 * Where refusals become HTTP answers, for every refusal of the HTTP front: audits the refusal
 * (once, with the status it is answered with) and writes the answer. Nothing else in the front
 * writes a refusal's status.
 */
final class HttpAnswers {
  private final Audit audit;

  HttpAnswers(Audit audit) {
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
