package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes an {@link InterleavedFrame} as its 4-byte header and its payload, without a copy: a frame
 * read whole goes as the one buffer it was read as. An {@link EncodedAnswer} goes as its bytes (it
 * passed Netty's RTSP encoder, which takes no other holder of bytes, as a frame does).
 */
@ChannelHandler.Sharable
final class InterleavedFrameEncoder extends MessageToMessageEncoder<ByteBufHolder> {
  static final InterleavedFrameEncoder INSTANCE = new InterleavedFrameEncoder();

  private InterleavedFrameEncoder() {}

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof InterleavedFrame;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof EncodedAnswer answer) {
      // Its bytes go as they are, the holder's one count with them (a holder's count is its
      // content's): not through the encoder's list, retain and release per answer.
      ctx.write(answer.content(), promise);
      return;
    }
    super.write(ctx, msg, promise);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBufHolder msg, List<Object> out) {
    InterleavedFrame frame = (InterleavedFrame) msg;
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
