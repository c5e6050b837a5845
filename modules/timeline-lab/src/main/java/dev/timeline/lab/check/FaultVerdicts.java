package dev.timeline.lab.check;

import dev.timeline.lab.history.FaultRecord;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/** Judges each fault of a run by the windows it overlapped and the run's delivery check. */
public final class FaultVerdicts {

  static final String TOLERATED = "tolerated";
  static final String DATA_LOST = "data lost";

  private FaultVerdicts() {}

  /**
   * A fault's interval runs from its injection to its end, or to the end of the run if it was
   * never undone during the run. The delivery check covers the whole run, so lost data condemns
   * every fault of the run: the lab cannot tell which one lost it.
   */
  public static List<FaultVerdict> of(List<FaultRecord> faults, List<Op> history, List<Window> windows,
      DeliveryResult delivery, double durationMs, Slo slo) {
    double windowMs = Windows.lengthMs(windows, durationMs);
    List<FaultVerdict> verdicts = new ArrayList<>(faults.size());
    for (FaultRecord fault : faults) {
      double from = fault.injectedMs();
      double to = fault.endedMs() != null ? fault.endedMs() : durationMs;
      long failedWindows = windows.stream()
          .filter(w -> w.failed() && w.startMs() <= to && w.startMs() + windowMs > from)
          .count();
      double failedSeconds = failedWindows * windowMs / 1000;
      String verdict = delivery.lost() > 0 ? DATA_LOST
          : failedSeconds == 0 ? TOLERATED
          : "became a failure for " + Fmt.plain(failedSeconds) + " s";
      verdicts.add(new FaultVerdict(fault.verb(), fault.nodes(), from, fault.endedMs(), fault.detectedMs(),
          fault.downedMs(), allServedAgainAfterMs(history, from, to, slo), failedSeconds, verdict));
    }
    return List.copyOf(verdicts);
  }

  /**
   * A user is affected when one of its operations intended within [from, to] was not served: not
   * ok, or ok only later than its type's p99 bound (a client that retries through a failover
   * turns errors into slow successes). It is served again by its first served operation intended
   * at or after that (one already under way then says nothing about recovery). The answer is when
   * the last affected user was served again, counted from {@code from}: null if some affected
   * user's later operations all failed, or if no user was affected. Users with no operation after
   * their failure say nothing and are left out.
   */
  private static Double allServedAgainAfterMs(List<Op> history, double from, double to, Slo slo) {
    Map<String, Double> firstFailure = new HashMap<>();
    for (Op op : history) {
      if (!served(op, slo) && op.intendedMs() >= from && op.intendedMs() <= to) {
        firstFailure.merge(op.user(), op.intendedMs(), Math::min);
      }
    }
    Map<String, Double> servedAgain = new HashMap<>();
    Set<String> triedAgain = new HashSet<>();
    for (Op op : history) {
      Double failedAt = firstFailure.get(op.user());
      if (failedAt == null || op.intendedMs() <= failedAt) continue;
      triedAgain.add(op.user());
      if (served(op, slo)) servedAgain.merge(op.user(), op.completeMs(), Math::min);
    }
    if (triedAgain.isEmpty() || !servedAgain.keySet().containsAll(triedAgain)) return null;
    return servedAgain.values().stream().max(Double::compare).orElseThrow() - from;
  }

  private static boolean served(Op op, Slo slo) {
    Double bound = slo.maxP99Ms() == null ? null : slo.maxP99Ms().get(op.type());
    return op.outcome() == Outcome.ok && (bound == null || op.latencyMs() <= bound);
  }
}
