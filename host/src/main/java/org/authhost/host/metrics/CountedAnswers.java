package org.authhost.host.metrics;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import java.util.function.Supplier;

/**
 * Counts each final answer a front writes, by its status, where every answer passes: on the way out
 * of the pipeline, whichever handler wrote it (a refusal, a file, the origin's answer relayed).
 * Interim answers (1xx) are not counted; the body that follows a head is not looked at.
 */
@ChannelHandler.Sharable
public final class CountedAnswers extends ChannelOutboundHandlerAdapter {
  /**
   * An answer written already encoded (the RTSP relay's, passed as bytes with only a few headers
   * rewritten, not as an {@link HttpResponse}): its status, counted as any answer's.
   */
  public interface Encoded {
    int status();
  }

  private final Supplier<AnswerCounts> front;

  /**
   * @param front the counts of the request being answered: one front's, or, where one connection
   *     carries calls of several (a streaming server's endpoint on the HTTP listener), the current
   *     request's
   */
  public CountedAnswers(Supplier<AnswerCounts> front) {
    this.front = front;
  }

  /** For a front whose every answer counts the same. */
  public static CountedAnswers of(AnswerCounts counts) {
    return new CountedAnswers(() -> counts);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    int status =
        msg instanceof HttpResponse response
            ? response.status().code()
            : msg instanceof Encoded encoded ? encoded.status() : 0;
    if (status >= 200) {
      front.get().count(status);
    }
    ctx.write(msg, promise);
  }
}
