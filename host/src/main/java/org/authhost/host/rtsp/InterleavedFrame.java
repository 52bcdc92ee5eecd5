package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One interleaved binary frame (RFC 2326 §10.12: {@code '$'}, a channel byte, a 16-bit length, the
 * payload): RTP or RTCP carried on the RTSP connection, relayed as an opaque buffer.
 */
final class InterleavedFrame extends DefaultByteBufHolder {
  final int channel;

  InterleavedFrame(int channel, ByteBuf payload) {
    super(payload);
    this.channel = channel;
  }

  @Override
  public InterleavedFrame retainedDuplicate() {
    return new InterleavedFrame(channel, content().retainedDuplicate());
  }
}
