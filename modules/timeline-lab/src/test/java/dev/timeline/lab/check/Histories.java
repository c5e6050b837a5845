package dev.timeline.lab.check;

import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.util.concurrent.atomic.AtomicLong;

/** Hand-made history entries for the checkers' tests. */
public final class Histories {

  private static final AtomicLong IDS = new AtomicLong();

  private Histories() {}

  /** An operation intended at {@code intendedMs} that took {@code latencyMs}; ok posts get a tweet id. */
  public static Op op(OpType type, String user, double intendedMs, double latencyMs, Outcome outcome) {
    String tweetId = type == OpType.post && outcome == Outcome.ok ? tweetId((long) intendedMs, user) : null;
    String requestId = type == OpType.post ? "req-" + IDS.get() : null;
    return new Op(IDS.incrementAndGet(), type, user, intendedMs, intendedMs + 0.1, intendedMs + latencyMs, outcome,
        outcome == Outcome.ok ? 200 : 503, 1, tweetId, requestId, outcome == Outcome.ok ? null : "test", false);
  }

  public static Op ok(OpType type, String user, double intendedMs, double latencyMs) {
    return op(type, user, intendedMs, latencyMs, Outcome.ok);
  }

  public static Op post(String author, String tweetId) {
    return new Op(IDS.incrementAndGet(), OpType.post, author, 0, 0, 10, Outcome.ok, 201, 1, tweetId, "req-" + tweetId, null, false);
  }

  /** As the cluster makes them: "<13-digit millis>-<author>", so string order is time order. */
  public static String tweetId(long millis, String author) {
    return String.format("%013d-%s", millis, author);
  }

  public static LagSample lag(double ackedMs, Double lagMs) {
    return new LagSample("t", "a", "f", ackedMs, lagMs == null ? null : ackedMs + lagMs);
  }
}
