package dev.timeline.core;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * What each strategy costs, counted on this node since it started: tweets the fan-out handled
 * and the home-timeline writes it sent for them (push: one per follower; pull: none but
 * mentions), home reads served here and the entities each asked (pull: one per followee).
 * Counters only grow; a reader diffs two snapshots. Besides: tweets that deliveries brought to
 * entities on this node ({@link #deliveriesReceived}, duplicates included) and those of them
 * new to a home timeline ({@link #homeInserts}), which counts each (follower, tweet) once however
 * often the fan-out delivers it.
 *
 * <p>Durations are not kept here but handed to {@link Timings} as they are measured, where the
 * node keeps them in histograms: the core takes the measurement where it happens and knows no
 * metrics library.
 */
public final class TimelineMetrics implements Extension {

  public record Counts(long posts, long timelineWrites, long homeReads, long entitiesAsked, long partialReads) {}

  /** Receives each measurement once, from the entities' threads: must be thread-safe and cheap. */
  public interface Timings {
    /** A tweet new to a home timeline on this node, {@code millis} after its post (its {@code postedAt}). */
    void fanOutLag(long millis);

    /** One of the user entity's writes: {@code nanos} from its command to its events being persisted. */
    void journalWrite(long nanos);

    /** A write of the user entity failed ({@code rejected}: the journal refused the event) and the entity stopped. */
    void journalWriteFailed(boolean rejected);

    Timings NONE = new Timings() {
      @Override public void fanOutLag(long millis) {}
      @Override public void journalWrite(long nanos) {}
      @Override public void journalWriteFailed(boolean rejected) {}
    };
  }

  private final LongAdder posts = new LongAdder();
  private final LongAdder timelineWrites = new LongAdder();
  private final LongAdder homeReads = new LongAdder();
  private final LongAdder entitiesAsked = new LongAdder();
  private final LongAdder partialReads = new LongAdder();
  private final LongAdder homeInserts = new LongAdder();
  private final LongAdder deliveriesReceived = new LongAdder();
  private volatile Timings timings = Timings.NONE;

  public static TimelineMetrics get(ActorSystem<?> system) {
    return system.registerExtension(Id.INSTANCE);
  }

  /** Where measured durations go from now on (the node sets it once, at start). */
  public void timings(Timings timings) {
    this.timings = Objects.requireNonNull(timings);
  }

  /** {@code writes}: the deliveries sent for those posts, one per follower pushed to and per mention. */
  void fannedOut(int posts, long writes) {
    this.posts.add(posts);
    timelineWrites.add(writes);
  }

  void delivered(int tweets) {
    deliveriesReceived.add(tweets);
  }

  /** A delivered tweet was new to a home timeline here, now. */
  void homeInserted(Tweet tweet, long nowMillis) {
    homeInserts.increment();
    timings.fanOutLag(Math.max(0, nowMillis - tweet.postedAt()));
  }

  void journalWritten(long startNanos) {
    timings.journalWrite(System.nanoTime() - startNanos);
  }

  void journalWriteFailed(boolean rejected) {
    timings.journalWriteFailed(rejected);
  }

  public long homeInserts() {
    return homeInserts.sum();
  }

  public long deliveriesReceived() {
    return deliveriesReceived.sum();
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
