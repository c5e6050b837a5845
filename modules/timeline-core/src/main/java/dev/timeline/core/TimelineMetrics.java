package dev.timeline.core;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import java.util.concurrent.atomic.LongAdder;

/**
 * What each strategy costs, counted on this node since it started: tweets the fan-out handled
 * and the home-timeline writes it sent for them (push: one per follower; pull: none but
 * mentions), home reads served here and the entities each asked (pull: one per followee).
 * Counters only grow; a reader diffs two snapshots. Besides: deliveries that put a tweet new to
 * it into a home timeline on this node ({@link #homeInserts}), which counts each (follower,
 * tweet) once however often the fan-out delivers it.
 */
public final class TimelineMetrics implements Extension {

  public record Counts(long posts, long timelineWrites, long homeReads, long entitiesAsked, long partialReads) {}

  private final LongAdder posts = new LongAdder();
  private final LongAdder timelineWrites = new LongAdder();
  private final LongAdder homeReads = new LongAdder();
  private final LongAdder entitiesAsked = new LongAdder();
  private final LongAdder partialReads = new LongAdder();
  private final LongAdder homeInserts = new LongAdder();

  public static TimelineMetrics get(ActorSystem<?> system) {
    return system.registerExtension(Id.INSTANCE);
  }

  /** {@code writes}: the deliveries sent for those posts, one per follower pushed to and per mention. */
  void fannedOut(int posts, long writes) {
    this.posts.add(posts);
    timelineWrites.add(writes);
  }

  void homeInserted(int tweets) {
    if (tweets > 0) homeInserts.add(tweets);
  }

  public long homeInserts() {
    return homeInserts.sum();
  }

  void homeRead(int entitiesAsked, boolean partial) {
    homeReads.increment();
    this.entitiesAsked.add(entitiesAsked);
    if (partial) partialReads.increment();
  }

  public Counts counts() {
    return new Counts(posts.sum(), timelineWrites.sum(), homeReads.sum(), entitiesAsked.sum(), partialReads.sum());
  }

  private static final class Id extends ExtensionId<TimelineMetrics> {
    static final Id INSTANCE = new Id();

    @Override
    public TimelineMetrics createExtension(ActorSystem<?> system) {
      return new TimelineMetrics();
    }
  }
}
