package dev.timeline.lab.report;

import com.typesafe.config.ConfigFactory;
import dev.timeline.lab.check.Slo;
import dev.timeline.lab.check.StrategyCost;
import dev.timeline.lab.history.Counters;
import dev.timeline.lab.history.FaultRecord;
import dev.timeline.lab.history.FinalState;
import dev.timeline.lab.history.JournalWriters;
import dev.timeline.lab.history.OwnTweet;
import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A made-up 20 s run of 10 users with node 2 crashed from 5 s to 12 s. Under "resilient" the
 * crash costs 2 s of slow answers; under "naive" half the users fail until the restart, some
 * fan-out is never seen and one delivery is lost; {@link #clean()} is the crash unnoticed.
 */
final class SampleRun {

  static final double DURATION_MS = 20_000;
  static final int USERS = 10;
  static final String DESCRIPTION = "Crash one node </script><b>mid-run</b> & see";

  /** Node 2's users handed over once each. */
  static final JournalWriters WRITERS = new JournalWriters(10, 150, Map.of("User|u2", List.of("w1", "w2")));

  private SampleRun() {}

  static Report report(String profile) {
    return report(profile, false);
  }

  /**
   * {@code coldLosesOne}: the cold read-back misses one delivery the warm one found (a tweet that
   * lived only in memory).
   */
  static Report report(String profile, boolean coldLosesOne) {
    return report(profile, coldLosesOne, !profile.equals("naive"));
  }

  /** The resilient run without its 2 s of slow answers: every window within the SLO. */
  static Report clean() {
    return report("resilient", false, false);
  }

  private static Report report(String profile, boolean coldLosesOne, boolean slowFailover) {
    return stored(profile, coldLosesOne, slowFailover).report(history(profile.equals("naive"), slowFailover));
  }

  /** What {@link #report(String)} checks, as a run stores it; its history is {@link #history(boolean)}. */
  static StoredRun stored(String profile) {
    return stored(profile, false, !profile.equals("naive"));
  }

  private static StoredRun stored(String profile, boolean coldLosesOne, boolean slowFailover) {
    boolean naive = profile.equals("naive");
    List<Op> history = history(naive, slowFailover);
    Map<String, List<String>> followersOf = new HashMap<>();
    Map<String, List<String>> homes = new HashMap<>();
    for (int u = 0; u < USERS; u++) {
      followersOf.put(user(u), List.of(user((u + 1) % USERS), user((u + 2) % USERS), user((u + 3) % USERS)));
      homes.put(user(u), new ArrayList<>());
    }
    List<LagSample> lags = new ArrayList<>();
    for (Op op : history) {
      if (op.type() != OpType.post || op.outcome() != Outcome.ok) {
        continue;
      }
      for (String follower : followersOf.get(op.user())) {
        homes.get(follower).add(0, op.tweetId());
      }
      boolean unseen = naive && op.intendedMs() >= 5000 && op.intendedMs() < 9000;
      lags.add(new LagSample(op.tweetId(), op.user(), followersOf.get(op.user()).get(0), op.completeMs(),
          unseen ? null : op.completeMs() + 40 + op.intendedMs() % 70));
    }
    if (naive) {
      homes.get(user(1)).remove(homes.get(user(1)).size() / 2);
    }
    Map<String, List<OwnTweet>> own = new HashMap<>();
    for (int u = 0; u < USERS; u++) own.put(user(u), new ArrayList<>());
    history.stream().filter(op -> op.type() == OpType.post && op.outcome() == Outcome.ok)
        .forEach(op -> own.get(op.user()).add(0, new OwnTweet(op.tweetId(), op.requestId())));
    FinalState state = new FinalState(followersOf, homes, own, 800);
    List<FaultRecord> faults = List.of(new FaultRecord("crash", List.of(2), 5000, 12_000.0, 6200.0, naive ? null : 8100.0));
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("rate", 20);
    settings.put("graph", Map.of("users", USERS, "mean-followers", 3));
    settings.put("file", null);
    return StoredRun.of("crash-one", profile, DESCRIPTION, "2025-01-01T12:00:00Z", DURATION_MS, Slo.defaults(),
        ConfigFactory.parseString("lost = 0, duplicated = 0, max-failed-seconds = 5"), lags, faults, state,
        coldLosesOne ? withoutOneDelivery(state) : state, WRITERS, cost(), settings);
  }

  private static FinalState withoutOneDelivery(FinalState state) {
    Map<String, List<String>> homes = new HashMap<>(state.homeTimelines());
    List<String> home = new ArrayList<>(homes.get(user(4)));
    home.remove(0);
    homes.put(user(4), home);
    return new FinalState(state.followersOf(), homes, state.userTimelines(), state.homeTimelineLimit(), state.userTimelineLimit(),
        List.of());
  }

  /** Three nodes; node 3 restarted during the run, so its counters went down. */
  static StrategyCost cost() {
    return StrategyCost.of(
        Map.of(1, new Counters(100, 2000, 500, 500, 0), 2, new Counters(50, 1000, 400, 400, 0), 3, new Counters(70, 1400, 300, 300, 0)),
        Map.of(1, new Counters(130, 2600, 700, 700, 0), 2, new Counters(80, 1600, 600, 600, 0), 3, new Counters(20, 400, 100, 100, 0)));
  }

  static List<Op> history(boolean naive) {
    return history(naive, !naive);
  }

  /** {@code slowFailover}: answers take 800 ms for the first 2 s of the crash. */
  static List<Op> history(boolean naive, boolean slowFailover) {
    List<Op> history = new ArrayList<>();
    OpType[] mix = {OpType.post, OpType.home, OpType.home, OpType.user};
    for (int i = 0; i * 50 < DURATION_MS; i++) {
      double intended = i * 50;
      int u = i % USERS;
      OpType type = mix[i % mix.length];
      boolean crashed = intended >= 5000 && intended < 12_000;
      Outcome outcome = naive && crashed && u < USERS / 2 ? (type == OpType.post ? Outcome.info : Outcome.fail) : Outcome.ok;
      double latency = outcome != Outcome.ok ? 3000 : slowFailover && crashed && intended < 7000 ? 800 : 4 + i % 30;
      String tweetId = type == OpType.post && outcome == Outcome.ok ? String.format("%013d-%s", 1_700_000_000_000L + i * 50L, user(u)) : null;
      history.add(new Op(i, type, user(u), intended, intended + 0.2, intended + latency, outcome,
          outcome == Outcome.ok ? 200 : 0, 1, tweetId, type == OpType.post ? "req-" + i : null,
          outcome == Outcome.ok ? null : "timeout", type == OpType.home && outcome == Outcome.ok && i % 20 == 1));
    }
    return history;
  }

  static String user(int u) {
    return "u" + u;
  }
}
