package dev.timeline.lab;

import dev.timeline.lab.check.Slo;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.report.ReportWriter;
import dev.timeline.lab.report.SweepHtml;
import dev.timeline.lab.sweep.Saturation;
import dev.timeline.lab.sweep.SweepCsv;
import dev.timeline.lab.sweep.SweepPoint;
import dev.timeline.lab.sweep.SweepResult;
import dev.timeline.lab.sweep.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a sweep's points as short experiments. Starting a cluster and loading its graph is the
 * slow part, so points that share a cluster and graph run one after the other on the same
 * cluster; it is restarted only when a cluster or graph parameter changes. After every point
 * sweep.json, sweep.csv and sweep.html are written again, so an interrupted sweep keeps what it
 * measured.
 */
final class SweepRunner {
  private final SweepSpec spec;
  private final Path root;
  private final Path results;

  SweepRunner(SweepSpec spec, Path root, Path results) {
    this.spec = spec;
    this.root = root;
    this.results = results;
  }

  SweepResult run() throws IOException, InterruptedException {
    Files.createDirectories(results);
    List<SweepPoint.Plan> plans = inClusterOrder(spec.points());
    ClusterControl control = new ClusterControl(root, root.resolve("run/lab"), results.resolve("cluster.log"));
    int starts = clusterStarts(plans);
    Console.printf("sweep %s: %d points, %d cluster start%s%n  %s%nresults: %s%n", spec.name(), plans.size(), starts, starts == 1 ? "" : "s",
        spec.question(), results);
    String startedIso = Instant.now().toString();
    List<SweepPoint> points = new ArrayList<>();
    LabCluster lab = null;
    int clusters = 0;
    try {
      for (SweepPoint.Plan plan : plans) {
        Experiment e = plan.experiment();
        Console.printf("%n== point %d/%d: %s (%.0f req/s, %d s) ==%n", points.size() + 1, plans.size(), plan.label(),
            e.load().rate(), e.duration().toSeconds());
        SweepPoint point;
        try {
          if (lab == null || !lab.matches(e.cluster(), e.graph())) {
            if (lab != null) {
              Runner.copyLogs(control, results.resolve("logs/cluster-" + clusters));
              lab.close();
              lab = null;
            }
            clusters++;
            lab = LabCluster.start(control, e.cluster(), e.graph());
          }
          try (MeasuredRun run = MeasuredRun.measure(lab, e, 5)) {
            point = SweepPoint.measured(plan, spec, run.history(), run.lagSamples(), run.cost(), run.durationMs());
          }
        } catch (RuntimeException broke) {
          Console.println("point broke: " + broke.getMessage());
          point = SweepPoint.failed(plan, spec, String.valueOf(broke.getMessage()).lines().findFirst().orElse("?"));
          if (lab != null) { // the cluster may be what broke: the next point starts afresh
            lab.close();
            lab = null;
          }
        }
        points.add(point);
        Console.println(line(point));
        write(result(startedIso, points));
      }
    } finally {
      if (lab != null) {
        Runner.copyLogs(control, results.resolve("logs/cluster-" + clusters));
        lab.close();
      }
    }
    SweepResult result = result(startedIso, points);
    write(result);
    return result;
  }

  /** Points grouped by the cluster and graph they need, groups in order of first appearance. */
  static List<SweepPoint.Plan> inClusterOrder(List<SweepPoint.Plan> plans) {
    Map<List<Object>, List<SweepPoint.Plan>> groups = new LinkedHashMap<>();
    for (SweepPoint.Plan p : plans)
      groups.computeIfAbsent(List.of(p.experiment().cluster(), p.experiment().graph()), k -> new ArrayList<>()).add(p);
    return groups.values().stream().flatMap(List::stream).toList();
  }

  static int clusterStarts(List<SweepPoint.Plan> ordered) {
    int starts = 0;
    Object last = null;
    for (SweepPoint.Plan p : ordered) {
      Object env = List.of(p.experiment().cluster(), p.experiment().graph());
      if (!env.equals(last)) starts++;
      last = env;
    }
    return starts;
  }

  private SweepResult result(String startedIso, List<SweepPoint> points) {
    Map<String, Double> slo = new LinkedHashMap<>();
    Slo.fromConfig(spec.points().get(0).experiment().slo()).maxP99Ms().forEach((t, ms) -> slo.put(t.name(), ms));
    List<String> xLabels = new ArrayList<>();
    for (int i = 0; i < spec.x().values().size(); i++) xLabels.add(spec.x().label(i));
    return new SweepResult(spec.name(), spec.question(), startedIso, spec.x().key(), spec.x().numeric(), xLabels,
        spec.series() == null ? null : spec.series().key(), slo, spec.throughputRatio(), points, Saturation.perSeries(points));
  }

  private void write(SweepResult result) {
    ReportWriter.writeJson(result, results.resolve("sweep.json"));
    SweepCsv.write(result, results.resolve("sweep.csv"));
    SweepHtml.write(result, results.resolve("sweep.html"));
  }

  static String line(SweepPoint p) {
    if (p.error() != null) return "  FAILED: " + p.error();
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "  offered %.0f/s, achieved %.1f ok/s", p.offeredRate(), p.achievedRate()));
    for (OpType t : OpType.values()) {
      var o = p.ops().get(t);
      if (o != null && o.count() > 0) s.append(String.format(Locale.ROOT, ", %s p50/p99 %.0f/%.0f ms", t, o.p50Ms(), o.p99Ms()));
    }
    if (p.writesPerPost() != null) s.append(String.format(Locale.ROOT, ", writes/post %.1f", p.writesPerPost()));
    if (p.entitiesPerRead() != null) s.append(String.format(Locale.ROOT, ", entities/read %.1f", p.entitiesPerRead()));
    if (p.partialReads() > 0) s.append(", partial reads ").append(p.partialReads());
    if (p.lagP99Ms() != null) s.append(String.format(Locale.ROOT, ", lag p99 %.0f ms", p.lagP99Ms()));
    s.append(p.saturated() ? "  SATURATED: " + String.join("; ", p.why()) : "  ok");
    return s.toString();
  }
}
