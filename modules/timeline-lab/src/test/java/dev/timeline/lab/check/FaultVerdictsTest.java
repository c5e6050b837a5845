package dev.timeline.lab.check;

import static dev.timeline.lab.check.Histories.ok;
import static dev.timeline.lab.check.Histories.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.timeline.lab.history.FaultRecord;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultVerdictsTest {

  private static final double DURATION = 20_000;
  private static final boolean NOTHING_LOST = false;
  private static final boolean ONE_LOST = true;

  /** Served every 100 ms, except that "victim" fails in seconds 3, 4, 5 and 12. */
  private static List<Op> history() {
    List<Op> history = new ArrayList<>();
    for (int t = 0; t < DURATION; t += 100) {
      history.add(ok(OpType.home, "bystander", t, 5));
      boolean down = t >= 3000 && t < 6000 || t >= 12_000 && t < 13_000;
      history.add(op(OpType.home, "victim", t + 50, down ? 2000 : 5, down ? Outcome.fail : Outcome.ok));
    }
    return history;
  }

  private static List<FaultVerdict> verdicts(boolean dataLost, FaultRecord... faults) {
    List<Op> history = history();
    List<Window> windows = Windows.of(history, List.of(), Slo.defaults(), DURATION);
    return FaultVerdicts.of(List.of(faults), history, windows, dataLost, DURATION, Slo.defaults());
  }

  @Test
  void countsOnlyTheFailedWindowsWithinTheFault() {
    FaultRecord crash = new FaultRecord("crash", List.of(2), 2500, 5500.0, 3200.0, 4100.0);

    FaultVerdict verdict = verdicts(NOTHING_LOST, crash).get(0);

    assertEquals(3, verdict.failedSeconds(), "seconds 3, 4, 5; not 12");
    assertEquals("became a failure for 3 s", verdict.verdict());
    assertEquals("crash", verdict.verb());
    assertEquals(List.of(2), verdict.nodes());
    assertEquals(3200.0, verdict.detectedMs());
    assertEquals(4100.0, verdict.downedMs());
  }

  @Test
  void aFaultNeverUndoneLastsToTheEndOfTheRun() {
    FaultRecord stop = new FaultRecord("journal-stop", List.of(), 4500, null, null, null);

    FaultVerdict verdict = verdicts(NOTHING_LOST, stop).get(0);

    assertEquals(3, verdict.failedSeconds(), "seconds 4, 5 and 12");
  }

  @Test
  void aFaultThatFailedNoWindowIsTolerated() {
    FaultRecord pause = new FaultRecord("pause", List.of(3), 7000, 11_000.0, null, null);

    FaultVerdict verdict = verdicts(NOTHING_LOST, pause).get(0);

    assertEquals(0, verdict.failedSeconds());
    assertEquals("tolerated", verdict.verdict());
    assertNull(verdict.servedAgainAfterMs(), "no user was affected");
  }

  @Test
  void lostDataCondemnsEveryFaultOfTheRun() {
    FaultRecord crash = new FaultRecord("crash", List.of(2), 2500, 5500.0, null, null);
    FaultRecord pause = new FaultRecord("pause", List.of(3), 7000, 11_000.0, null, null);

    List<FaultVerdict> verdicts = verdicts(ONE_LOST, crash, pause);

    assertEquals(List.of("data lost", "data lost"), verdicts.stream().map(FaultVerdict::verdict).toList());
  }

  @Test
  void servedAgainIsWhenTheLastFailedRequestDueWithinTheFaultCompleted() {
    // The victim's last failure due within [2500, 5500] is due at 5450 and fails at 7450; the
    // failures due later (until 6000) are in the window the fault ended in, not after it, and
    // those of second 12 belong to no fault.
    FaultRecord crash = new FaultRecord("crash", List.of(2), 2500, 5500.0, null, null);

    FaultVerdict verdict = verdicts(NOTHING_LOST, crash).get(0);

    assertEquals(7450 - 2500, verdict.servedAgainAfterMs(), 1e-9);
    assertNull(verdict.failedUntilMs(), "the failure did not outlast the fault's last window");
  }

  @Test
  void aFailureThatOutlastsItsFaultIsTheFaultsUntilTheFirstServedWindow() {
    // Undone at 3500, but the victim fails on through second 5 (as a cluster killed whole is down
    // until it has started again): seconds 4 and 5 are after the fault, and still its failure.
    // Second 12 comes after a served window: no fault's.
    FaultRecord crashAll = new FaultRecord("crash-all", List.of(), 2500, 3500.0, null, null);

    FaultVerdict verdict = verdicts(NOTHING_LOST, crashAll).get(0);

    assertEquals(3, verdict.failedSeconds(), "seconds 3, 4, 5; not 12");
    assertEquals("became a failure for 3 s, 2 s of it after the fault ended", verdict.verdict());
    assertEquals(6000.0, verdict.failedUntilMs());
    assertEquals(7950 - 2500, verdict.servedAgainAfterMs(), 1e-9);
  }

  @Test
  void aFaultNeverUndoneCountsFailuresToTheEndOfTheRun() {
    List<Op> history = List.of(ok(OpType.post, "victim", 500, 5), op(OpType.post, "victim", 1500, 5, Outcome.info));
    List<Window> windows = Windows.of(history, List.of(), Slo.defaults(), 3000);
    FaultRecord crash = new FaultRecord("crash", List.of(1), 1000, null, null, null);

    FaultVerdict verdict = FaultVerdicts.of(List.of(crash), history, windows, NOTHING_LOST, 3000, Slo.defaults()).get(0);

    assertEquals(1505 - 1000, verdict.servedAgainAfterMs(), 1e-9);
    assertEquals("became a failure for 1 s", verdict.verdict());
  }

  @Test
  void aSuccessSlowerThanItsBoundIsNotServed() {
    // With client retries a failover shows as slow successes: the victim's post due at 1500 is ok
    // only after 4 s (post bound 1000 ms), at 5500.
    List<Op> history = List.of(
        op(OpType.post, "victim", 1500, 4000, Outcome.ok),
        op(OpType.post, "victim", 6000, 20, Outcome.ok));
    List<Window> windows = Windows.of(history, List.of(), Slo.defaults(), 8000);
    FaultRecord crash = new FaultRecord("crash", List.of(2), 1000, 7000.0, null, null);

    FaultVerdict verdict = FaultVerdicts.of(List.of(crash), history, windows, NOTHING_LOST, 8000, Slo.defaults()).get(0);

    assertEquals(5500 - 1000, verdict.servedAgainAfterMs(), 1e-9);
  }
}
