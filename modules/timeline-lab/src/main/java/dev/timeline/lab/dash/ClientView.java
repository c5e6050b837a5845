package dev.timeline.lab.dash;

import dev.timeline.lab.history.OpType;
import java.util.List;
import java.util.Map;

/**
 * The service as the lab's load generator saw it, second by second: what the dashboard draws as
 * the clients' view while an experiment runs. An operation belongs to the second it was due in
 * (as in the report), and its latency counts from then, so a request sent to a dead node shows in
 * the second it was meant for, once it has failed or timed out. Immutable: a copy handed out by
 * the generator's tally.
 *
 * @param seconds the latest seconds, oldest first, those without any completion left out
 * @param late    operations that completed after their second had closed, so counted in none
 */
public record ClientView(List<Second> seconds, long late) {
  public ClientView {
    seconds = List.copyOf(seconds);
  }

  /**
   * The operations due in one second that have completed.
   *
   * @param startMs the second's start, epoch milliseconds
   * @param open    whether operations due in it may still complete (its counts may still grow)
   * @param ok      completed ok; {@code fail}: definitely not applied; {@code info}: unknown
   * @param ops     per operation with a completion in it, their count and latency percentiles
   */
  public record Second(long startMs, boolean open, long ok, long fail, long info, Map<OpType, Latency> ops) {
    public Second {
      ops = Map.copyOf(ops);
    }
  }

  /** Latency from the due time of an operation's completions in one second, whatever their outcome. */
  public record Latency(long count, double p50Ms, double p99Ms) {}
}
