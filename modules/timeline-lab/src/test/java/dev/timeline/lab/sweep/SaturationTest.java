package dev.timeline.lab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timeline.lab.check.Slo;
import dev.timeline.lab.history.OpType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SaturationTest {
  static final Slo SLO = new Slo(1000, 0.99, Map.of(OpType.post, 1000.0, OpType.home, 500.0), null);

  static OpSummary p99(double ms) {
    return new OpSummary(100, 100, ms / 10, ms, ms * 1.5, ms * 2);
  }

  @Test
  void aPointIsSaturatedByFallingThroughputOrAP99OverTheSlo() {
    assertEquals(List.of(), Saturation.reasons(100, 95, Map.of(OpType.post, p99(900), OpType.home, p99(400)), SLO, 0.9));
    List<String> slow = Saturation.reasons(100, 95, Map.of(OpType.post, p99(900), OpType.home, p99(600)), SLO, 0.9);
    assertEquals(List.of("home p99 600 ms > 500 ms"), slow);
    List<String> behind = Saturation.reasons(100, 80, Map.of(OpType.user, p99(5000)), SLO, 0.9);
    assertEquals(1, behind.size(), "user reads have no bound in this SLO: " + behind);
    assertTrue(behind.get(0).startsWith("achieved 80.0 ok/s < 90 % of 100.0 offered"), behind.get(0));
  }

  static SweepPoint point(String series, double rate, boolean saturated) {
    return point(series, String.valueOf(rate), rate, rate, saturated);
  }

  static SweepPoint xPoint(String series, String x, Double xValue, boolean saturated) {
    return point(series, x, xValue, 100, saturated);
  }

  private static SweepPoint point(String series, String x, Double xValue, double offered, boolean saturated) {
    return new SweepPoint(0, series, x, xValue, offered, saturated ? offered / 2 : offered, Map.of(), 0, null, null, null,
        null, 0, saturated, saturated ? List.of("x") : List.of(), null);
  }

  @Test
  void aSeriesHoldsUpToTheLastXBeforeTheFirstSaturatedPoint() {
    List<Saturation.SeriesSaturation> s = Saturation.perSeries(List.of(
        point("push", 200, true), point("push", 50, false), point("push", 100, false), point("push", 400, false),
        point("pull", 50, true), point("pull", 100, true),
        point("hybrid", 50, false), point("hybrid", 100, false)));
    assertEquals(3, s.size());
    assertEquals(new Saturation.SeriesSaturation("push", "100.0", "200.0"), s.get(0), "a lucky point above the first saturated one does not count");
    assertEquals(new Saturation.SeriesSaturation("pull", null, "50.0"), s.get(1));
    assertEquals(new Saturation.SeriesSaturation("hybrid", "100.0", null), s.get(2));
    assertNull(Saturation.perSeries(List.of(point(null, 10, false))).get(0).series());
  }

  @Test
  void withXOtherThanTheRateItSaysWhereAlongXNotTheRate() {
    // Every point offers 100 req/s; x is the mean followers.
    List<Saturation.SeriesSaturation> s = Saturation.perSeries(List.of(
        xPoint("hybrid", "5", 5.0, false), xPoint("hybrid", "25", 25.0, true), xPoint("hybrid", "75", 75.0, true)));
    assertEquals(new Saturation.SeriesSaturation("hybrid", "5", "25"), s.get(0));
    // Non-numeric x keeps the order the file lists.
    s = Saturation.perSeries(List.of(xPoint(null, "push", null, false), xPoint(null, "pull", null, true)));
    assertEquals(new Saturation.SeriesSaturation(null, "push", "pull"), s.get(0));
  }
}
