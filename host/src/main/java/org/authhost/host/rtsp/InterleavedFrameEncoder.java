package org.authhost.host.rtsp;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/** Writes an {@link InterleavedFrame} as its 4-byte header and its payload, without a copy. */
@ChannelHandler.Sharable
final class InterleavedFrameEncoder extends MessageToMessageEncoder<InterleavedFrame> {
  static final InterleavedFrameEncoder INSTANCE = new InterleavedFrameEncoder();

  private InterleavedFrameEncoder() {}

  @Override
  protected void encode(ChannelHandlerContext ctx, InterleavedFrame frame, List<Object> out) {
    int length = frame.content().readableBytes();
    out.add(ctx.alloc().buffer(4).writeByte('$').writeByte(frame.channel).writeShort(length));
    out.add(frame.content().retain());
  }
}
