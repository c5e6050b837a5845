package dev.timeline.lab;

import dev.timeline.lab.check.Slo;
import dev.timeline.lab.dash.DashboardMain;
import dev.timeline.lab.history.FinalState;
import dev.timeline.lab.history.JournalWriters;
import dev.timeline.lab.history.OwnTweet;
import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.report.Report;
import dev.timeline.lab.report.StoredRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One experiment, start to end: cluster up, graph loaded, warm-up, the measured run with its
 * fault schedule, every fault undone, a settle period, every timeline read back (warm), a cold
 * restart of the whole cluster from the journal and every timeline read back again (cold), the
 * journal's writers, the checkers, the report. The cluster is stopped at the end whatever happened.
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
    Console.printf("experiment %s (%s profile, %d nodes, %s journal, %s strategy): %s%n", e.name(), e.cluster().profile(),
        e.cluster().nodes(), e.cluster().journal(), e.cluster().strategy(), e.description());
    Console.println("results: " + results);
    LabCluster lab = null;
    // The page also shows what the load generator saw: its tally, read through a copy each second.
    LiveOutcomes live = LiveOutcomes.forLoad(e.load());
    AutoCloseable dashboard = e.dashboardPort().isPresent()
        ? DashboardMain.serve(root, control.runDir(), e.dashboardPort().getAsInt(), live::snapshot) : null;
    try {
      lab = LabCluster.start(control, e.cluster(), e.graph());
      MeasuredRun run = MeasuredRun.measure(lab, e, 1, dashboard != null ? live : null);
      List<LagSample> lags;
      try (run) {
        Console.println("undoing every fault still in force, then settling " + e.settle().toSeconds() + " s...");
        run.undoFaults();
        lags = run.lagSamples();
      }
      Thread.sleep(e.settle().toMillis());
      FinalState warm = readBack(lab.http, lab.graph, e.cluster().nodes(), lab.settings(), "warm");
      FinalState cold = coldReadBack(lab, e.cluster().nodes(), e.settle());
      JournalWriters writers = lab.journalWriters();
      if (writers == null) Console.println("the journal's writers could not be read (GET /admin/journal/writers)");

      List<Op> history = run.history();
      StoredRun.of(e.name(), e.cluster().profile(), e.description(), run.startedIso(), run.durationMs(), Slo.fromConfig(e.slo()),
          e.expect(), lags, run.faults(), warm, cold, writers, run.cost(), settings(e, lab.graph, run.lagSamplesSkipped()))
          .write(results, history);
      // The report is built from what was stored, exactly as scripts/experiment --analyze builds it again.
      return StoredRun.analyze(results);
    } finally {
      copyLogs(control, results);
      if (lab != null) lab.close();
      if (dashboard != null) dashboard.close();
    }
  }

  static Map<String, Object> settings(Experiment e, Graph graph, int lagSamplesSkipped) {
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
    settings.put("lagSamplesSkipped", lagSamplesSkipped);
    settings.put("faults", e.faults().stream().map(step -> {
      Fault f = step.fault();
      return step.at().toSeconds() + "s " + f.verb() + (f.nodes().isEmpty() ? "" : " " + f.nodes())
          + (f instanceof Fault.PauseStorm p ? " " + p.storm().count() + " x " + p.storm().pause().toMillis() + " ms, gap "
              + p.storm().gap().toMillis() + " ms" : "");
    }).toList());
    return settings;
  }

  static String describe(Experiment.GraphSpec g) {
    if (g.file() != null) return g.file().toString();
    if (g.followees() > 0) return "generated, every user follows " + g.followees();
    return "generated, mean " + g.meanFollowers() + " followers, skew " + g.skew()
        + (g.celebrities() > 0 ? ", " + g.celebrities() + " celebrities followed by " + g.celebrityFollowers() * 100 + " % each" : "");
  }

  /** Within this, after a cold start, every node must answer /health. */
  static final Duration COLD_START_HEALTHY = Duration.ofMinutes(2);

  /**
   * Every node and the journal killed at once, started again on the same data, every timeline
   * read again: now only what the journal held can be found. If the kill failed, the cluster
   * still runs on its memory: nothing is read, so that every timeline counts as unreadable rather
   * than a warm read passing as a cold one. A cluster that does not come back is read anyway.
   * Once healthy it settles as after the run: the fan-out resumes from its stored offsets and
   * waits out any gap in the journal's ordering (a crashed H2 server skips the ids it had cached)
   * before it delivers what follows.
   */
  private static FinalState coldReadBack(LabCluster lab, int nodes, Duration settle) throws Exception {
    Console.println("cold restart: every node and the journal killed at once, then started again on the same data...");
    try {
      lab.crashAll();
    } catch (IllegalStateException notKilled) {
      String why = notKilled.getMessage().lines().findFirst().orElse("");
      Console.println("  the cluster could not be killed, so no cold read-back: " + why);
      return new FinalState(lab.graph.followersById(), Map.of(), Map.of(), lab.settings().homeTimelineSize(),
          lab.settings().userTimelineSize(), List.of("cold restart failed: " + why));
    }
    long t0 = System.nanoTime();
    try {
      lab.startAgain(COLD_START_HEALTHY);
      Console.printf("  every node healthy again after %.1f s; settling %d s...%n", (System.nanoTime() - t0) / 1e9, settle.toSeconds());
      Thread.sleep(settle.toMillis());
    } catch (IllegalStateException notBack) {
      Console.println("  the cluster did not come back: " + notBack.getMessage().lines().findFirst().orElse(""));
    }
    return readBack(lab.http, lab.graph, nodes, lab.settings(), "cold");
  }

  /**
   * Every user's own timeline, then every home timeline, through whichever node answers, many
   * reads at once. Own timelines first: reading one starts its user's entity, so that a home
   * read that gathers from followees (pull, hybrid) finds them running rather than recovering.
   */
  private static FinalState readBack(Http http, Graph graph, int nodes, NodeApi.NodeSettings settings, String which) throws Exception {
    Console.printf("reading back %d user and home timelines (%s)...%n", graph.size(), which);
    Map<String, List<String>> homes = new ConcurrentHashMap<>();
    Map<String, List<OwnTweet>> own = new ConcurrentHashMap<>();
    Queue<String> unanswered = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(16, r -> new Thread(r, "read-back"));
    try {
      forEveryUser(pool, graph, user -> {
        List<NodeApi.Tweet> tweets = readAll(http, nodes, cursor -> NodeApi.ownTimeline(user, 200, cursor), unanswered);
        if (tweets != null) own.put(user, tweets.stream().map(t -> new OwnTweet(t.id(), t.requestId())).toList());
      });
      forEveryUser(pool, graph, user -> {
        List<NodeApi.Tweet> home = readAll(http, nodes, cursor -> NodeApi.homeTimeline(user, 200, cursor), unanswered);
        if (home != null) homes.put(user, home.stream().map(NodeApi.Tweet::id).toList());
      });
    } finally {
      pool.shutdownNow();
    }
    return new FinalState(graph.followersById(), homes, own, settings.homeTimelineSize(), settings.userTimelineSize(),
        List.copyOf(unanswered));
  }

  /** {@code read} for every user of the graph on the pool, returning once all are done. */
  private static void forEveryUser(ExecutorService pool, Graph graph, java.util.function.Consumer<String> read) throws Exception {
    List<Future<?>> reads = new ArrayList<>();
    for (int u = 0; u < graph.size(); u++) {
      String user = graph.id(u);
      reads.add(pool.submit(() -> read.accept(user)));
    }
    for (Future<?> done : reads) done.get();
  }

  /** 503s a read-back waits out per timeline (a second each) before it counts one as unanswered. */
  private static final int NOT_NOW_RETRIES = 30;

  /**
   * Every page of a timeline, newest first. A 503 or a partial page ("not now": the user's
   * entity is still recovering, or still rebuilding its home timeline, say, right after the cold
   * start) is asked again after a second, up to {@link #NOT_NOW_RETRIES} times per timeline, and
   * is not counted. A page not answered whole otherwise (no answer, another status), or still 503
   * or partial, is noted in {@code unanswered} and the timeline is read again from the next node.
   * Null if no node could.
   */
  private static List<NodeApi.Tweet> readAll(Http http, int nodes, java.util.function.Function<String, NodeApi.Request> pageAt,
                                             Queue<String> unanswered) {
    int notNow = 0;
    attempts:
    for (int attempt = 0; attempt < 3 * nodes; attempt++) {
      List<NodeApi.Tweet> tweets = new ArrayList<>();
      String cursor = null;
      int node = attempt % nodes + 1;
      while (true) {
        NodeApi.Request request = pageAt.apply(cursor);
        Http.Answer answer = http.call(node, request, Duration.ofSeconds(10));
        // A 200 not in the contract's shape is an answer the checker cannot use: unanswered, not empty.
        NodeApi.Page page = null;
        String bad = null;
        if (answer.is(200)) {
          try {
            page = NodeApi.Page.read(request, answer.body());
          } catch (NodeApi.BadReply e) {
            bad = e.getMessage();
          }
        }
        boolean partial = page != null && page.partial();
        if ((answer.is(503) || partial) && notNow++ < NOT_NOW_RETRIES) {
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
            return null;
          }
          continue;
        }
        if (page == null || partial) {
          unanswered.add(request.line() + " on node " + node + ": "
              + (partial ? "partial" : bad != null ? bad : answer.status() == 0 ? answer.error() : String.valueOf(answer.status())));
          continue attempts;
        }
        tweets.addAll(page.tweets());
        if (page.nextCursor() == null) return tweets;
        cursor = page.nextCursor();
      }
    }
    return null;
  }

  static void copyLogs(ClusterControl cluster, Path results) {
    try {
      Path logs = Files.createDirectories(results.resolve("logs"));
      for (Path log : cluster.logs()) Files.copy(log, logs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Console.println("could not copy the node logs: " + e.getMessage());
    }
  }
}
