package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One interleaved binary frame (RFC 2326 §10.12: {@code '$'}, a channel byte, a 16-bit length, the
 * payload): RTP or RTCP carried on the RTSP connection, relayed as an opaque buffer.
 */
final class InterleavedFrame extends DefaultByteBufHolder {
  final int channel;

  /**
   * The frame as it was read, header and payload in one buffer (sharing the payload's reference
   * count), or null: relayed as it came, so the encoder needs no header buffer of its own and the
   * write one buffer per frame, not two.
   */
  private final ByteBuf wire;

  InterleavedFrame(int channel, ByteBuf payload) {
    this(channel, payload, null);
  }

  private InterleavedFrame(int channel, ByteBuf payload, ByteBuf wire) {
    super(payload);
    this.channel = channel;
    this.wire = wire;
  }

  /** A frame read whole: {@code wire} is its 4-byte header and payload; the frame owns it. */
  static InterleavedFrame read(ByteBuf wire) {
    return new InterleavedFrame(
        wire.getUnsignedByte(wire.readerIndex() + 1),
        wire.slice(wire.readerIndex() + 4, wire.readableBytes() - 4),
        wire);
  }

  /** The frame's bytes as read, header included, or null for a frame made of its payload. */
  ByteBuf wire() {
    return wire;
  }

  @Override
  public InterleavedFrame retainedDuplicate() {
    return new InterleavedFrame(channel, content().retainedDuplicate());
  }
}
