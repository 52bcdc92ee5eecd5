package org.authhost.host.state;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A script call's arguments ({@code EVALSHA} or {@code EVAL}: the script, how many keys, the keys,
 * the values), encoded once into one array as the protocol sends them. Lettuce's own arguments wrap
 * each key and value in an object and write each into the buffer on its own, with a bounds check
 * and a growth step per argument: a batch of window claims carries some fifty, and that encoding
 * was a tenth of the host's samples on Redis (JFR, docs/benchmarks.md). Here the buffer gets one
 * copy.
 */
final class ScriptArgs extends CommandArgs<byte[], byte[]> {
  private static final byte[] CRLF = {'\r', '\n'};

  private final byte[] script;
  private final byte[] rest;
  private final int count;

  private ScriptArgs(byte[] script, byte[] rest, int count) {
    super(ByteArrayCodec.INSTANCE);
    this.script = script;
    this.rest = rest;
    this.count = count;
  }

  /** The call of the script named {@code script} (its SHA-1, or its source) on these arguments. */
  static ScriptArgs of(String script, byte[][] keys, byte[][] values) {
    byte[] numKeys = Integer.toString(keys.length).getBytes(StandardCharsets.US_ASCII);
    int size = bulkSize(numKeys);
    for (byte[] k : keys) {
      size += bulkSize(k);
    }
    for (byte[] v : values) {
      size += bulkSize(v);
    }
    byte[] rest = new byte[size];
    int at = bulk(rest, 0, numKeys);
    for (byte[] k : keys) {
      at = bulk(rest, at, k);
    }
    for (byte[] v : values) {
      at = bulk(rest, at, v);
    }
    return new ScriptArgs(
        script.getBytes(StandardCharsets.UTF_8), rest, 2 + keys.length + values.length);
  }

  /** The same keys and values for another form of the script (its source after a NOSCRIPT). */
  ScriptArgs naming(String other) {
    return new ScriptArgs(other.getBytes(StandardCharsets.UTF_8), rest, count);
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.ensureWritable(bulkSize(script) + rest.length);
    buf.writeByte('$');
    buf.writeBytes(digits(script.length));
    buf.writeBytes(CRLF);
    buf.writeBytes(script);
    buf.writeBytes(CRLF);
    buf.writeBytes(rest);
  }

  @Override
  public String toString() {
    return "script arguments (" + count + ")"; // never the values: a life mark, a stored value
  }

  @Override
  public String toCommandString() {
    return toString();
  }

  private static int bulkSize(byte[] b) {
    return 1 + digits(b.length).length + 2 + b.length + 2;
  }

  private static int bulk(byte[] into, int at, byte[] b) {
    into[at++] = '$';
    byte[] n = digits(b.length);
    System.arraycopy(n, 0, into, at, n.length);
    at += n.length;
    into[at++] = '\r';
    into[at++] = '\n';
    System.arraycopy(b, 0, into, at, b.length);
    at += b.length;
    into[at++] = '\r';
    into[at++] = '\n';
    return at;
  }

  private static byte[] digits(int n) {
    return n < SMALL.length ? SMALL[n] : Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  /** The lengths of most arguments (keys of some seventy bytes, numbers, a life mark). */
  private static final byte[][] SMALL = new byte[128][];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
    }
  }
}
