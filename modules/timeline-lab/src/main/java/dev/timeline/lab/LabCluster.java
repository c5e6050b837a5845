package dev.timeline.lab;

import dev.timeline.lab.history.Counters;
import dev.timeline.lab.history.JournalWriters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A cluster started with {@code scripts/cluster} in the lab's run directory, with a graph
 * imported: what an experiment, or a run of sweep points, measures. {@link #close} stops it.
 */
final class LabCluster implements AutoCloseable {
  final ClusterControl control;
  /** Where the nodes listen: read from the run directory after every start. */
  private volatile ClusterDescription description;
  /** The nodes' public APIs and admin ports, as the description names them. */
  final Http http = Http.publicApi(this::description);
  private final Http admin = Http.admin(this::description);
  final Experiment.ClusterSpec spec;
  final Experiment.GraphSpec graphSpec;
  final Graph graph;
  /** The settings every node said it runs with (GET /cluster), read after every start. */
  private volatile NodeApi.NodeSettings settings;

  /** Stops the cluster if the lab is interrupted (Ctrl-C) while it runs. */
  private final Thread stopOnExit;

  private LabCluster(ClusterControl control, Experiment.ClusterSpec spec, Experiment.GraphSpec graphSpec, Graph graph) {
    this.control = control;
    this.spec = spec;
    this.graphSpec = graphSpec;
    this.graph = graph;
    this.description = ClusterDescription.read(control.runDir());
    this.settings = agreedSettings(http, spec);
    this.stopOnExit = new Thread(() -> stopQuietly(control), "stop-lab-cluster");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /**
   * Stops a lab cluster left over from an interrupted run, starts this one on an emptied run
   * directory (journal data survives a plain start), imports the graph.
   */
  static LabCluster start(ClusterControl control, Experiment.ClusterSpec spec, Experiment.GraphSpec graphSpec) {
    control.run("stop", "all");
    Console.printf("starting the cluster: %d nodes, %s strategy%s%s...%n", spec.nodes(), spec.strategy(),
        spec.strategy().equals("hybrid") ? " (threshold " + spec.hybridThreshold() + ")" : "",
        spec.nodeCapacity() > 0 ? ", " + spec.nodeCapacity() + " req/s per node" : "");
    LabCluster lab = null;
    try {
      long started = System.nanoTime();
      startOnceMore(control, spec);
      Console.printf("  cluster up in %.0f s: %s%n", (System.nanoTime() - started) / 1e9, summary(control.status()));
      long t0 = System.nanoTime();
      Graph graph = Graph.of(graphSpec);
      Console.printf("graph: %,d users, %,d follows (generated in %.1f s)%n", graph.size(), graph.follows(), (System.nanoTime() - t0) / 1e9);
      lab = new LabCluster(control, spec, graphSpec, graph);
      NodeApi.NodeSettings s = lab.settings;
      Console.printf("  the nodes' settings: home timelines of %d, own timelines of %d, strategy %s (hybrid threshold %d)%n",
          s.homeTimelineSize(), s.userTimelineSize(), s.strategy(), s.hybridThreshold());
      var times = new GraphLoader(lab.admin, spec.nodes(), graphSpec.importBatchIds(), graphSpec.importInFlight()).load(graph);
      Console.printf("graph loaded: %,.0f users/s, %,.0f follows/s%n", times.usersPerSecond(), times.followsPerSecond());
      return lab;
    } catch (RuntimeException e) {
      stopQuietly(control);
      throw e;
    }
  }

  /**
   * Runs {@code scripts/cluster start --fresh}, and once more if that fails: on a busy machine a
   * node can time out creating the journal tables while the others start, and a second try
   * usually works.
   */
  private static void startOnceMore(ClusterControl control, Experiment.ClusterSpec spec) {
    try {
      control.run(spec.startArgs(true).toArray(String[]::new));
    } catch (IllegalStateException failed) {
      Console.println("  the cluster did not start (" + failed.getMessage().lines().reduce((a, b) -> b).orElse("") + "); once more");
      stopQuietly(control);
      control.run(spec.startArgs(true).toArray(String[]::new));
    }
  }

  /** "3 nodes up (1, 2, 3), journal h2 running", from scripts/cluster status --json. */
  static String summary(ClusterStatus status) {
    List<Integer> up = status.nodes().stream().filter(n -> n.state() == ClusterStatus.State.up).map(ClusterStatus.Node::node).toList();
    List<String> others = status.nodes().stream().filter(n -> n.state() != ClusterStatus.State.up)
        .map(n -> "node " + n.node() + " " + n.state()).toList();
    return up.size() + " node" + (up.size() == 1 ? "" : "s") + " up " + up + (others.isEmpty() ? "" : ", " + String.join(", ", others))
        + ", journal " + status.journal().kind() + " " + status.journal().state()
        + (status.frontDoor() == null ? "" : ", front door " + status.frontDoor());
  }

  /**
   * The settings every node runs with, as each says in GET /cluster: they must all say, agree,
   * and run the strategy the experiment asked for, or the checkers would judge the run by wrong
   * bounds (a timeline holds the newest N tweets: one missing beyond N was rightly dropped).
   */
  static NodeApi.NodeSettings agreedSettings(Http http, Experiment.ClusterSpec spec) {
    NodeApi.Request request = NodeApi.cluster(true);
    Map<Integer, NodeApi.NodeSettings> byNode = new LinkedHashMap<>();
    for (int node = 1; node <= spec.nodes(); node++) {
      Http.Answer a = http.call(node, request, Duration.ofSeconds(15));
      if (!a.is(200))
        throw new IllegalStateException("node " + node + " did not describe its settings: " + request.line() + " answered "
            + (a.status() == 0 ? a.error() : a.status()));
      try {
        byNode.put(node, NodeApi.NodeSettings.read(request, a.body()));
      } catch (NodeApi.BadReply bad) {
        throw new IllegalStateException("node " + node + " did not describe its settings (" + bad.getMessage()
            + "); the checkers need its timeline bounds", bad);
      }
    }
    if (byNode.values().stream().distinct().count() > 1)
      throw new IllegalStateException("the nodes disagree on their settings: " + byNode);
    NodeApi.NodeSettings agreed = byNode.values().iterator().next();
    if (!agreed.strategy().equals(spec.strategy())
        || spec.strategy().equals("hybrid") && agreed.hybridThreshold() != spec.hybridThreshold())
      throw new IllegalStateException("the nodes run strategy " + agreed.strategy() + " (hybrid threshold " + agreed.hybridThreshold()
          + "), not the experiment's " + spec.strategy() + " (" + spec.hybridThreshold() + ")");
    return agreed;
  }

  /** Every node and the journal SIGKILLed at once: nothing survives but what is on disk. */
  void crashAll() {
    control.run(new Fault.CrashAll().args().toArray(String[]::new));
  }

  /**
   * After {@link #crashAll}: everything started again on the same journal data with the same
   * settings; returns once every node's /health answers 200.
   */
  void startAgain(Duration healthyWithin) {
    control.run(spec.startArgs(false).toArray(String[]::new));
    description = ClusterDescription.read(control.runDir());
    awaitHealthy(healthyWithin);
    settings = agreedSettings(http, spec);
  }

  /** Until every node's /health answers 200; throws if one does not within {@code timeout}. */
  void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int node = 1; node <= spec.nodes(); node++) {
      while (!http.call(node, NodeApi.health(), Duration.ofSeconds(2)).is(200)) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("node " + node + " not healthy within " + timeout);
        LockSupport.parkNanos(200_000_000L);
      }
    }
  }

  /**
   * The journal's writer runs (GET /admin/journal/writers on a node's admin port), from the first
   * node that answers; null if none does.
   */
  JournalWriters journalWriters() {
    NodeApi.Request request = NodeApi.journalWriters();
    for (int node = 1; node <= spec.nodes(); node++) {
      Http.Answer a = admin.call(node, request, Duration.ofSeconds(60));
      if (!a.is(200)) continue;
      try {
        return NodeApi.journalWriters(request, a.body());
      } catch (NodeApi.BadReply bad) { // an answer without the contract's fields is not read: an empty check must not pass
        Console.println("  node " + node + ": " + bad.getMessage());
      }
    }
    return null;
  }

  /** Whether this cluster, with this graph, is what {@code cluster} and {@code graph} describe. */
  boolean matches(Experiment.ClusterSpec cluster, Experiment.GraphSpec graph) {
    return spec.equals(cluster) && graphSpec.equals(graph);
  }

  /**
   * Every node's /metrics (strategy cost counters since it started), by node index; a node that
   * does not answer is missing from the map.
   */
  Map<Integer, Counters> metrics() {
    Map<Integer, Counters> byNode = new LinkedHashMap<>();
    NodeApi.Request request = NodeApi.metrics();
    for (int node = 1; node <= spec.nodes(); node++) {
      Http.Answer a = http.call(node, request, Duration.ofSeconds(5));
      if (!a.is(200)) continue;
      try {
        byNode.put(node, NodeApi.counters(request, a.body()));
      } catch (NodeApi.BadReply bad) { // missing from the map, as a node that did not answer
        Console.println("  node " + node + ": " + bad.getMessage());
      }
    }
    return byNode;
  }

  ClusterDescription description() {
    return description;
  }

  NodeApi.NodeSettings settings() {
    return settings;
  }

  List<java.nio.file.Path> logs() {
    return control.logs();
  }

  @Override
  public void close() {
    Console.println("stopping the cluster...");
    stopQuietly(control);
    http.close();
    admin.close();
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException exiting) {
      // already shutting down: the hook runs (a second stop is a no-op)
    }
  }

  private static void stopQuietly(ClusterControl control) {
    try {
      control.run("stop", "all");
    } catch (RuntimeException stopFailed) {
      Console.println("  " + stopFailed.getMessage());
    }
  }
}
