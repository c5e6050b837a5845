package dev.timeline.lab;

import dev.timeline.lab.check.StrategyCost;
import dev.timeline.lab.history.Counters;
import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The load of one experiment against a running cluster: an unrecorded warm-up, then the measured
 * run with its fault schedule, the nodes' strategy counters read right before and right after it.
 * Faults still in force and fan-out lags still watched are left to the caller; {@link #close}
 * ends what it started (lag probe, nemesis, a client of the front door).
 */
final class MeasuredRun implements AutoCloseable {
  final String startedIso;
  final double durationMs;
  final LoadGenerator load;
  final LagProbe lags;
  final Nemesis nemesis;
  final StrategyCost cost;
  /** The client of the front door the load went through; null when it went to the nodes (the cluster's client). */
  private final Http door;

  private MeasuredRun(String startedIso, double durationMs, LoadGenerator load, LagProbe lags, Nemesis nemesis, StrategyCost cost,
                      Http door) {
    this.door = door;
    this.startedIso = startedIso;
    this.durationMs = durationMs;
    this.load = load;
    this.lags = lags;
    this.nemesis = nemesis;
    this.cost = cost;
  }

  /** {@code progressSeconds}: how often the progress line is printed. */
  static MeasuredRun measure(LabCluster lab, Experiment e, int progressSeconds) throws InterruptedException {
    return measure(lab, e, progressSeconds, null);
  }

  /** With {@code live} (or null), the tally of warm-up and run that the live dashboard shows. */
  static MeasuredRun measure(LabCluster lab, Experiment e, int progressSeconds, LiveOutcomes live) throws InterruptedException {
    int nodes = lab.spec.nodes();
    Graph graph = lab.graph;
    Http http = lab.http;
    // Through the front door: one endpoint, and a client that retries nothing and checks no
    // node's health (the front door does that); the lag probe still reads the nodes directly.
    boolean viaDoor = e.load().throughFrontDoor();
    String door = viaDoor ? lab.description().frontDoorUrl()
        .orElseThrow(() -> new IllegalStateException("the experiment loads through the front door, but none runs")) : null;
    Http loadHttp = viaDoor ? Http.to(door) : http;
    int loadNodes = viaDoor ? 1 : nodes;
    boolean retry = !viaDoor && e.cluster().resilient();
    if (viaDoor) System.out.printf("load through the front door, %s (no client retries)%n", door);
    if (!e.warmUp().isZero()) {
      System.out.printf("warm-up: %d s at %.0f req/s (not recorded)%n", e.warmUp().toSeconds(), e.load().rate());
      RunClock warm = RunClock.startingNow();
      try (LagProbe unused = new LagProbe(http, graph, nodes, e.load(), warm, 1);
           LoadGenerator warmUp = new LoadGenerator(loadHttp, e.load(), graph, loadNodes, retry, unused, live)) {
        warmUp.run(warm, e.warmUp().toMillis(), false, "warm-" + Instant.now().toEpochMilli(), e.graph().seed() + 1);
      }
    }

    System.out.printf("run: %d s at %.0f req/s, %d faults scheduled%n", e.duration().toSeconds(), e.load().rate(), e.faults().size());
    Map<Integer, Counters> before = lab.metrics();
    String startedAt = Instant.now().toString();
    RunClock clock = RunClock.startingNow();
    LagProbe lags = new LagProbe(http, graph, nodes, e.load(), clock, e.graph().seed() + 2);
    LoadGenerator load = new LoadGenerator(loadHttp, e.load(), graph, loadNodes, retry, lags, live);
    Nemesis nemesis = new Nemesis(lab.control, http, lab::description, nodes, lab.spec.startArgs(false), clock);
    nemesis.start(e.faults());
    Thread progress = progressLine(clock, load, nemesis, e.duration(), progressSeconds);
    load.run(clock, e.duration().toMillis(), true, "run-" + Instant.now().toEpochMilli(), e.graph().seed() + 3);
    load.close();
    progress.interrupt();
    Map<Integer, Counters> after = lab.metrics();
    nemesis.awaitSchedule();
    System.out.println();
    return new MeasuredRun(startedAt, e.duration().toMillis(), load, lags, nemesis, StrategyCost.of(before, after), viaDoor ? loadHttp : null);
  }

  @Override
  public void close() throws InterruptedException {
    lags.close();
    nemesis.close();
    if (door != null) door.close();
  }

  /** The history in schedule order. */
  List<Op> history() {
    List<Op> history = new ArrayList<>(load.history);
    history.sort(Comparator.comparingLong(Op::id));
    return history;
  }

  /** Waits (bounded by the lag timeout) for the posts still watched, then returns every lag sample. */
  List<LagSample> lagSamples() {
    lags.awaitIdle();
    return new ArrayList<>(lags.samples);
  }

  private static Thread progressLine(RunClock clock, LoadGenerator load, Nemesis nemesis, Duration duration, int everySeconds) {
    Thread t = new Thread(() -> {
      long lastCompleted = 0, lastNotOk = 0;
      Histogram interval = null;
      try {
        while (true) {
          Thread.sleep(everySeconds * 1000L);
          interval = load.latencies.getIntervalHistogram(interval);
          long completed = load.completed.get(), notOk = load.notOk.get();
          System.out.printf("  %5.1f / %d s  %4.0f req/s  p99 %6.0f ms  errors %3d  faults: %s%n", clock.ms() / 1000, duration.toSeconds(),
              (completed - lastCompleted) / (double) everySeconds, interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0,
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
}
