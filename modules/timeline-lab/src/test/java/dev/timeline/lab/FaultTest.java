package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each verb is one record: its command line, and what ends it. */
class FaultTest {
  static final Fault.Storm STORM = new Fault.Storm(20, Duration.ofMillis(1500), Duration.ofMillis(700));

  /** One fault of every verb, in Fault.VERBS order. */
  static final List<Fault> EVERY = List.of(new Fault.Crash(2), new Fault.Pause(3), new Fault.Resume(3), new Fault.Restart(1),
      new Fault.Stop(2), new Fault.Partition(List.of(1, 2), List.of(3)), new Fault.Heal(), new Fault.Slow(3, 500), new Fault.Fast(3),
      new Fault.JournalStop(), new Fault.JournalStart(), new Fault.JournalPause(), new Fault.JournalResume(), new Fault.JournalCrash(),
      new Fault.CrashAll(), new Fault.StartAll(), new Fault.PauseStorm(3, STORM));

  @Test
  void everyVerbHasItsRecordAndItsCommandLine() {
    assertEquals(Fault.VERBS, EVERY.stream().map(Fault::verb).toList());
    for (Fault f : EVERY) assertEquals(f, Fault.of(f.verb(), f.nodes(), f instanceof Fault.Partition p ? p.other() : List.of(),
        f instanceof Fault.Slow s ? s.ms() : null, STORM), f.verb());
    assertEquals(List.of("partition", "1", "2", "--", "3"), new Fault.Partition(List.of(1, 2), List.of(3)).args());
    assertEquals(List.of("partition", "3"), new Fault.Partition(List.of(3), List.of()).args());
    assertEquals(List.of("journal", "crash"), new Fault.JournalCrash().args());
    assertEquals(List.of("crash", "all"), new Fault.CrashAll().args());
    assertEquals(List.of("pause-storm", "3", "20", "1500", "700"), new Fault.PauseStorm(3, STORM).args());
  }

  @Test
  void aCommandLineReadsBackAsItsFaultAndOtherLinesAsNone() {
    for (Fault f : EVERY)
      if (!(f instanceof Fault.StartAll)) assertEquals(Optional.of(f), Fault.fromArgs(f.args()), String.join(" ", f.args()));
    for (List<String> other : List.of(List.<String>of(), List.of("start"), List.of("status"), List.of("crash", "x"), List.of("crash"),
        List.of("slow", "3"), List.of("journal", "explode"), List.of("crash-all"), List.of("heal", "2"), List.of("pause-storm", "3", "1")))
      assertEquals(Optional.empty(), Fault.fromArgs(other), String.valueOf(other));
  }

  @Test
  void eachLastingFaultEndsWithItsUndoAndOnlyThat() {
    assertTrue(new Fault.Restart(2).ends(new Fault.Crash(2)));
    assertFalse(new Fault.Restart(1).ends(new Fault.Crash(2)));
    assertTrue(new Fault.Restart(3).ends(new Fault.Pause(3)), "a restart also ends a pause");
    assertTrue(new Fault.Resume(3).ends(new Fault.Pause(3)));
    assertFalse(new Fault.Resume(3).ends(new Fault.Crash(3)));
    assertTrue(new Fault.Heal().ends(new Fault.Partition(List.of(1), List.of())));
    assertTrue(new Fault.Fast(3).ends(new Fault.Slow(3, 500)));
    assertFalse(new Fault.Fast(1).ends(new Fault.Slow(3, 500)));
    assertTrue(new Fault.JournalStart().ends(new Fault.JournalCrash()));
    assertFalse(new Fault.JournalStart().ends(new Fault.JournalPause()));
    assertTrue(new Fault.JournalResume().ends(new Fault.JournalPause()));
    for (Fault f : List.of(new Fault.CrashAll(), new Fault.Crash(1), new Fault.Stop(2), new Fault.JournalStop(), new Fault.JournalCrash()))
      assertTrue(new Fault.StartAll().ends(f), "start-all ends " + f);
    assertFalse(new Fault.StartAll().ends(new Fault.Pause(1)));
    // What opens a fault: all but the undoing verbs; a pause storm opens one that ends by itself.
    assertEquals(List.of("crash", "pause", "stop", "partition", "slow", "journal-stop", "journal-pause", "journal-crash", "crash-all",
        "pause-storm"), EVERY.stream().filter(Fault::opens).map(Fault::verb).toList());
    for (Fault f : EVERY) f.undo().ifPresent(u -> assertTrue(u.ends(f), u + " ends " + f));
  }

  @Test
  void aVerbWithoutWhatItNeedsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Fault.of("explode", List.of(1), List.of(), null, null));
    assertThrows(IllegalArgumentException.class, () -> Fault.of("crash", List.of(), List.of(), null, null));
    assertThrows(IllegalArgumentException.class, () -> Fault.of("crash", List.of(1, 2), List.of(), null, null));
    assertThrows(IllegalArgumentException.class, () -> Fault.of("slow", List.of(1), List.of(), null, null));
    assertThrows(IllegalArgumentException.class, () -> Fault.of("pause-storm", List.of(1), List.of(), null, null));
    assertThrows(IllegalArgumentException.class, () -> Fault.of("partition", List.of(), List.of(), null, null));
  }
}
