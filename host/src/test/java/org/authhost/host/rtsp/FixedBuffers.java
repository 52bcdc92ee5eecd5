package org.authhost.host.rtsp;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * An allocator whose buffers cannot grow past the capacity first asked for: a writer that sized its
 * buffer too small fails instead of growing it (a second allocation and a copy).
 */
final class FixedBuffers extends AbstractByteBufAllocator {
  FixedBuffers() {
    super(false);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return Unpooled.buffer(initialCapacity, initialCapacity);
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return Unpooled.directBuffer(initialCapacity, initialCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }
}
