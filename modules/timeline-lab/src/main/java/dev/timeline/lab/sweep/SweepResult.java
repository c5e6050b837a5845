package dev.timeline.lab.sweep;

import java.util.List;

/**
 * A sweep's findings, as written to sweep.json and drawn in sweep.html.
 *
 * @param xKey       the experiment key along the x axis
 * @param xNumeric   whether every x value is a number (a linear axis) or not (categories)
 * @param xLabels    the x values' labels in order
 * @param seriesKey  the experiment key with one line per value, null without a series
 * @param slo        per operation type, the p99 bound a point is held to (ms)
 * @param points     every point in the order it was run
 * @param saturation per series, the highest offered rate that was not saturated
 */
public record SweepResult(
    String name,
    String question,
    String startedIso,
    String xKey,
    boolean xNumeric,
    List<String> xLabels,
    String seriesKey,
    java.util.Map<String, Double> slo,
    double throughputRatio,
    List<SweepPoint> points,
    List<Saturation.SeriesSaturation> saturation) {

  public SweepResult {
    xLabels = List.copyOf(xLabels);
    points = List.copyOf(points);
    saturation = List.copyOf(saturation);
  }
}
