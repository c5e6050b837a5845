package dev.timeline.core;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A user's home timeline as derived state: not a fact in the journal but a view of facts that
 * are (the user's own {@code TweetPosted} and {@code Mentioned} events, and the followees' own
 * tweets). One incarnation of a {@link UserEntity} owns one view, confined to that actor: it
 * starts from the user's own tweets and mentions, is rebuilt from the followees' durable tweets
 * right after recovery, and deliveries add to it without a journal write. A view dies with its
 * actor (crash, rebalance, passivation) and the next incarnation rebuilds it, so a delivery
 * acknowledged by a dead incarnation is not lost: its tweet was durable at its author before
 * the fan-out sent it, and the rebuild reads it there.
 */
final class HomeView {

  /** Where a rebuild reads a followee's newest own tweets: a page of its user timeline. */
  @FunctionalInterface
  interface Source {
    CompletionStage<UserProtocol.TimelinePage> newest(String followeeId, int limit, Optional<String> cursor);

    /** Through sharding, looked up on first use (an entity that never rebuilds needs no cluster). */
    static Source sharded(ActorSystem<?> system, Duration timeout) {
      // Plain: pipeToSelf's callback would otherwise start a thread (see Users.plain).
      return (id, limit, cursor) -> Users.plain(ClusterSharding.get(system).entityRefFor(UserEntity.ENTITY_TYPE_KEY, id)
          .askWithStatus(r -> new UserProtocol.GetUserTimeline(limit, cursor, r), timeout), system.executionContext());
    }
  }

  private final int capacity;
  private Timeline timeline;
  private final Deque<String> toAsk = new ArrayDeque<>();
  private int asking;
  private boolean overdue;
  private final List<UserProtocol.Command> waiting = new ArrayList<>();

  private HomeView(int capacity, Timeline timeline) {
    this.capacity = capacity;
    this.timeline = timeline;
  }

  /** The part of the view the user's own journal holds: own tweets (without request ids) and mentions. */
  static HomeView seeded(UserEntity.State state, int capacity) {
    Timeline home = state.mentions();
    for (Tweet t : state.ownTweets().tweets()) home = home.insert(t.withoutRequestId(), capacity);
    return new HomeView(capacity, home);
  }

  static HomeView empty(int capacity) {
    return new HomeView(capacity, Timeline.empty());
  }

  Timeline timeline() {
    return timeline;
  }

  /** Adds a tweet; true when it was new to the view (not a duplicate, not too old to keep). */
  boolean add(Tweet tweet) {
    if (timeline.wouldIgnore(tweet, capacity)) return false;
    timeline = timeline.insert(tweet, capacity);
    return true;
  }

  // ---- the rebuild ----------------------------------------------------------------------------

  void rebuildFrom(Collection<String> followees) {
    toAsk.addAll(followees);
  }

  /** The next followee to ask, if the parallelism allows one more. */
  Optional<String> nextToAsk(int parallelism) {
    if (asking >= parallelism || toAsk.isEmpty()) return Optional.empty();
    asking++;
    return Optional.of(toAsk.poll());
  }

  /** A followee's tweets are all in (or it is no longer followed). */
  void followeeDone() {
    asking--;
  }

  boolean complete() {
    return asking == 0 && toAsk.isEmpty();
  }

  /** Reads wait while the rebuild runs, up to the read wait; after it they are answered partial. */
  boolean readsWait() {
    return !complete() && !overdue;
  }

  void overdue() {
    overdue = true;
  }

  /** Holds a read until the rebuild completes or is overdue (bounded: beyond it, reads are answered partial at once). */
  boolean hold(UserProtocol.Command read) {
    if (waiting.size() >= MAX_WAITING) return false;
    waiting.add(read);
    return true;
  }

  /** The reads held so far, handed over once to be answered. */
  List<UserProtocol.Command> release() {
    List<UserProtocol.Command> reads = List.copyOf(waiting);
    waiting.clear();
    return reads;
  }

  private static final int MAX_WAITING = 1000;
}
