package dev.timeline.lab.sweep;

import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.Outcome;
import java.util.Collection;
import org.HdrHistogram.Histogram;

/**
 * One operation type over one sweep point: counts and latency percentiles (from when each
 * operation was due, failures included, as everywhere in the lab). Percentiles are 0 without
 * operations.
 */
public record OpSummary(int count, int ok, double p50Ms, double p99Ms, double p999Ms, double maxMs) {

  public static OpSummary of(Collection<Op> ops) {
    Histogram histogram = new Histogram(3); // microseconds, 3 significant digits, growing as needed
    int ok = 0;
    for (Op op : ops) {
      if (op.outcome() == Outcome.ok) ok++;
      histogram.recordValue(Math.max(0, Math.round(op.latencyMs() * 1000)));
    }
    if (ops.isEmpty()) return new OpSummary(0, 0, 0, 0, 0, 0);
    return new OpSummary(ops.size(), ok, ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(99)),
        ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()));
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
