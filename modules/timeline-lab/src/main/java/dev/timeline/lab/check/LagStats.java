package dev.timeline.lab.check;

import dev.timeline.lab.history.LagSample;
import java.util.Arrays;
import java.util.List;

/**
 * Fan-out lag over a run. Percentiles are over the samples that became visible (null when none
 * did); {@code neverVisible} counts the others, which have no lag to rank.
 */
public record LagStats(Double p50Ms, Double p99Ms, Double maxMs, int samples, int neverVisible) {

  public static LagStats of(List<LagSample> lags) {
    double[] visible = lags.stream().filter(s -> s.visibleMs() != null).mapToDouble(LagStats::lagMs).sorted().toArray();
    int neverVisible = lags.size() - visible.length;
    if (visible.length == 0) {
      return new LagStats(null, null, null, lags.size(), neverVisible);
    }
    return new LagStats(percentile(visible, 50), percentile(visible, 99), visible[visible.length - 1], lags.size(), neverVisible);
  }

  /**
   * The p99 of a window's samples, a sample never seen counting as infinitely late (so p99 is
   * infinite once more than 1 % of the samples were never seen); null without samples.
   */
  static Double p99Ms(List<LagSample> lags) {
    if (lags.isEmpty()) {
      return null;
    }
    double[] sorted = lags.stream().mapToDouble(s -> s.visibleMs() == null ? Double.POSITIVE_INFINITY : lagMs(s)).toArray();
    Arrays.sort(sorted);
    return percentile(sorted, 99);
  }

  /** Seen before the ack was recorded only by the polling's jitter: no lag, not a negative one. */
  private static double lagMs(LagSample sample) {
    return Math.max(0, sample.lagMs());
  }

  /** Nearest rank: the smallest value with at least {@code percent} % of the values at or below it. */
  private static double percentile(double[] sorted, double percent) {
    int rank = (int) Math.ceil(percent / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
