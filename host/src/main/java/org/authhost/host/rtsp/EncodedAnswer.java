package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import org.authhost.host.metrics.CountedAnswers;

/**
 * An answer to the client as the bytes it gets, head and body: the origin's answer made the
 * client's ({@link RelayedAnswer}) or the front's own ({@link RtspAnswers}). Written through the
 * pipeline's {@link InterleavedFrameEncoder} as these bytes, past Netty's RTSP encoder (which takes
 * no holder of bytes but its own content), and counted by its status.
 */
final class EncodedAnswer extends DefaultByteBufHolder implements CountedAnswers.Encoded {
  private final int status;

  EncodedAnswer(ByteBuf bytes, int status) {
    super(bytes);
    this.status = status;
  }

  @Override
  public int status() {
    return status;
  }
}
