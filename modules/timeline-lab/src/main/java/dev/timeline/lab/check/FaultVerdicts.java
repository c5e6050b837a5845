package dev.timeline.lab.check;

import dev.timeline.lab.history.FaultRecord;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.Outcome;
import java.util.ArrayList;
import java.util.List;

/** Judges each fault of a run by the windows it overlapped and the run's delivery check. */
public final class FaultVerdicts {

  static final String TOLERATED = "tolerated";
  static final String DATA_LOST = "data lost";

  private FaultVerdicts() {}

  /**
   * A fault's interval runs from its injection to its end, or to the end of the run if it was
   * never undone during the run. Its failure is the failed windows overlapping that interval and
   * those that follow it without a break: a cluster killed whole is down until it has started
   * again, after the fault was undone, and those seconds are the fault's, not "outside any fault".
   * The delivery checks cover the whole run, so data lost in either read-back ({@code dataLost})
   * condemns every fault of the run: the lab cannot tell which one lost it.
   */
  public static List<FaultVerdict> of(List<FaultRecord> faults, List<Op> history, List<Window> windows,
      boolean dataLost, double durationMs, Slo slo) {
    double windowMs = Windows.lengthMs(windows, durationMs);
    List<FaultVerdict> verdicts = new ArrayList<>(faults.size());
    for (FaultRecord fault : faults) {
      double from = fault.injectedMs();
      double to = fault.endedMs() != null ? fault.endedMs() : durationMs;
      List<Window> failed = failure(windows, windowMs, from, to);
      double failedSeconds = failed.size() * windowMs / 1000;
      List<Window> after = failed.stream().filter(w -> w.startMs() > to).toList();
      double afterSeconds = after.size() * windowMs / 1000;
      Double failedUntilMs = after.isEmpty() ? null : after.get(after.size() - 1).startMs() + windowMs;
      String verdict = dataLost ? DATA_LOST
          : failedSeconds == 0 ? TOLERATED
          : "became a failure for " + Fmt.plain(failedSeconds) + " s"
              + (afterSeconds > 0 ? ", " + Fmt.plain(afterSeconds) + " s of it after the fault ended" : "");
      verdicts.add(new FaultVerdict(fault.verb(), fault.nodes(), from, fault.endedMs(), fault.detectedMs(),
          fault.downedMs(), servedAgainAfterMs(history, from, failedUntilMs != null ? failedUntilMs : to, slo), failedSeconds,
          failedUntilMs, verdict));
    }
    return List.copyOf(verdicts);
  }

  /** The failed windows overlapping [from, to], then those right after it up to the first that did not fail (windows in order). */
  private static List<Window> failure(List<Window> windows, double windowMs, double from, double to) {
    List<Window> failed = new ArrayList<>();
    boolean unbroken = false;
    for (Window w : windows) {
      if (overlaps(w.startMs(), windowMs, from, to)) {
        if (w.failed()) failed.add(w);
        unbroken = w.failed();
      } else if (w.startMs() > to) {
        if (!unbroken || !w.failed()) break;
        failed.add(w);
      }
    }
    return failed;
  }

  /** Whether the window starting at {@code startMs} overlaps the fault's interval [from, to]. */
  public static boolean overlaps(double startMs, double windowMs, double from, double to) {
    return startMs <= to && startMs + windowMs > from;
  }

  /**
   * From the injection until the last request due within the fault's failure that was not
   * served (not ok, or ok only later than its type's p99 bound: a client that retries through a
   * failover turns errors into slow successes) had completed: from then on, as far as the fault
   * and its failure lasted, every request was served. Null if every request was served. An
   * aggregate over all users on purpose: "the first success of each affected user" would measure
   * how soon the load generator happened to pick that user again.
   */
  private static Double servedAgainAfterMs(List<Op> history, double from, double to, Slo slo) {
    Double lastFailure = null;
    for (Op op : history) {
      if (!served(op, slo) && op.intendedMs() >= from && op.intendedMs() <= to
          && (lastFailure == null || op.completeMs() > lastFailure)) {
        lastFailure = op.completeMs();
      }
    }
    return lastFailure == null ? null : lastFailure - from;
  }

  private static boolean served(Op op, Slo slo) {
    Double bound = slo.maxP99Ms() == null ? null : slo.maxP99Ms().get(op.type());
    return op.outcome() == Outcome.ok && (bound == null || op.latencyMs() <= bound);
  }
}
