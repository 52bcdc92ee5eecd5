package org.authhost.host.kit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The malformed and random client blobs, the same for the same seed: empty, every single byte, 64
 * KiB ones, random binary and random text, and cuts and flips of the plug-in's own challenge (the
 * only valid-looking data a kit that knows no protocol has).
 */
final class ClientBlobs {
  /** The largest blob sent: a generous header line. */
  static final int HUGE = 64 * 1024;

  /**
   * One blob.
   *
   * @param kind how it was made, for the report
   * @param secondLeg whether it is sent after a first leg that the plug-in answered with CONTINUE
   */
  record Blob(int index, String kind, byte[] bytes, boolean secondLeg) {
    String describe() {
      byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, 16));
      return "blob #"
          + index
          + " ("
          + kind
          + (secondLeg ? ", sent as the second leg after CONTINUE" : "")
          + ", "
          + bytes.length
          + " bytes"
          + (bytes.length == 0 ? "" : ", starting " + HexFormat.of().formatHex(head))
          + ")";
    }
  }

  private ClientBlobs() {}

  /**
   * {@code count} blobs from {@code seed}; cuts and flips of {@code challenge} only when it is not
   * empty.
   */
  static List<Blob> of(long seed, int count, byte[] challenge) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Blob> blobs = new ArrayList<>();
    add(blobs, count, "empty", new byte[0], false);
    for (int b = 0; b < 256 && blobs.size() < count; b++) {
      add(blobs, count, "one byte", new byte[] {(byte) b}, false);
    }
    for (int i = 0; i < 4; i++) {
      add(blobs, count, "64 KiB random", bytes(random, HUGE), false);
    }
    add(blobs, count, "64 KiB text", text(random, HUGE), false);
    while (blobs.size() < count) {
      int pick = random.nextInt(challenge.length == 0 ? 3 : 5);
      switch (pick) {
        case 0 -> add(blobs, count, "random binary", bytes(random, 2 + random.nextInt(512)), false);
        case 1 -> add(blobs, count, "random text", text(random, 1 + random.nextInt(256)), false);
        case 2 ->
            add(
                blobs,
                count,
                "random text with separators",
                separated(random, 1 + random.nextInt(128)),
                false);
        case 3 ->
            add(
                blobs,
                count,
                "the plug-in's challenge, truncated",
                Arrays.copyOf(challenge, random.nextInt(challenge.length)),
                true);
        default -> {
          byte[] flipped = challenge.clone();
          flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
          add(blobs, count, "the plug-in's challenge, one bit flipped", flipped, true);
        }
      }
    }
    return blobs;
  }

  private static void add(List<Blob> blobs, int count, String kind, byte[] b, boolean second) {
    if (blobs.size() < count) {
      blobs.add(new Blob(blobs.size(), kind, b, second));
    }
  }

  private static byte[] bytes(SplittableRandom random, int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  private static byte[] text(SplittableRandom random, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (0x20 + random.nextInt(0x5F));
    }
    return b;
  }

  /** Text shaped like credentials of many protocols: words, '=', ',', ':', quotes, spaces. */
  private static byte[] separated(SplittableRandom random, int parts) {
    String[] glue = {"=", ",", ":", "\"", " ", ", ", "=\"", "\\", "\u0000", "%"};
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < parts; i++) {
      s.append(new String(text(random, 1 + random.nextInt(12)), StandardCharsets.ISO_8859_1));
      s.append(glue[random.nextInt(glue.length)]);
    }
    return s.toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}
