package dev.timeline.lab.check;

import dev.timeline.lab.history.FinalState;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import dev.timeline.lab.history.OwnTweet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Did every acknowledged post reach its author's own timeline and every follower's home
 * timeline, once and in order? Checked against one read-back of every timeline (warm, or after a
 * cold restart). Posts of unknown outcome (info) are resolved by their request id in the author's
 * own timeline: one that appeared is checked like an acknowledged one. What could not be read or
 * resolved is counted, never silently passed.
 */
public final class Delivery {

  static final int MAX_EXAMPLES = 10;

  private Delivery() {}

  public static DeliveryResult check(List<Op> history, FinalState state) {
    return new Check(state).run(history);
  }

  /** One pass over the history against one read-back. */
  private static final class Check {
    final FinalState state;
    final Map<String, Set<String>> contents = new HashMap<>();
    /** Request id -> the distinct tweets it made, over every own timeline that was read. */
    final Map<String, Set<String>> tweetsOfRequest = new LinkedHashMap<>();
    final Map<String, String> requestOfTweet = new HashMap<>();
    /** Author -> the ids of its own timeline as read, newest first (built once, asked per post). */
    final Map<String, List<String>> ownIds = new HashMap<>();
    int ackedPosts, infoPosts, infoAppeared, infoNotAppeared, unresolved;
    long expected, lost, unchecked;
    final List<String> lostExamples = new ArrayList<>();
    final List<String> unresolvedExamples = new ArrayList<>();

    Check(FinalState state) {
      this.state = state;
      state.userTimelines().forEach((author, tweets) -> {
        ownIds.put(author, tweets.stream().map(OwnTweet::id).toList());
        tweets.forEach(t -> {
          if (t.requestId() == null) return;
          tweetsOfRequest.computeIfAbsent(t.requestId(), r -> new LinkedHashSet<>()).add(t.id());
          requestOfTweet.put(t.id(), t.requestId());
        });
      });
    }

    DeliveryResult run(List<Op> history) {
      for (Op op : history) {
        if (op.type() != OpType.post) continue;
        if (op.outcome() == Outcome.ok) acknowledged(op);
        else if (op.outcome() == Outcome.info) unknown(op);
      }

      long duplicatedPosts = 0;
      List<String> duplicateExamples = new ArrayList<>();
      for (Map.Entry<String, Set<String>> e : tweetsOfRequest.entrySet()) {
        if (e.getValue().size() < 2) continue;
        duplicatedPosts += e.getValue().size() - 1;
        example(duplicateExamples, e.getKey() + " -> " + String.join(", ", e.getValue()));
      }
      long repeats = 0;
      int outOfOrder = 0;
      List<List<String>> timelines = new ArrayList<>(state.homeTimelines().values());
      timelines.addAll(ownIds.values());
      for (List<String> timeline : timelines) {
        repeats += timeline.size() - new HashSet<>(timeline).size();
        if (outOfOrder(timeline)) outOfOrder++;
      }
      int unreadable = 0;
      for (String user : state.followersOf().keySet()) {
        if (!state.homeTimelines().containsKey(user)) unreadable++;
        if (!state.userTimelines().containsKey(user)) unreadable++;
      }
      List<String> unanswered = state.unansweredReads();
      return new DeliveryResult(ackedPosts, infoPosts, infoAppeared, infoNotAppeared, unresolved, expected, lost,
          repeats + duplicatedPosts, duplicatedPosts, outOfOrder, unchecked, unreadable, unanswered.size(),
          lostExamples, duplicateExamples, unresolvedExamples, unanswered.subList(0, Math.min(MAX_EXAMPLES, unanswered.size())));
    }

    /** In the author's own timeline under its own request id, then in every follower's home timeline. */
    private void acknowledged(Op op) {
      if (op.tweetId() == null) throw new IllegalArgumentException("acknowledged post " + op.id() + " has no tweet id");
      ackedPosts++;
      List<String> ids = ownIds.get(op.user());
      if (ids != null) {
        boolean there = contents("own:" + op.user(), ids).contains(op.tweetId());
        if (there || !pushedOut(op.tweetId(), ids, state.userTimelineLimit())) {
          expected++;
          if (!there) {
            lose(op.tweetId() + " -> " + op.user() + " (own timeline)");
          } else if (!Objects.equals(op.requestId(), requestOfTweet.get(op.tweetId()))) {
            // The tweet does not say which request made it: no unknown post can be resolved by it.
            unresolve(op.requestId() + ": its tweet " + op.tweetId() + " carries request id " + requestOfTweet.get(op.tweetId()));
          }
        }
      }
      deliver(op.user(), op.tweetId());
    }

    /** Appeared (the author's own timeline has its request id), not appeared, or unresolved. */
    private void unknown(Op op) {
      infoPosts++;
      List<OwnTweet> own = state.userTimelines().get(op.user());
      Set<String> made = tweetsOfRequest.getOrDefault(op.requestId(), Set.of());
      if (!made.isEmpty()) {
        infoAppeared++;
        made.forEach(tweet -> deliver(op.user(), tweet));
      } else if (own == null) {
        unresolve(op.requestId() + ": " + op.user() + "'s own timeline could not be read");
      } else if (own.size() >= state.userTimelineLimit()) {
        // A full timeline may have dropped the tweet as too old: absence proves nothing.
        unresolve(op.requestId() + ": " + op.user() + "'s own timeline is full");
      } else {
        infoNotAppeared++;
      }
    }

    private void deliver(String author, String tweetId) {
      for (String follower : state.followersOf().getOrDefault(author, List.of())) {
        List<String> home = state.homeTimelines().get(follower);
        if (home == null) {
          unchecked++;
          continue;
        }
        if (pushedOut(tweetId, home, state.homeTimelineLimit())) continue;
        expected++;
        if (!contents(follower, home).contains(tweetId)) {
          lose(tweetId + " -> " + follower);
        }
      }
    }

    /** The ids of a timeline as a set, made once per timeline ({@code key}: home follower, or "own:" author). */
    private Set<String> contents(String key, List<String> timeline) {
      return contents.computeIfAbsent(key, k -> new HashSet<>(timeline));
    }

    private void lose(String example) {
      lost++;
      example(lostExamples, example);
    }

    private void unresolve(String example) {
      unresolved++;
      example(unresolvedExamples, example);
    }
  }

  private static void example(List<String> examples, String example) {
    if (examples.size() < MAX_EXAMPLES) examples.add(example);
  }

  /**
   * A full timeline keeps only its newest {@code limit} tweets, so one older than its oldest entry
   * was rightly dropped. Ids are "{@code <13-digit millis>-<author>}": string order is time order.
   */
  private static boolean pushedOut(String tweetId, List<String> timeline, int limit) {
    return timeline.size() >= limit && !timeline.isEmpty() && tweetId.compareTo(timeline.get(timeline.size() - 1)) < 0;
  }

  /**
   * Newest first means each id sorts before the previous one. Two equal neighbours are a
   * duplicate, counted as such, not also as an ordering error.
   */
  private static boolean outOfOrder(List<String> timeline) {
    for (int i = 1; i < timeline.size(); i++) {
      if (timeline.get(i).compareTo(timeline.get(i - 1)) > 0) {
        return true;
      }
    }
    return false;
  }
}
