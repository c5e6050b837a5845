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

  /** Stops the cluster if the lab is interrupted (Ctrl-C) while it runs. */
  private final Thread stopOnExit;

  private LabCluster(ClusterControl control, Experiment.ClusterSpec spec, Experiment.GraphSpec graphSpec, Graph graph) {
    this.control = control;
    this.spec = spec;
    this.graphSpec = graphSpec;
    this.graph = graph;
    this.description = ClusterDescription.read(control.runDir());
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
      String started = startOnceMore(control, spec);
      started.lines().filter(l -> l.contains("up in")).findFirst().ifPresent(l -> Console.println("  " + l.strip()));
      long t0 = System.nanoTime();
      Graph graph = Graph.of(graphSpec);
      Console.printf("graph: %,d users, %,d follows (generated in %.1f s)%n", graph.size(), graph.follows(), (System.nanoTime() - t0) / 1e9);
      lab = new LabCluster(control, spec, graphSpec, graph);
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
  private static String startOnceMore(ClusterControl control, Experiment.ClusterSpec spec) {
    try {
      return control.run(spec.startArgs(true).toArray(String[]::new));
    } catch (IllegalStateException failed) {
      Console.println("  the cluster did not start (" + failed.getMessage().lines().reduce((a, b) -> b).orElse("") + "); once more");
      stopQuietly(control);
      return control.run(spec.startArgs(true).toArray(String[]::new));
    }
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
  }

  /** Until every node's /health answers 200; throws if one does not within {@code timeout}. */
  void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int node = 1; node <= spec.nodes(); node++) {
      while (!http.call(node, "GET", "/health", null, Duration.ofSeconds(2)).is(200)) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("node " + node + " not healthy within " + timeout);
        LockSupport.parkNanos(200_000_000L);
      }
    }
  }

  /**
   * The journal's writer runs (contract: GET /admin/journal/writers on a node's admin port), from
   * the first node that answers; null if none does.
   */
  JournalWriters journalWriters() {
    for (int node = 1; node <= spec.nodes(); node++) {
      Http.Answer a = admin.call(node, "GET", "/admin/journal/writers", null, Duration.ofSeconds(60));
      // An answer without the contract's fields is not read: an empty check must not pass.
      if (!a.is(200) || a.body() == null || !a.body().path("writerRuns").isObject() || !a.body().path("events").isNumber()) continue;
      Map<String, List<String>> runs = new LinkedHashMap<>();
      a.body().path("writerRuns").fields().forEachRemaining(e -> {
        List<String> writers = new ArrayList<>();
        e.getValue().forEach(w -> writers.add(w.asText()));
        runs.put(e.getKey(), writers);
      });
      return new JournalWriters(a.body().path("persistenceIds").asLong(), a.body().path("events").asLong(), runs);
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
    for (int node = 1; node <= spec.nodes(); node++) {
      Http.Answer a = http.call(node, "GET", "/metrics", null, Duration.ofSeconds(5));
      if (!a.is(200) || a.body() == null) continue;
      var b = a.body();
      byNode.put(node, new Counters(b.path("posts").asLong(), b.path("timelineWrites").asLong(), b.path("homeReads").asLong(),
          b.path("entitiesAsked").asLong(), b.path("partialReads").asLong()));
    }
    return byNode;
  }

  ClusterDescription description() {
    return description;
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
