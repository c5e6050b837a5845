package dev.timeline.lab.sweep;

import dev.timeline.lab.Experiment;
import dev.timeline.lab.check.LagStats;
import dev.timeline.lab.check.Slo;
import dev.timeline.lab.check.StrategyCost;
import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One measured point of a sweep, as written to sweep.json and one row of sweep.csv.
 *
 * @param series          the series value's label, null without a series
 * @param x               the x value's label
 * @param xValue          the x value as a number, null when it is not one
 * @param offeredRate     operations per second the open-model client issued
 * @param achievedRate    ok operations per second over the measured run
 * @param ops             per operation type: counts and latency percentiles
 * @param partialReads    ok home reads answered partial
 * @param writesPerPost   home-timeline writes per post, from the nodes' /metrics (null: none)
 * @param entitiesPerRead entities asked per home read, from the nodes' /metrics (null: none)
 * @param lagP50Ms        fan-out lag p50 of the sampled posts that became visible (null: none)
 * @param lagP99Ms        fan-out lag p99 likewise
 * @param lagNeverVisible sampled posts never seen in the follower's timeline within the lag timeout
 * @param saturated       whether this point is past what the cluster sustains
 * @param why             the reasons it is saturated (throughput, a p99 over the SLO), or the error
 * @param error           why the point could not be measured; null when it was
 */
public record SweepPoint(
    int index,
    String series,
    String x,
    Double xValue,
    double offeredRate,
    double achievedRate,
    Map<OpType, OpSummary> ops,
    int partialReads,
    Double writesPerPost,
    Double entitiesPerRead,
    Double lagP50Ms,
    Double lagP99Ms,
    int lagNeverVisible,
    boolean saturated,
    List<String> why,
    String error) {

  public SweepPoint {
    Map<OpType, OpSummary> inOrder = new EnumMap<>(OpType.class); // JSON and CSV list post, home, user
    inOrder.putAll(ops);
    ops = java.util.Collections.unmodifiableMap(inOrder);
    why = List.copyOf(why);
  }

  /**
   * A point to run: its place in the sweep and the experiment it is.
   *
   * @param seriesIndex index into the series' values, null without a series
   * @param label       "pull, load.rate 200": how progress lines and directories name it
   */
  public record Plan(int index, Integer seriesIndex, int xIndex, String label, Experiment experiment) {}

  /** What a measured run of {@code plan} found. */
  public static SweepPoint measured(Plan plan, SweepSpec spec, List<Op> history, List<LagSample> lags, StrategyCost cost, double durationMs) {
    Map<OpType, List<Op>> byType = new EnumMap<>(OpType.class);
    for (Op op : history) byType.computeIfAbsent(op.type(), t -> new ArrayList<>()).add(op);
    Map<OpType, OpSummary> ops = new EnumMap<>(OpType.class);
    byType.forEach((type, list) -> ops.put(type, OpSummary.of(list)));
    long ok = history.stream().filter(op -> op.outcome() == Outcome.ok).count();
    int partial = (int) history.stream().filter(Op::partial).count();
    double offered = plan.experiment().load().rate();
    double achieved = ok / (durationMs / 1000);
    LagStats lag = LagStats.of(lags);
    List<String> why = Saturation.reasons(offered, achieved, ops, Slo.fromConfig(plan.experiment().slo()), spec.throughputRatio());
    return new SweepPoint(plan.index(), seriesLabel(plan, spec), spec.x().label(plan.xIndex()), spec.x().number(plan.xIndex()),
        offered, achieved, ops, partial, cost == null ? null : cost.writesPerPost(), cost == null ? null : cost.entitiesPerRead(),
        lag.p50Ms(), lag.p99Ms(), lag.neverVisible(), !why.isEmpty(), why, null);
  }

  /** A point that could not be measured (the cluster would not start, ...). */
  public static SweepPoint failed(Plan plan, SweepSpec spec, String error) {
    return new SweepPoint(plan.index(), seriesLabel(plan, spec), spec.x().label(plan.xIndex()), spec.x().number(plan.xIndex()),
        plan.experiment().load().rate(), 0, Map.of(), 0, null, null, null, null, 0, true, List.of("error: " + error), error);
  }

  static String seriesLabel(Plan plan, SweepSpec spec) {
    return plan.seriesIndex() == null ? null : spec.series().label(plan.seriesIndex());
  }
}
