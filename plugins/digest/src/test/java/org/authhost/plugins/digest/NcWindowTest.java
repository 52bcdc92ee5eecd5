package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.authhost.plugins.digest.NcWindow.Result;
import org.junit.jupiter.api.Test;

class NcWindowTest {
  @Test
  void countsOutOfOrderAreAcceptedOnceAnywhereInTheWindow() {
    NcWindow w = new NcWindow();
    assertEquals(Result.ACCEPTED, w.accept(2000));
    // The whole window below the highest, in a scrambled order: each once, then each a replay.
    for (int i = 0; i < NcWindow.SIZE - 1; i++) {
      long nc = 2000 - 1 - ((i * 7L) % (NcWindow.SIZE - 1));
      assertEquals(Result.ACCEPTED, w.accept(nc), "count " + nc);
    }
    for (long nc = 2000; nc > 2000 - NcWindow.SIZE; nc--) {
      assertEquals(Result.REPLAYED, w.accept(nc), "count " + nc);
    }
    assertEquals(Result.TOO_OLD, w.accept(2000 - NcWindow.SIZE));
  }

  @Test
  void aCountFallingOutOfTheWindowIsTooOldAndItsBitDoesNotPoseAsALaterCount() {
    NcWindow w = new NcWindow();
    assertEquals(Result.ACCEPTED, w.accept(5));
    assertEquals(Result.ACCEPTED, w.accept(5 + NcWindow.SIZE - 1));
    assertEquals(Result.REPLAYED, w.accept(5), "still inside the window");
    // 5 + SIZE shares 5's bit: the move up clears it, so the new count is not taken for a replay.
    assertEquals(Result.ACCEPTED, w.accept(5 + NcWindow.SIZE));
    assertEquals(Result.TOO_OLD, w.accept(5));
    assertEquals(Result.REPLAYED, w.accept(5 + NcWindow.SIZE));
  }

  @Test
  void aJumpOfMoreThanTheWindowForgetsEverythingBelow() {
    NcWindow w = new NcWindow();
    for (long nc = 1; nc <= 10; nc++) {
      assertEquals(Result.ACCEPTED, w.accept(nc));
    }
    long far = 10 + 3L * NcWindow.SIZE + 3;
    assertEquals(Result.ACCEPTED, w.accept(far));
    // Counts that share bits with 1..10 but were never used are new.
    for (long nc = far - 1; nc > far - 10; nc--) {
      assertEquals(Result.ACCEPTED, w.accept(nc), "count " + nc);
    }
    assertEquals(Result.REPLAYED, w.accept(far));
  }
}
