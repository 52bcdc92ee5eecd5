package org.authhost.host.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

/**
 * Every final answer is counted where it leaves the pipeline, whether it is written as Netty's
 * response or already encoded (the RTSP relay's); interim answers and plain bytes are not.
 */
class CountedAnswersTest {
  /** An already encoded answer, as the RTSP relay writes one. */
  static final class Encoded extends DefaultByteBufHolder implements CountedAnswers.Encoded {
    private final int status;

    Encoded(int status) {
      super(Unpooled.copiedBuffer(new byte[] {'x'}));
      this.status = status;
    }

    @Override
    public int status() {
      return status;
    }
  }

  @Test
  void responsesAndEncodedAnswersAreCountedByStatus() {
    AnswerCounts counts = new HostMetrics().answers(HostMetrics.RTSP);
    EmbeddedChannel ch = new EmbeddedChannel(CountedAnswers.of(counts));
    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    ch.writeOutbound(new Encoded(200));
    ch.writeOutbound(new Encoded(454));
    ch.writeOutbound(new Encoded(100));
    ByteBuf bytes = Unpooled.copiedBuffer(new byte[] {'y'});
    ch.writeOutbound(bytes);
    assertEquals(3, counts.total());
    Object out;
    int passed = 0;
    while ((out = ch.readOutbound()) != null) {
      passed++;
      ReferenceCountUtil.release(out);
    }
    assertEquals(5, passed, "every message passes on");
  }
}
