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
 * When a point is past what the cluster sustains, and how far along x each series held.
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
   * Per series (in order of first appearance), how far along x it held: walking its points in
   * x order (numeric x ascending, else as listed), the last x before the first saturated point.
   * When x is the offered rate that is the series' saturation rate. Points that could not be
   * measured are skipped.
   *
   * @param held            the x label of the last point before the first saturated one; null when even the first saturated
   * @param firstSaturated  the x label of the first saturated point; null when none saturated
   */
  public record SeriesSaturation(String series, String held, String firstSaturated) {}

  public static List<SeriesSaturation> perSeries(List<SweepPoint> points) {
    Map<String, List<SweepPoint>> bySeries = new LinkedHashMap<>();
    for (SweepPoint p : points) if (p.error() == null) bySeries.computeIfAbsent(String.valueOf(p.series()), k -> new ArrayList<>()).add(p);
    List<SeriesSaturation> out = new ArrayList<>();
    bySeries.forEach((series, list) -> {
      List<SweepPoint> inOrder = list.stream().allMatch(p -> p.xValue() != null)
          ? list.stream().sorted(Comparator.comparingDouble(SweepPoint::xValue)).toList()
          : list;
      String held = null;
      String firstSaturated = null;
      for (SweepPoint p : inOrder) {
        if (p.saturated()) {
          firstSaturated = p.x();
          break;
        }
        held = p.x();
      }
      out.add(new SeriesSaturation(list.get(0).series(), held, firstSaturated));
    });
    return out;
  }
}
