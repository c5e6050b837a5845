package dev.timeline.lab.sweep;

import dev.timeline.lab.check.Slo;
import dev.timeline.lab.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * When a point is past what the cluster sustains, and the highest rate each series sustained.
 * A point is saturated when its achieved ok rate falls below {@code ratio} × the offered rate, or
 * when an operation type's p99 over the whole point exceeds the SLO's p99 bound for that type.
 */
public final class Saturation {
  private Saturation() {}

  /** The reasons a point is saturated; empty when it is not. */
  public static List<String> reasons(double offered, double achieved, Map<OpType, OpSummary> ops, Slo slo, double ratio) {
    List<String> why = new ArrayList<>();
    if (achieved < ratio * offered)
      why.add(String.format(Locale.ROOT, "achieved %.1f ok/s < %.0f %% of %.1f offered", achieved, ratio * 100, offered));
    slo.maxP99Ms().forEach((type, bound) -> {
      OpSummary s = ops.get(type);
      if (s != null && s.count() > 0 && s.p99Ms() > bound)
        why.add(String.format(Locale.ROOT, "%s p99 %.0f ms > %.0f ms", type, s.p99Ms(), bound));
    });
    return why;
  }

  /**
   * Per series (in order of first appearance), the saturation rate: walking its points from the
   * lowest offered rate up, the highest offered rate reached before the first saturated point.
   * Null when even the lowest point saturated. Points that could not be measured are skipped.
   *
   * @param rate          the saturation rate, ops/s offered
   * @param saturatedAt   the offered rate of the first saturated point, null when none saturated
   */
  public record SeriesSaturation(String series, Double rate, Double saturatedAt) {}

  public static List<SeriesSaturation> perSeries(List<SweepPoint> points) {
    Map<String, List<SweepPoint>> bySeries = new LinkedHashMap<>();
    for (SweepPoint p : points) if (p.error() == null) bySeries.computeIfAbsent(String.valueOf(p.series()), k -> new ArrayList<>()).add(p);
    List<SeriesSaturation> out = new ArrayList<>();
    bySeries.forEach((series, list) -> {
      List<SweepPoint> byRate = list.stream().sorted(Comparator.comparingDouble(SweepPoint::offeredRate)).toList();
      Double sustained = null;
      Double saturatedAt = null;
      for (SweepPoint p : byRate) {
        if (p.saturated()) {
          saturatedAt = p.offeredRate();
          break;
        }
        sustained = p.offeredRate();
      }
      out.add(new SeriesSaturation(list.get(0).series(), sustained, saturatedAt));
    });
    return out;
  }
}
