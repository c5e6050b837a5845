package dev.timeline.lab.check;

import dev.timeline.lab.history.FinalState;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Did every acknowledged post reach every follower's home timeline, once and in order? Checked
 * against the timelines read after the faults were healed and the cluster settled.
 */
public final class Delivery {

  static final int MAX_EXAMPLES = 10;

  private Delivery() {}

  public static DeliveryResult check(List<Op> history, FinalState state) {
    int ackedPosts = 0;
    int infoPosts = 0;
    long expected = 0;
    long lost = 0;
    int unreadable = 0;
    List<String> lostExamples = new ArrayList<>();
    Map<String, Set<String>> homeContents = new HashMap<>();

    for (Op op : history) {
      if (op.type() != OpType.post) {
        continue;
      }
      if (op.outcome() == Outcome.info) {
        infoPosts++;
        continue;
      }
      if (op.outcome() != Outcome.ok) {
        continue;
      }
      if (op.tweetId() == null) {
        throw new IllegalArgumentException("acknowledged post " + op.id() + " has no tweet id");
      }
      ackedPosts++;
      for (String follower : state.followersOf().getOrDefault(op.user(), List.of())) {
        List<String> home = state.homeTimelines().get(follower);
        if (home == null) {
          unreadable++;
          continue;
        }
        if (pushedOut(op.tweetId(), home, state.timelineLimit())) {
          continue;
        }
        expected++;
        if (!homeContents.computeIfAbsent(follower, f -> new HashSet<>(home)).contains(op.tweetId())) {
          lost++;
          if (lostExamples.size() < MAX_EXAMPLES) {
            lostExamples.add(op.tweetId() + " -> " + follower);
          }
        }
      }
    }

    long duplicated = 0;
    int outOfOrder = 0;
    for (List<String> home : state.homeTimelines().values()) {
      duplicated += home.size() - new HashSet<>(home).size();
      if (outOfOrder(home)) {
        outOfOrder++;
      }
    }
    return new DeliveryResult(ackedPosts, expected, lost, duplicated, outOfOrder, unreadable, infoPosts, lostExamples);
  }

  /**
   * A full timeline keeps only its newest {@code limit} tweets, so one older than its oldest entry
   * was rightly dropped. Ids are "{@code <13-digit millis>-<author>}": string order is time order.
   */
  private static boolean pushedOut(String tweetId, List<String> home, int limit) {
    return home.size() >= limit && !home.isEmpty() && tweetId.compareTo(home.get(home.size() - 1)) < 0;
  }

  /**
   * Newest first means each id sorts before the previous one. Two equal neighbours are a
   * duplicate, counted as such, not also as an ordering error.
   */
  private static boolean outOfOrder(List<String> home) {
    for (int i = 1; i < home.size(); i++) {
      if (home.get(i).compareTo(home.get(i - 1)) > 0) {
        return true;
      }
    }
    return false;
  }
}
