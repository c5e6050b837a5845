package dev.timeline.lab;

import dev.timeline.lab.dash.ClientView;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The load generator's running tally for the live dashboard: per second of due time, how many
 * operations ended ok, fail and info, and each operation's latencies from its due time. Recording
 * is on the generator's hot path, so it takes no lock: a ring slot per second, atomic counters and
 * an HdrHistogram {@link Recorder} (wait-free for writers) per operation. {@link #snapshot} (the
 * dashboard's, once a second) folds what was recorded since into histograms of its own and hands
 * out an immutable {@link ClientView}. A second closes {@code openFor} after its end, when nothing
 * due in it can still be running: its figures are kept, its histograms dropped, and a completion
 * that comes even later is counted as late.
 */
final class LiveOutcomes {
  /** Seconds kept: the dashboard's five minutes. */
  static final int KEEP = 300;
  /** Latencies in 0.1 ms units to 2 significant digits: 1 % is plenty for a live chart, and an open second stays small. */
  private static final double UNITS_PER_MS = 10;
  private static final int DIGITS = 2;
  private static final OpType[] OPS = OpType.values();

  private final long openForMs;
  private final AtomicReferenceArray<Slot> ring = new AtomicReferenceArray<>(KEEP);
  private final AtomicLong late = new AtomicLong();
  private final Histogram scratch = new Histogram(DIGITS);  // guarded by this

  LiveOutcomes(Duration openFor) {
    this.openForMs = openFor.toMillis();
  }

  /**
   * For the load of {@code spec}: an operation ends at the latest one request timeout after its
   * retry budget ran out (the resilient client's last attempt); a second of slack on top.
   */
  static LiveOutcomes forLoad(Experiment.LoadSpec spec) {
    return new LiveOutcomes(spec.retryBudget().plus(spec.requestTimeout()).plusSeconds(1));
  }

  /** One completed operation, due at {@code dueEpochMs}, that took {@code latencyMs} from then. */
  void record(double dueEpochMs, OpType type, Outcome outcome, double latencyMs) {
    Open slot = open((long) Math.floor(dueEpochMs / 1000));
    if (slot == null) {
      late.incrementAndGet();
      return;
    }
    slot.outcomes.incrementAndGet(outcome.ordinal());
    slot.latencies[type.ordinal()].recordValue(Math.max(0, Math.round(latencyMs * UNITS_PER_MS)));
  }

  /** The open slot of {@code second}, made if need be; null if that second has closed or left the ring. */
  private Open open(long second) {
    int i = (int) Math.floorMod(second, KEEP);
    while (true) {
      Slot slot = ring.get(i);
      if (slot != null && slot.second() >= second) return slot.second() == second && slot instanceof Open o ? o : null;
      Open fresh = new Open(second);
      if (ring.compareAndSet(i, slot, fresh)) return fresh;
    }
  }

  /** The last {@link #KEEP} seconds as of now. */
  ClientView snapshot() {
    return snapshotAt(System.currentTimeMillis());
  }

  /** The last {@link #KEEP} seconds as of {@code nowMs} (epoch), oldest first; seconds due to close are closed. */
  synchronized ClientView snapshotAt(long nowMs) {
    long oldest = Math.floorDiv(nowMs, 1000) - KEEP + 1;
    List<ClientView.Second> seconds = new ArrayList<>();
    for (int i = 0; i < KEEP; i++) {
      Slot slot = ring.get(i);
      if (slot == null || slot.second() < oldest) continue;
      if (slot instanceof Closed closed) {
        seconds.add(closed.figures());
        continue;
      }
      Open open = (Open) slot;
      boolean closing = (open.second + 1) * 1000 + openForMs <= nowMs;
      ClientView.Second figures = figures(open, !closing);
      // A writer that found this slot just before may still add to it: lost, as a late one would be.
      if (closing) ring.compareAndSet(i, open, new Closed(open.second, figures));
      seconds.add(figures);
    }
    seconds.sort(Comparator.comparingLong(ClientView.Second::startMs));
    return new ClientView(seconds, late.get());
  }

  private ClientView.Second figures(Open slot, boolean open) {
    Map<OpType, ClientView.Latency> ops = new EnumMap<>(OpType.class);
    for (OpType op : OPS) {
      slot.latencies[op.ordinal()].getIntervalHistogramInto(scratch);
      Histogram merged = slot.merged[op.ordinal()];
      merged.add(scratch);
      if (merged.getTotalCount() > 0)
        ops.put(op, new ClientView.Latency(merged.getTotalCount(), merged.getValueAtPercentile(50) / UNITS_PER_MS,
            merged.getValueAtPercentile(99) / UNITS_PER_MS));
    }
    return new ClientView.Second(slot.second * 1000, open, slot.outcomes.get(Outcome.ok.ordinal()),
        slot.outcomes.get(Outcome.fail.ordinal()), slot.outcomes.get(Outcome.info.ordinal()), ops);
  }

  private sealed interface Slot permits Open, Closed {
    long second();
  }

  /** A second still counting: any thread records into it; {@code merged} is the snapshot's (guarded by the LiveOutcomes). */
  private static final class Open implements Slot {
    final long second;
    final AtomicLongArray outcomes = new AtomicLongArray(Outcome.values().length);
    final Recorder[] latencies = new Recorder[OPS.length];
    final Histogram[] merged = new Histogram[OPS.length];

    Open(long second) {
      this.second = second;
      for (int i = 0; i < OPS.length; i++) {
        latencies[i] = new Recorder(DIGITS);
        merged[i] = new Histogram(DIGITS);
      }
    }

    @Override
    public long second() {
      return second;
    }
  }

  /** A second that no operation can still complete in: its final figures. */
  private record Closed(long second, ClientView.Second figures) implements Slot {}
}
