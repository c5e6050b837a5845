package dev.timeline.lab;

import dev.timeline.lab.check.StrategyCost;
import dev.timeline.lab.history.Counters;
import dev.timeline.lab.history.FaultRecord;
import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The load of one experiment against a running cluster: an unrecorded warm-up, then the measured
 * run with its fault schedule, the nodes' strategy counters read right before and right after it.
 * Faults still in force and fan-out lags still watched are left to the caller; {@link #close}
 * ends what it started (lag probe, nemesis, a client of the front door).
 */
final class MeasuredRun implements AutoCloseable {
  private final String startedIso;
  private final double durationMs;
  private final List<Op> history;
  private final StrategyCost cost;
  /** Still watching fan-out lags, and the faults still in force, until {@link #close}. */
  private final LagProbe lags;
  private final Nemesis nemesis;
  /** The client of the front door the load went through; null when it went to the nodes (the cluster's client). */
  private final Http door;

  private MeasuredRun(String startedIso, double durationMs, List<Op> history, StrategyCost cost, LagProbe lags, Nemesis nemesis,
                      Http door) {
    this.startedIso = startedIso;
    this.durationMs = durationMs;
    this.history = history;
    this.cost = cost;
    this.lags = lags;
    this.nemesis = nemesis;
    this.door = door;
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
    if (viaDoor) Console.printf("load through the front door, %s (no client retries)%n", door);
    if (!e.warmUp().isZero()) {
      Console.printf("warm-up: %d s at %.0f req/s (not recorded)%n", e.warmUp().toSeconds(), e.load().rate());
      RunClock warm = RunClock.startingNow();
      try (LagProbe unused = new LagProbe(http, graph, nodes, e.load(), warm, 1);
           LoadGenerator warmUp = new LoadGenerator(loadHttp, e.load(), graph, loadNodes, retry, unused, live)) {
        warmUp.run(warm, e.warmUp().toMillis(), false, "warm-" + Instant.now().toEpochMilli(), e.graph().seed() + 1);
      }
    }

    Console.printf("run: %d s at %.0f req/s, %d faults scheduled%n", e.duration().toSeconds(), e.load().rate(), e.faults().size());
    Map<Integer, Counters> before = lab.metrics();
    String startedAt = Instant.now().toString();
    RunClock clock = RunClock.startingNow();
    LagProbe lags = new LagProbe(http, graph, nodes, e.load(), clock, e.graph().seed() + 2);
    LoadGenerator load = new LoadGenerator(loadHttp, e.load(), graph, loadNodes, retry, lags, live);
    Nemesis nemesis = new Nemesis(lab.control, http, lab::description, nodes, lab.spec.startArgs(false), clock);
    nemesis.start(e.faults());
    Thread progress = progressLine(clock, load, nemesis, e.duration(), progressSeconds);
    List<Op> history = load.run(clock, e.duration().toMillis(), true, "run-" + Instant.now().toEpochMilli(), e.graph().seed() + 3);
    load.close();
    progress.interrupt();
    Map<Integer, Counters> after = lab.metrics();
    nemesis.awaitSchedule();
    Console.println();
    return new MeasuredRun(startedAt, e.duration().toMillis(), history, StrategyCost.of(before, after), lags, nemesis,
        viaDoor ? loadHttp : null);
  }

  @Override
  public void close() throws InterruptedException {
    lags.close();
    nemesis.close();
    if (door != null) door.close();
  }

  /** Wall-clock start of the measured run, ISO-8601. */
  String startedIso() {
    return startedIso;
  }

  double durationMs() {
    return durationMs;
  }

  /** The history in schedule order. */
  List<Op> history() {
    return history;
  }

  StrategyCost cost() {
    return cost;
  }

  /** Ends every fault still in force (Nemesis#undoAll). */
  void undoFaults() {
    nemesis.undoAll();
  }

  /** The faults injected, as the nemesis saw them so far. */
  List<FaultRecord> faults() {
    return nemesis.records();
  }

  /** Waits (bounded by the lag timeout) for the posts still watched, then returns every lag sample. */
  List<LagSample> lagSamples() {
    return lags.awaitSamples();
  }

  /** Acknowledged posts the lag probe had no room to watch. */
  int lagSamplesSkipped() {
    return lags.skipped();
  }

  private static Thread progressLine(RunClock clock, LoadGenerator load, Nemesis nemesis, Duration duration, int everySeconds) {
    Thread t = new Thread(() -> {
      LoadGenerator.Progress last = new LoadGenerator.Progress(0, 0, 0);
      try {
        while (true) {
          Thread.sleep(everySeconds * 1000L);
          LoadGenerator.Progress now = load.progress();
          Console.progress("%5.1f / %d s  %4.0f req/s  p99 %6.0f ms  errors %3d  faults: %s", clock.ms() / 1000, duration.toSeconds(),
              (now.completed() - last.completed()) / (double) everySeconds, now.p99MsSinceLast(),
              now.notOk() - last.notOk(), nemesis.active().isEmpty() ? "none" : String.join(", ", nemesis.active()));
          last = now;
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
