package dev.timeline.lab.check;

import dev.timeline.lab.history.OpType;
import java.util.List;
import java.util.Map;

/**
 * One window of the run, judged against the {@link Slo}.
 *
 * @param index    k: the window covers [k * windowMs, (k + 1) * windowMs)
 * @param startMs  k * windowMs
 * @param ops      per operation type, the operations intended to start in the window
 * @param lagP99Ms fan-out lag p99 of the posts acknowledged in the window; infinite when more than
 *                 1 % were never seen; null without samples
 * @param lagSamples the fan-out lag samples of the window's posts, what {@code lagP99Ms} rests on
 * @param failed   whether the window broke the SLO
 * @param reasons  which rules it broke, for people
 */
public record Window(int index, double startMs, Map<OpType, OpStats> ops, Double lagP99Ms, int lagSamples, boolean failed, List<String> reasons) {

  public Window {
    reasons = List.copyOf(reasons);
  }

  public int opCount() {
    return ops.values().stream().mapToInt(OpStats::count).sum();
  }

  public int okCount() {
    return ops.values().stream().mapToInt(OpStats::ok).sum();
  }
}
