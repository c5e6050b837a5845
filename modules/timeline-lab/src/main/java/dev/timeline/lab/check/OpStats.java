package dev.timeline.lab.check;

import dev.timeline.lab.history.Op;
import java.util.Collection;
import org.HdrHistogram.Histogram;

/**
 * Counts and latencies of a set of operations (of one type, in one window or the whole run).
 * Latencies cover every completed operation, failed ones included: a failure that took 3 s took
 * 3 s of the client's time. Zero everywhere when there was no operation.
 */
public record OpStats(int ok, int fail, int info, double p50Ms, double p99Ms, double maxMs) {

  public static final OpStats EMPTY = new OpStats(0, 0, 0, 0, 0, 0);

  /** Microsecond resolution, 3 significant digits, growing as needed (a stalled request can take minutes). */
  public static OpStats of(Collection<Op> ops) {
    if (ops.isEmpty()) {
      return EMPTY;
    }
    Histogram histogram = new Histogram(3);
    int ok = 0;
    int fail = 0;
    int info = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (Op op : ops) {
      switch (op.outcome()) {
        case ok -> ok++;
        case fail -> fail++;
        case info -> info++;
      }
      // Completing before the intended start would be a clock error of the runner; Histogram
      // rejects negative values, and zero is the honest floor.
      double latency = Math.max(0, op.latencyMs());
      histogram.recordValue(Math.round(latency * 1000));
      min = Math.min(min, latency);
      max = Math.max(max, latency);
    }
    // The histogram answers with the top of a bucket (up to 0.1 % above the recorded value); keep
    // percentiles within what was observed so a single 1000 ms operation does not read 1000.4 ms.
    return new OpStats(ok, fail, info,
        clamp(histogram.getValueAtPercentile(50) / 1000.0, min, max),
        clamp(histogram.getValueAtPercentile(99) / 1000.0, min, max),
        max);
  }

  public int count() {
    return ok + fail + info;
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }
}
