package dev.timeline.lab;

import dev.timeline.lab.check.Slo;
import dev.timeline.lab.history.FinalState;
import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.report.HtmlReport;
import dev.timeline.lab.report.Report;
import dev.timeline.lab.report.ReportWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One experiment, start to end: cluster up, graph loaded, warm-up, the measured run with its
 * fault schedule, every fault undone, a settle period, every timeline read back, the checkers,
 * the report. The cluster is stopped at the end whatever happened.
 */
final class Runner {
  private final Experiment experiment;
  private final Path root;
  private final Path results;

  Runner(Experiment experiment, Path root, Path results) {
    this.experiment = experiment;
    this.root = root;
    this.results = results;
  }

  Report run() throws Exception {
    Files.createDirectories(results);
    Experiment e = experiment;
    ClusterControl control = new ClusterControl(root, root.resolve("run/lab"), results.resolve("cluster.log"));
    System.out.printf("experiment %s (%s profile, %d nodes, %s journal, %s strategy): %s%n", e.name(), e.cluster().profile(),
        e.cluster().nodes(), e.cluster().journal(), e.cluster().strategy(), e.description());
    System.out.println("results: " + results);
    LabCluster lab = null;
    try {
      lab = LabCluster.start(control, e.cluster(), e.graph());
      MeasuredRun run = MeasuredRun.measure(lab, e, 1);

      System.out.println("undoing every fault still in force, then settling " + e.settle().toSeconds() + " s...");
      run.nemesis.undoAll();
      List<LagSample> lags = run.lagSamples();
      Thread.sleep(e.settle().toMillis());
      FinalState state = readBack(lab.http, lab.graph, e.cluster().nodes());

      List<Op> history = run.history();
      Report report = Report.build(e.name(), e.cluster().profile(), e.description(), run.startedIso, run.durationMs,
          Slo.fromConfig(e.slo()), history, lags, run.nemesis.records(), state, run.cost, e.expect(),
          settings(e, lab.graph, run.lags));
      ReportWriter.writeJson(report, results.resolve("report.json"));
      ReportWriter.writeHistory(history, results.resolve("history.jsonl"));
      HtmlReport.write(report, results.resolve("report.html"));
      return report;
    } finally {
      copyLogs(control, results);
      if (lab != null) lab.close();
    }
  }

  static Map<String, Object> settings(Experiment e, Graph graph, LagProbe lags) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("nodes", e.cluster().nodes());
    settings.put("journal", e.cluster().journal());
    settings.put("profile", e.cluster().profile());
    settings.put("strategy", e.cluster().strategy());
    settings.put("hybridThreshold", e.cluster().hybridThreshold());
    settings.put("nodeCapacity", e.cluster().nodeCapacity());
    settings.put("users", graph.size());
    settings.put("follows", graph.follows());
    settings.put("graph", describe(e.graph()));
    settings.put("rate", e.load().rate());
    settings.put("mix", e.load().mix().toString());
    settings.put("durationS", e.duration().toSeconds());
    settings.put("warmUpS", e.warmUp().toSeconds());
    settings.put("maxInFlight", e.load().maxInFlight());
    settings.put("lagSample", e.load().lagSample());
    settings.put("lagSamplesSkipped", lags.skipped.get());
    settings.put("faults", e.faults().stream().map(f -> f.at().toSeconds() + "s " + f.verb() + (f.nodes().isEmpty() ? "" : " " + f.nodes())).toList());
    return settings;
  }

  static String describe(Experiment.GraphSpec g) {
    if (g.file() != null) return g.file().toString();
    if (g.followees() > 0) return "generated, every user follows " + g.followees();
    return "generated, mean " + g.meanFollowers() + " followers, skew " + g.skew()
        + (g.celebrities() > 0 ? ", " + g.celebrities() + " celebrities followed by " + g.celebrityFollowers() * 100 + " % each" : "");
  }

  /** Every home and user timeline, through whichever node answers, many reads at once. */
  private static FinalState readBack(Http http, Graph graph, int nodes) throws Exception {
    System.out.printf("reading back %d home and user timelines...%n", graph.size());
    Map<String, List<String>> homes = new ConcurrentHashMap<>();
    Map<String, List<String>> own = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> reads = new ArrayList<>();
      for (int u = 0; u < graph.size(); u++) {
        String user = graph.id(u);
        reads.add(pool.submit(() -> {
          List<String> home = readAll(http, nodes, "/users/" + user + "/timeline");
          if (home != null) homes.put(user, home);
          List<String> tweets = readAll(http, nodes, "/users/" + user + "/tweets");
          if (tweets != null) own.put(user, tweets);
        }));
      }
      for (Future<?> read : reads) read.get();
    } finally {
      pool.shutdownNow();
    }
    return new FinalState(graph.followersById(), homes, own, TIMELINE_LIMIT);
  }

  /** The bounded home timeline length of the nodes (timeline.home-timeline-size). */
  static final int TIMELINE_LIMIT = 800;

  /** Every page of a timeline, newest first; a failed page starts over on the next node. Null if none could. */
  private static List<String> readAll(Http http, int nodes, String path) {
    attempts:
    for (int attempt = 0; attempt < 3 * nodes; attempt++) {
      List<String> ids = new ArrayList<>();
      String cursor = "";
      while (true) {
        Http.Answer page = http.call(attempt % nodes + 1, "GET", path + "?limit=200&cursor=" + cursor, null, Duration.ofSeconds(10));
        if (!page.is(200)) continue attempts;
        page.body().get("tweets").forEach(t -> ids.add(t.get("id").asText()));
        if (page.body().get("nextCursor").isNull()) return ids;
        cursor = page.body().get("nextCursor").asText();
      }
    }
    return null;
  }

  static void copyLogs(ClusterControl cluster, Path results) {
    try {
      Path logs = Files.createDirectories(results.resolve("logs"));
      for (Path log : cluster.logs()) Files.copy(log, logs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      System.out.println("could not copy the node logs: " + e.getMessage());
    }
  }
}
