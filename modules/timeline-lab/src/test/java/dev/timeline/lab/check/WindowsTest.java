package dev.timeline.lab.check;

import static dev.timeline.lab.check.Histories.lag;
import static dev.timeline.lab.check.Histories.ok;
import static dev.timeline.lab.check.Histories.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowsTest {

  private static final Slo SLO = Slo.defaults();

  @Test
  void threeOkAndOneFailBreakA99PercentWindow() {
    List<Op> history = List.of(
        ok(OpType.home, "a", 100, 5), ok(OpType.home, "b", 200, 5), ok(OpType.user, "c", 300, 5),
        op(OpType.post, "d", 400, 5, Outcome.fail));

    Window window = Windows.of(history, List.of(), SLO, 1000).get(0);

    assertTrue(window.failed());
    assertEquals(List.of("success 0.75 < 0.99"), window.reasons());
    assertEquals(3, window.okCount());
    assertEquals(4, window.opCount());
    assertEquals(1, window.ops().get(OpType.post).fail());
  }

  @Test
  void infoCountsAgainstSuccessAndASuccessRatioAtTheBoundPasses() {
    Slo half = new Slo(1000, 0.5, Map.of(), null);
    List<Op> history = List.of(ok(OpType.home, "a", 100, 5), op(OpType.post, "b", 200, 5, Outcome.info),
        ok(OpType.home, "a", 1100, 5), op(OpType.post, "b", 1200, 5, Outcome.info), op(OpType.post, "b", 1300, 5, Outcome.fail));

    List<Window> windows = Windows.of(history, List.of(), half, 2000);

    assertFalse(windows.get(0).failed(), "1/2 is not below 0.5");
    assertEquals(List.of("success 0.33 < 0.5"), windows.get(1).reasons());
  }

  @Test
  void p99BoundsAreCheckedPerOperationType() {
    List<Op> history = List.of(
        ok(OpType.post, "a", 100, 1830), ok(OpType.home, "b", 200, 400), ok(OpType.user, "c", 300, 20),
        ok(OpType.post, "a", 1100, 900), ok(OpType.home, "b", 1200, 501), ok(OpType.user, "c", 1300, 750));

    List<Window> windows = Windows.of(history, List.of(), SLO, 2000);

    assertEquals(List.of("post p99 1830 ms > 1000 ms"), windows.get(0).reasons());
    assertEquals(List.of("home p99 501 ms > 500 ms", "user p99 750 ms > 500 ms"), windows.get(1).reasons());
  }

  @Test
  void aLatencyExactlyAtTheBoundPassesAndAnUnboundedTypeIsNotChecked() {
    Slo postOnly = new Slo(1000, 0.99, Map.of(OpType.post, 1000.0), null);
    List<Op> history = List.of(ok(OpType.post, "a", 100, 1000), ok(OpType.home, "b", 200, 60_000));

    Window window = Windows.of(history, List.of(), postOnly, 1000).get(0);

    assertFalse(window.failed(), window.reasons().toString());
    assertEquals(1000, window.ops().get(OpType.post).p99Ms());
    assertEquals(60_000, window.ops().get(OpType.home).maxMs());
  }

  @Test
  void failuresAreLatenciesToo() {
    List<Op> history = List.of(op(OpType.home, "a", 100, 3000, Outcome.fail));

    OpStats home = Windows.of(history, List.of(), SLO, 1000).get(0).ops().get(OpType.home);

    assertEquals(3000, home.p99Ms(), 3);
    assertEquals(3000, home.maxMs());
  }

  @Test
  void percentilesFollowTheHistogram() {
    List<Op> history = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      history.add(ok(OpType.home, "u", i, i));
    }

    OpStats home = Windows.of(history, List.of(), SLO, 1000).get(0).ops().get(OpType.home);

    assertEquals(50, home.p50Ms(), 0.05);
    assertEquals(99, home.p99Ms(), 0.1);
    assertEquals(100, home.maxMs());
  }

  @Test
  void emptyWindowsAreListedAndNotFailed() {
    List<Op> history = List.of(op(OpType.home, "a", 2500, 5, Outcome.fail));

    List<Window> windows = Windows.of(history, List.of(), SLO, 5000);

    assertEquals(5, windows.size());
    for (int k : new int[] {0, 1, 3, 4}) {
      Window empty = windows.get(k);
      assertEquals(k, empty.index());
      assertEquals(k * 1000.0, empty.startMs());
      assertEquals(0, empty.opCount());
      assertEquals(OpStats.EMPTY, empty.ops().get(OpType.post));
      assertNull(empty.lagP99Ms());
      assertFalse(empty.failed());
      assertTrue(empty.reasons().isEmpty());
    }
    assertTrue(windows.get(2).failed());
  }

  @Test
  void anOperationBelongsToTheWindowOfItsIntendedStart() {
    // Intended at 0.9 s, answered at 2.4 s: a stall that began in window 0 is window 0's fault.
    List<Op> history = List.of(ok(OpType.home, "a", 900, 1500));

    List<Window> windows = Windows.of(history, List.of(), SLO, 3000);

    assertEquals(1, windows.get(0).opCount());
    assertEquals(List.of("home p99 1500 ms > 500 ms"), windows.get(0).reasons());
    assertEquals(0, windows.get(1).opCount());
    assertEquals(0, windows.get(2).opCount());
  }

  @Test
  void windowsGrowPastTheDurationRatherThanDropAnything() {
    List<Window> windows = Windows.of(List.of(ok(OpType.post, "a", 1999, 5)), List.of(lag(3500, 10.0)), SLO, 2000);

    assertEquals(4, windows.size());
    assertEquals(1, windows.get(1).opCount());
    assertEquals(10.0, windows.get(3).lagP99Ms());
  }

  @Test
  void lagSamplesBelongToTheWindowOfTheirAcknowledgement() {
    List<LagSample> lags = List.of(lag(100, 200.0), lag(900, 6000.0), lag(1500, 300.0), lag(2100, 4999.0));

    List<Window> windows = Windows.of(List.of(), lags, SLO, 3000);

    assertEquals(6000.0, windows.get(0).lagP99Ms());
    assertEquals(List.of("fan-out lag p99 6000 ms > 5000 ms"), windows.get(0).reasons());
    assertFalse(windows.get(1).failed());
    assertEquals(300.0, windows.get(1).lagP99Ms());
    assertFalse(windows.get(2).failed());
  }

  @Test
  void aPostNeverSeenIsInfinitelyLate() {
    List<LagSample> lags = List.of(lag(100, 20.0), lag(200, null));

    Window window = Windows.of(List.of(), lags, SLO, 1000).get(0);

    assertEquals(Double.POSITIVE_INFINITY, window.lagP99Ms());
    assertEquals(List.of("fan-out lag p99 never visible (bound 5000 ms)"), window.reasons());
  }

  @Test
  void oneNeverSeenPostInMoreThanAHundredIsBelowP99() {
    List<LagSample> lags = new ArrayList<>();
    for (int i = 0; i < 199; i++) {
      lags.add(lag(i, 50.0));
    }
    lags.add(lag(500, null));

    Window window = Windows.of(List.of(), lags, SLO, 1000).get(0);

    assertEquals(50.0, window.lagP99Ms());
    assertFalse(window.failed());
  }

  @Test
  void withoutALagBoundLagIsReportedButNotJudged() {
    Slo noLagBound = new Slo(1000, 0.99, Map.of(), null);

    Window window = Windows.of(List.of(), List.of(lag(100, null)), noLagBound, 1000).get(0);

    assertEquals(Double.POSITIVE_INFINITY, window.lagP99Ms());
    assertFalse(window.failed());
  }

  @Test
  void severalRulesGiveSeveralReasons() {
    List<Op> history = List.of(op(OpType.post, "a", 100, 2000, Outcome.info), ok(OpType.post, "a", 200, 10));

    Window window = Windows.of(history, List.of(lag(300, 7000.0)), SLO, 1000).get(0);

    assertEquals(List.of("success 0.5 < 0.99", "post p99 2000 ms > 1000 ms", "fan-out lag p99 7000 ms > 5000 ms"),
        window.reasons());
  }
}
