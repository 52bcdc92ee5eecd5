package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes an {@link InterleavedFrame} as its 4-byte header and its payload, without a copy: a frame
 * read whole goes as the one buffer it was read as.
 */
@ChannelHandler.Sharable
final class InterleavedFrameEncoder extends MessageToMessageEncoder<InterleavedFrame> {
  static final InterleavedFrameEncoder INSTANCE = new InterleavedFrameEncoder();

  private InterleavedFrameEncoder() {}

  @Override
  protected void encode(ChannelHandlerContext ctx, InterleavedFrame frame, List<Object> out) {
    ByteBuf wire = frame.wire();
    if (wire != null) {
      out.add(wire.retain()); // the payload shares its count: the frame's release leaves it one
      return;
    }
    int length = frame.content().readableBytes();
    out.add(ctx.alloc().buffer(4).writeByte('$').writeByte(frame.channel).writeShort(length));
    out.add(frame.content().retain());
  }
}
