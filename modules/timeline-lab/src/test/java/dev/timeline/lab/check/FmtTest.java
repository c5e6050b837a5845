package dev.timeline.lab.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FmtTest {

  @Test
  void roundingNeverHidesHowAValueComparesToItsBound() {
    assertEquals("0.985", Fmt.against(0.985, 0.99, 2));
    assertEquals("0.72", Fmt.against(0.72, 0.99, 2));
    assertEquals("0.5", Fmt.against(0.5, 0.99, 2));
    assertEquals("1830", Fmt.against(1830.447, 1000, 0));
    assertEquals("1000.4", Fmt.against(1000.4, 1000, 0));
  }

  @Test
  void plainHidesBinaryNoise() {
    assertEquals("0.3", Fmt.plain(0.1 * 3));
    assertEquals("1000", Fmt.plain(1000));
    assertEquals("0.99", Fmt.plain(0.99));
  }
}
