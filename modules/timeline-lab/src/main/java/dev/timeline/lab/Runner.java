package dev.timeline.lab;

import dev.timeline.lab.check.Slo;
import dev.timeline.lab.history.FinalState;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.report.HtmlReport;
import dev.timeline.lab.report.Report;
import dev.timeline.lab.report.ReportWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

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
    int nodes = e.cluster().nodes();
    ClusterControl cluster = new ClusterControl(root, root.resolve("run/lab"), results.resolve("cluster.log"));
    Http http = new Http();
    System.out.printf("experiment %s (%s profile, %d nodes, %s journal): %s%n", e.name(), e.cluster().profile(), nodes,
        e.cluster().journal(), e.description());
    System.out.println("results: " + results);
    cluster.run("stop", "all"); // a lab cluster left over from an interrupted run
    try {
      System.out.println("starting the cluster...");
      System.out.print(cluster.run("start", String.valueOf(nodes), "--journal", e.cluster().journal(), "--profile", e.cluster().profile())
          .lines().filter(l -> l.contains("up in")).findFirst().map(l -> "  " + l + "\n").orElse(""));

      Graph graph = e.graph().file() != null
          ? Graph.fromEdgeFile(e.graph().file(), e.graph().symmetric())
          : Graph.generate(e.graph().users(), e.graph().meanFollowers(), e.graph().skew(), e.graph().seed());
      System.out.printf("graph: %d users, %d follows%n", graph.users().size(), graph.follows());
      new GraphLoader(http, nodes, e.graph().loadConcurrency()).load(graph);

      if (!e.warmUp().isZero()) {
        System.out.printf("warm-up: %d s at %.0f req/s (not recorded)%n", e.warmUp().toSeconds(), e.load().rate());
        RunClock warm = RunClock.startingNow();
        new LoadGenerator(http, e.load(), graph, nodes, e.cluster().resilient(), new LagProbe(http, graph, nodes, e.load(), warm, 1))
            .run(warm, e.warmUp().toMillis(), false, "warm-" + Instant.now().toEpochMilli(), e.graph().seed() + 1);
      }

      System.out.printf("run: %d s at %.0f req/s, %d faults scheduled%n", e.duration().toSeconds(), e.load().rate(), e.faults().size());
      String startedAt = Instant.now().toString();
      RunClock clock = RunClock.startingNow();
      LagProbe lags = new LagProbe(http, graph, nodes, e.load(), clock, e.graph().seed() + 2);
      LoadGenerator load = new LoadGenerator(http, e.load(), graph, nodes, e.cluster().resilient(), lags);
      Nemesis nemesis = new Nemesis(cluster, http, nodes, clock);
      nemesis.start(e.faults());
      Thread progress = progressLine(clock, load, nemesis, e.duration());
      load.run(clock, e.duration().toMillis(), true, "run-" + Instant.now().toEpochMilli(), e.graph().seed() + 3);
      double durationMs = e.duration().toMillis();
      progress.interrupt();
      nemesis.awaitSchedule();
      System.out.println();

      System.out.println("undoing every fault still in force, then settling " + e.settle().toSeconds() + " s...");
      nemesis.undoAll();
      lags.awaitIdle();
      Thread.sleep(e.settle().toMillis());
      FinalState state = readBack(http, graph, nodes);

      List<Op> history = new ArrayList<>(load.history);
      history.sort(Comparator.comparingLong(Op::id));
      Report report = Report.build(e.name(), e.cluster().profile(), e.description(), startedAt, durationMs, Slo.fromConfig(e.slo()),
          history, new ArrayList<>(lags.samples), nemesis.records(), state, e.expect(), settings(e, graph, lags));
      ReportWriter.writeJson(report, results.resolve("report.json"));
      ReportWriter.writeHistory(history, results.resolve("history.jsonl"));
      HtmlReport.write(report, results.resolve("report.html"));
      return report;
    } finally {
      copyLogs(cluster);
      System.out.println("stopping the cluster...");
      try {
        cluster.run("stop", "all");
      } catch (RuntimeException stopFailed) {
        System.out.println("  " + stopFailed.getMessage());
      }
    }
  }

  private static Map<String, Object> settings(Experiment e, Graph graph, LagProbe lags) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("nodes", e.cluster().nodes());
    settings.put("journal", e.cluster().journal());
    settings.put("profile", e.cluster().profile());
    settings.put("users", graph.users().size());
    settings.put("follows", graph.follows());
    settings.put("graph", e.graph().file() != null ? e.graph().file().toString() : "generated, mean " + e.graph().meanFollowers() + " followers, skew " + e.graph().skew());
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

  /** Every home and user timeline, through whichever node answers, many reads at once. */
  private static FinalState readBack(Http http, Graph graph, int nodes) throws Exception {
    System.out.printf("reading back %d home and user timelines...%n", graph.users().size());
    Map<String, List<String>> homes = new ConcurrentHashMap<>();
    Map<String, List<String>> own = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> reads = new ArrayList<>();
      for (String user : graph.users())
        reads.add(pool.submit(() -> {
          List<String> home = readAll(http, nodes, "/users/" + user + "/timeline");
          if (home != null) homes.put(user, home);
          List<String> tweets = readAll(http, nodes, "/users/" + user + "/tweets");
          if (tweets != null) own.put(user, tweets);
        }));
      for (Future<?> read : reads) read.get();
    } finally {
      pool.shutdownNow();
    }
    return new FinalState(graph.followersOf(), homes, own, TIMELINE_LIMIT);
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

  private static Thread progressLine(RunClock clock, LoadGenerator load, Nemesis nemesis, Duration duration) {
    Thread t = new Thread(() -> {
      long lastCompleted = 0, lastNotOk = 0;
      Histogram interval = null;
      try {
        while (true) {
          Thread.sleep(1000);
          interval = load.latencies.getIntervalHistogram(interval);
          long completed = load.completed.get(), notOk = load.notOk.get();
          System.out.printf("  %5.1f / %d s  %4d req/s  p99 %6.0f ms  errors %3d  faults: %s%n", clock.ms() / 1000, duration.toSeconds(),
              completed - lastCompleted, interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0,
              notOk - lastNotOk, nemesis.active().isEmpty() ? "none" : String.join(", ", nemesis.active()));
          lastCompleted = completed;
          lastNotOk = notOk;
        }
      } catch (InterruptedException done) {
        // the run is over
      }
    }, "progress");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void copyLogs(ClusterControl cluster) {
    try {
      Path logs = Files.createDirectories(results.resolve("logs"));
      for (Path log : cluster.logs()) Files.copy(log, logs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      System.out.println("could not copy the node logs: " + e.getMessage());
    }
  }
}
