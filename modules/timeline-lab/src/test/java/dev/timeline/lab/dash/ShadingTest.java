package dev.timeline.lab.dash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.timeline.lab.dash.Shading.Interval;
import dev.timeline.lab.dash.Shading.Logged;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shaded fault intervals, from fault logs written out by hand. */
class ShadingTest {
  /** A command clicked at {@code at} s that finished, fine, at {@code ended} s. */
  static Logged done(long at, long ended, String... args) {
    return new Logged(List.of(args), at * 1000, ended * 1000, true);
  }

  static Logged running(long at, String... args) {
    return new Logged(List.of(args), at * 1000, null, true);
  }

  static Logged failed(long at, double ended, String... args) {
    return new Logged(List.of(args), at * 1000, Math.round(ended * 1000), false);
  }

  static Interval interval(String kind, Integer node, long from, Long to) {
    return new Interval(kind, node, kind + (node == null ? "" : " " + node), from * 1000, to == null ? null : to * 1000);
  }

  @Test
  void aCrashLastsFromItsClickUntilTheRestartIsDone() {
    assertEquals(List.of(interval("crash", 2, 10, 42L)),
        Shading.of(List.of(done(10, 11, "crash", "2"), done(30, 42, "restart", "2"))));
  }

  @Test
  void aFaultNotYetUndoneIsOpenAndSoIsOneWhoseUndoStillRuns() {
    assertEquals(List.of(interval("crash", 2, 10, null)), Shading.of(List.of(running(10, "crash", "2"))));
    assertEquals(List.of(interval("crash", 2, 10, null)),
        Shading.of(List.of(done(10, 11, "crash", "2"), running(30, "restart", "2"))));
  }

  @Test
  void eachFaultEndsOnlyWithItsOwnUndo() {
    List<Logged> log = List.of(
        done(1, 1, "pause", "1"), done(2, 2, "slow", "3", "500"), done(3, 3, "partition", "2"),
        done(4, 4, "journal", "stop"),
        done(5, 5, "fast", "1"),        // not node 1's slow: none; pause 1 stays
        done(6, 6, "resume", "1"),
        done(7, 7, "heal"),
        done(8, 8, "fast", "3"),
        done(9, 9, "journal", "start"),
        done(10, 10, "journal", "crash"), done(11, 12, "journal", "start"));
    assertEquals(List.of(interval("pause", 1, 1, 6L), interval("slow", 3, 2, 8L), interval("partition", 2, 3, 7L),
        interval("journal stop", null, 4, 9L), interval("journal crash", null, 10, 12L)), Shading.of(log));
  }

  @Test
  void aJournalPauseLastsUntilItsResume() {
    assertEquals(List.of(interval("journal pause", null, 1, 4L)),
        Shading.of(List.of(done(1, 1, "journal", "pause"), done(2, 2, "journal", "start"), done(3, 4, "journal", "resume"))));
  }

  @Test
  void aRestartEndsAPauseAndHealEndsEveryPartition() {
    assertEquals(List.of(interval("pause", 3, 1, 9L), interval("partition", 1, 2, 5L), interval("partition", 2, 3, 5L)),
        Shading.of(List.of(done(1, 1, "pause", "3"), done(2, 2, "partition", "1"), done(3, 3, "partition", "2"),
            done(5, 5, "heal"), done(6, 9, "restart", "3"))));
  }

  @Test
  void failedCommandsStartAndEndNothing() {
    assertEquals(List.of(), Shading.of(List.of(failed(1, 2, "crash", "2"))));
    assertEquals(List.of(interval("crash", 2, 1, 9L)),
        Shading.of(List.of(done(1, 1, "crash", "2"), failed(3, 4, "restart", "2"), done(5, 9, "restart", "2"))));
  }

  @Test
  void aFaultClickedTwiceIsOneIntervalFromTheFirstClick() {
    assertEquals(List.of(interval("crash", 2, 1, 9L)),
        Shading.of(List.of(done(1, 1, "crash", "2"), done(3, 3, "crash", "2"), done(5, 9, "restart", "2"))));
    // ... and a fault again after its undo is a second interval.
    assertEquals(List.of(interval("slow", 1, 1, 2L), interval("slow", 1, 3, null)),
        Shading.of(List.of(done(1, 1, "slow", "1", "100"), done(2, 2, "fast", "1"), done(3, 3, "slow", "1", "200"))));
  }

  @Test
  void faultsLogLinesFromAnyClientAreShadedAndBrokenLinesSkipped() {
    List<Logged> log = Shading.parse(List.of(
        "10000 11000 0 crash 2",
        "12000 12100 1 pause 3",            // failed: starts nothing
        "garbage",
        "13000 14",                         // half written
        "20000 27000 0 pause-storm 3 5 700 700",
        "30000 42000 0 restart 2",
        "50000 51000 0 crash all"));          // a power loss: ends with a start, not shaded
    assertEquals(List.of(done(10, 11, "crash", "2"), failed(12, 12.1, "pause", "3"),
        new Logged(List.of("pause-storm", "3", "5", "700", "700"), 20_000, 27_000L, true), done(30, 42, "restart", "2"),
        done(50, 51, "crash", "all")), log);
    assertEquals(List.of(interval("crash", 2, 10, 42L), interval("pause-storm", 3, 20, 27L)), Shading.of(log));
  }
}
