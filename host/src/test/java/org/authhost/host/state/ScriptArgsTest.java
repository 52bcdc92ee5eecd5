package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The script arguments encoded once are, byte for byte, what Lettuce's own arguments send. */
class ScriptArgsTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] encoded(CommandArgs<byte[], byte[]> args) {
    ByteBuf buf = Unpooled.buffer(16);
    try {
      args.encode(buf);
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }

  @Test
  void theyAreWhatLettucesOwnArgumentsSend() {
    byte[][] keys = {b("authhost:plugin/digest/nc/" + "n".repeat(200)), b("authhost:life"), b("")};
    byte[][] values = {b("1"), b("12345678901234"), new byte[] {0, (byte) 0xff, '\r', '\n'}, b("")};
    String sha = "0123456789abcdef0123456789abcdef01234567";
    CommandArgs<byte[], byte[]> lettuce =
        new CommandArgs<>(ByteArrayCodec.INSTANCE)
            .add(sha)
            .add(keys.length)
            .addKeys(keys)
            .addValues(values);
    ScriptArgs ours = ScriptArgs.of(sha, keys, values);
    assertArrayEquals(encoded(lettuce), encoded(ours));
    assertEquals(lettuce.count(), ours.count());
    String source = "return 1 -- é";
    CommandArgs<byte[], byte[]> eval =
        new CommandArgs<>(ByteArrayCodec.INSTANCE)
            .add(source)
            .add(keys.length)
            .addKeys(keys)
            .addValues(values);
    assertArrayEquals(encoded(eval), encoded(ours.naming(source)), "the same after a NOSCRIPT");
  }

  @Test
  void noKeysAndNoValues() {
    CommandArgs<byte[], byte[]> lettuce =
        new CommandArgs<>(ByteArrayCodec.INSTANCE).add("sha").add(0);
    assertArrayEquals(
        encoded(lettuce), encoded(ScriptArgs.of("sha", new byte[0][], new byte[0][])));
  }
}
