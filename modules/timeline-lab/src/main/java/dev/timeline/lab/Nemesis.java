package dev.timeline.lab;

import dev.timeline.lab.history.FaultRecord;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Injects the experiment's faults on schedule through scripts/cluster (one at a time: a pause
 * storm holds the schedule until its last pause is over), and watches the cluster
 * (a healthy node's public GET /cluster, every 250 ms) to record when each faulted node was seen
 * unreachable and when it was downed or removed.
 */
final class Nemesis implements AutoCloseable {
  /** A fault while it lasts; becomes a {@link FaultRecord}. */
  private static final class Open {
    final Fault fault;
    /** The fault's nodes; every node for a crash-all. */
    final List<Integer> nodes;
    final double injectedMs;
    volatile Double endedMs;
    volatile Double detectedMs;
    volatile Double downedMs;

    Open(Fault fault, List<Integer> nodes, double injectedMs) {
      this.fault = fault;
      this.nodes = nodes;
      this.injectedMs = injectedMs;
    }

    FaultRecord record() {
      return new FaultRecord(fault.verb(), nodes, injectedMs, endedMs, detectedMs, downedMs);
    }
  }

  private final ClusterControl cluster;
  private final Http http;
  /** Maps the Artery addresses a node reports to node numbers. */
  private final java.util.function.Supplier<ClusterDescription> description;
  private final int nodes;
  /** scripts/cluster start with the cluster's own settings, not fresh: start-all. */
  private final List<String> startArgs;
  private final RunClock clock;
  private final List<Open> faults = new CopyOnWriteArrayList<>();
  private volatile boolean watching = true;
  private Thread scheduler;
  private Thread watcher;

  Nemesis(ClusterControl cluster, Http http, java.util.function.Supplier<ClusterDescription> description, int nodes,
          List<String> startArgs, RunClock clock) {
    this.cluster = cluster;
    this.http = http;
    this.description = description;
    this.nodes = nodes;
    this.startArgs = List.copyOf(startArgs);
    this.clock = clock;
  }

  void start(List<Experiment.FaultStep> steps) {
    scheduler = daemon("nemesis", () -> {
      for (Experiment.FaultStep step : steps) {
        long wait = clock.nanosAt(step.at().toMillis()) - System.nanoTime();
        if (wait > 0) LockSupport.parkNanos(wait);
        apply(step.fault());
      }
    });
    watcher = daemon("nemesis-watch", this::watch);
  }

  void awaitSchedule() throws InterruptedException {
    if (scheduler != null) scheduler.join();
  }

  List<FaultRecord> records() {
    return faults.stream().map(Open::record).toList();
  }

  /** Short names of the faults in force, for the progress line. */
  List<String> active() {
    return faults.stream().filter(f -> f.endedMs == null)
        .map(f -> f.fault.verb() + (f.nodes.isEmpty() ? "" : " " + f.nodes)).toList();
  }

  /** Stops watching the cluster (the schedule's thread ends with the schedule, {@link #awaitSchedule}). */
  @Override
  public void close() throws InterruptedException {
    watching = false;
    if (watcher != null) watcher.join();
  }

  /** Ends every fault still in force, so that the final checks read a whole cluster. */
  void undoAll() {
    watching = false;
    for (Open f : faults)
      if (f.endedMs == null) f.fault.undo().ifPresent(this::apply);
    // A node downed during a pause or partition has exited: bring it back too.
    for (int node : cluster.status().dead()) {
      Console.println("[nemesis] node " + node + " is not running after the run: restarting it");
      cluster.run("restart", String.valueOf(node));
    }
  }

  private void apply(Fault fault) {
    double at = clock.ms();
    List<String> args = fault instanceof Fault.StartAll ? startArgs : fault.args();
    Console.printf("%n[nemesis] %6.1f s: scripts/cluster %s%n", at / 1000, String.join(" ", args));
    boolean endedOne = end(fault, at);
    // A restart of a running node (a rolling restart) is a fault of its own: until it is back.
    Open restart = fault instanceof Fault.Restart && !endedOne ? new Open(fault, fault.nodes(), at) : null;
    if (restart != null) faults.add(restart);
    Open opened = null;
    if (fault.opens()) {
      opened = new Open(fault, fault instanceof Fault.CrashAll ? allNodes() : fault.nodes(), at);
      faults.add(opened);
    }
    try {
      cluster.run(args.toArray(String[]::new));
    } catch (IllegalStateException e) {
      // The first line names the command, the last says why it failed.
      List<String> lines = e.getMessage().lines().filter(l -> !l.isBlank()).toList();
      Console.println("[nemesis] " + lines.get(0) + (lines.size() > 1 ? " " + lines.get(lines.size() - 1).strip() : ""));
    }
    if (restart != null) restart.endedMs = clock.ms();
    // A storm is over when its command returns, after a last gap that is no longer part of it:
    // from its first pause to its last resume.
    if (fault instanceof Fault.PauseStorm storm) opened.endedMs = Math.max(at, clock.ms() - storm.storm().gap().toMillis());
  }

  private List<Integer> allNodes() {
    return java.util.stream.IntStream.rangeClosed(1, nodes).boxed().toList();
  }

  /** Ends the faults in force that {@code fault} undoes (Fault#ends); whether there was one. */
  private boolean end(Fault fault, double at) {
    boolean any = false;
    for (Open f : faults) {
      if (f.endedMs == null && fault.ends(f.fault)) {
        f.endedMs = at;
        any = true;
      }
    }
    return any;
  }

  private void watch() {
    while (watching) {
      List<Open> open = faults.stream().filter(f -> f.endedMs == null && !f.nodes.isEmpty()).toList();
      if (!open.isEmpty()) {
        Set<Integer> faulted = new HashSet<>();
        open.forEach(f -> faulted.addAll(f.nodes));
        for (int asker = 1; asker <= nodes; asker++) {
          if (faulted.contains(asker)) continue;
          NodeApi.Request request = NodeApi.cluster(false);
          Http.Answer view = http.call(asker, request, Duration.ofSeconds(1));
          if (!view.is(200)) continue;
          try {
            observe(NodeApi.ClusterView.read(request, view.body()), description.get(), open, clock.ms());
          } catch (NodeApi.BadReply bad) {
            continue; // a view not in the contract's shape says nothing; ask the next node
          }
          break;
        }
      }
      LockSupport.parkNanos(250_000_000L);
    }
  }

  private static void observe(NodeApi.ClusterView view, ClusterDescription nodes, List<Open> open, double now) {
    Set<Integer> unreachable = new HashSet<>();
    view.unreachable().forEach(a -> unreachable.add(nodes.nodeOf(a)));
    Set<Integer> up = new HashSet<>();
    view.members().forEach(m -> {
      if (!m.status().equals("Down")) up.add(nodes.nodeOf(m.address()));
    });
    for (Open f : open) {
      if (f.detectedMs == null && f.nodes.stream().anyMatch(unreachable::contains)) f.detectedMs = now;
      if (f.downedMs == null && f.nodes.stream().anyMatch(n -> !up.contains(n))) f.downedMs = now;
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
