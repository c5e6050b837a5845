package dev.timeline.lab.dash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each fault button is exactly one scripts/cluster verb, and nothing else reaches the script. */
class FaultCommandTest {
  @Test
  void buttonsAreScriptVerbs() {
    assertEquals(List.of("crash", "2"), FaultCommand.of("crash", 2, null).args());
    assertEquals(List.of("partition", "1"), FaultCommand.of("partition", 1, null).args());
    assertEquals(List.of("slow", "3", "500"), FaultCommand.of("slow", 3, 500).args());
    assertEquals(List.of("heal"), FaultCommand.of("heal", 7, null).args());
    assertEquals(List.of("journal", "crash"), FaultCommand.of("journal-crash", null, null).args());
    assertEquals("scripts/cluster journal start", FaultCommand.of("journal-start", null, null).line());
  }

  @Test
  void anythingElseIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> FaultCommand.of("reset", null, null));
    assertThrows(IllegalArgumentException.class, () -> FaultCommand.of("stop", 1, null));
    assertThrows(IllegalArgumentException.class, () -> FaultCommand.of(null, 1, null));
    assertThrows(IllegalArgumentException.class, () -> FaultCommand.of("crash", null, null));
    assertThrows(IllegalArgumentException.class, () -> FaultCommand.of("crash", 0, null));
    assertThrows(IllegalArgumentException.class, () -> FaultCommand.of("slow", 1, 60_001));
  }
}
