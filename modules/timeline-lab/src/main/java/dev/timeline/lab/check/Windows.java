package dev.timeline.lab.check;

import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Cuts a run into windows of {@link Slo#windowMs()} and judges each against the SLO. */
public final class Windows {

  private Windows() {}

  /**
   * Windows from 0 up to {@code durationMs}, empty ones included. An operation belongs to the
   * window of its intended start, a lag sample to the window of its post's acknowledgement. The
   * list grows past {@code durationMs} if an operation or sample lies beyond it (a post intended
   * just before the end and acknowledged after it), so that nothing is silently dropped.
   */
  public static List<Window> of(List<Op> history, List<LagSample> lags, Slo slo, double durationMs) {
    double windowMs = slo.windowMs();
    int count = (int) Math.ceil(durationMs / windowMs);
    for (Op op : history) {
      count = Math.max(count, indexOf(op.intendedMs(), windowMs) + 1);
    }
    for (LagSample lag : lags) {
      count = Math.max(count, indexOf(lag.ackedMs(), windowMs) + 1);
    }

    List<Map<OpType, List<Op>>> opsByWindow = new ArrayList<>(count);
    List<List<LagSample>> lagsByWindow = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      Map<OpType, List<Op>> byType = new EnumMap<>(OpType.class);
      for (OpType type : OpType.values()) {
        byType.put(type, new ArrayList<>());
      }
      opsByWindow.add(byType);
      lagsByWindow.add(new ArrayList<>());
    }
    for (Op op : history) {
      opsByWindow.get(indexOf(op.intendedMs(), windowMs)).get(op.type()).add(op);
    }
    for (LagSample lag : lags) {
      lagsByWindow.get(indexOf(lag.ackedMs(), windowMs)).add(lag);
    }

    List<Window> windows = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      Map<OpType, OpStats> stats = new EnumMap<>(OpType.class);
      opsByWindow.get(k).forEach((type, ops) -> stats.put(type, OpStats.of(ops)));
      windows.add(judge(k, k * windowMs, Collections.unmodifiableMap(stats), LagStats.p99Ms(lagsByWindow.get(k)),
          lagsByWindow.get(k).size(), slo));
    }
    return List.copyOf(windows);
  }

  /** The window length of a list made by {@link #of}: a window k > 0 starts at k times it. */
  static double lengthMs(List<Window> windows, double durationMs) {
    for (Window window : windows) {
      if (window.index() > 0) {
        return window.startMs() / window.index();
      }
    }
    // Only window 0: it is at least as long as the run, which is all of it that was observed.
    return durationMs;
  }

  private static Window judge(int index, double startMs, Map<OpType, OpStats> ops, Double lagP99Ms, int lagSamples, Slo slo) {
    List<String> reasons = new ArrayList<>();
    int all = ops.values().stream().mapToInt(OpStats::count).sum();
    if (all > 0) {
      double ratio = (double) ops.values().stream().mapToInt(OpStats::ok).sum() / all;
      if (ratio < slo.minSuccessRatio()) {
        reasons.add("success " + Fmt.against(ratio, slo.minSuccessRatio(), 2) + " < " + Fmt.plain(slo.minSuccessRatio()));
      }
    }
    ops.forEach((type, stats) -> {
      Double bound = slo.maxP99Ms().get(type);
      if (bound != null && stats.count() > 0 && stats.p99Ms() > bound) {
        reasons.add(type + " p99 " + Fmt.against(stats.p99Ms(), bound, 0) + " ms > " + Fmt.plain(bound) + " ms");
      }
    });
    Double lagBound = slo.maxFanOutLagMs();
    if (lagBound != null && lagP99Ms != null && lagP99Ms > lagBound) {
      reasons.add(lagP99Ms.isInfinite()
          ? "fan-out lag p99 never visible (bound " + Fmt.plain(lagBound) + " ms)"
          : "fan-out lag p99 " + Fmt.against(lagP99Ms, lagBound, 0) + " ms > " + Fmt.plain(lagBound) + " ms");
    }
    return new Window(index, startMs, ops, lagP99Ms, lagSamples, !reasons.isEmpty(), reasons);
  }

  /** Times a hair before the start (the runner's clock read before the run's zero) count as the first window. */
  private static int indexOf(double timeMs, double windowMs) {
    return (int) Math.floor(Math.max(0, timeMs) / windowMs);
  }
}
