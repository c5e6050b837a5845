package dev.timeline.core;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A user: profile, whom they follow, who follows them, their own tweets and their home timeline.
 * One sharded, event-sourced entity per user id, in four rooms: its durable form here (the
 * {@link Event}s of its journal and the {@link State} they fold into), what it is asked
 * ({@link UserProtocol}), how it answers ({@link UserWriter}, behind a {@link ReadFront}), and
 * what the fan-out strategy decides ({@link Strategy}).
 *
 * <p>A post is acknowledged once {@link TweetPosted} is durable. Delivery to followers is not done
 * by the entity: {@link FanOut} reads the {@link FanOutEvent}s from the journal and sends
 * {@code Deliver} batches to each follower, at least once, so it survives a crash of this entity's
 * node mid-fan-out. Following is recorded here first ({@link Followed}); the followee learns of it
 * the same way ({@code AddFollower}), versioned so that a late or replayed change cannot undo a
 * newer one.
 *
 * <p>The home timeline is not in the journal: it is a {@link HomeView} derived from durable facts,
 * kept in memory, added to by deliveries without a write, and rebuilt from the followees' own
 * tweets every time the entity starts. Only mentions are written on the mentioned side
 * ({@link Mentioned}): no followee's timeline holds them.
 *
 * <p>The events and the state stay nested in this class, under these names: Jackson CBOR stores
 * them under their binary class names ({@code dev.timeline.core.UserEntity$TweetPosted}), so a
 * renamed, moved or un-nested class could not read the journals and snapshots already written
 * ({@code SerializedFormTest} holds samples of each).
 */
public final class UserEntity {
  private UserEntity() {}

  /** Its name is the prefix of every user's persistence id ("User|alice"): fixed. */
  public static final EntityTypeKey<UserProtocol.Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(UserProtocol.Command.class, "User");

  public static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  public static final int MAX_NAME_LENGTH = 100;
  /** Twitter's limit, which the public API enforces. */
  public static final int MAX_TWEET_LENGTH = 280;
  /**
   * What an entity stores at most: room for DeathStarBench's unchanged compose workload (256
   * random characters plus up to five mentions and five URLs, about 700), which its API serves.
   */
  public static final int MAX_TEXT_LENGTH = 1024;
  public static final int MAX_REQUEST_ID_LENGTH = 128;

  /**
   * Each user is a {@link ReadFront} (answers reads, holds no journal) over its event-sourced
   * {@link UserWriter}, both on the entity dispatcher, whose threads need a deep stack
   * ({@link DeepStacks}: refused here, at start, rather than overflowed in a recovery).
   */
  public static void init(ActorSystem<?> system, TimelineSettings settings) {
    DeepStacks.require(settings.entityStackBytes());
    HomeView.Source followees = HomeView.Source.sharded(system, settings.askTimeout());
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_TYPE_KEY, ctx -> ReadFront.create(ctx.getEntityId(), settings,
                front -> UserWriter.under(front, ctx.getEntityId(), settings, followees)))
            .withEntityProps(DispatcherSelector.fromConfig("timeline.entity-dispatcher")));
  }

  // ---- events ---------------------------------------------------------------------------------

  public sealed interface Event extends CborSerializable {}

  /**
   * The one list of the events the fan-out acts on: the writer tags exactly these (when
   * {@link #fansOut}), so the fan-out's projections read nothing else, and {@link FanOut} handles
   * each of them. Adding an event here is adding work to the fan-out.
   */
  public sealed interface FanOutEvent extends Event
      permits TweetPosted, Followed, Unfollowed, BecameCelebrity, FollowersImported {
    /** Whether this one needs the fan-out (tagged): all do but followers imported into a non-celebrity. */
    default boolean fansOut() {
      return true;
    }
  }

  public record Registered(String name) implements Event {
    @JsonCreator
    public Registered {}
  }

  public record Followed(String followeeId) implements FanOutEvent {
    @JsonCreator
    public Followed {}
  }

  public record Unfollowed(String followeeId) implements FanOutEvent {
    @JsonCreator
    public Unfollowed {}
  }

  /** {@code version}: see {@link AddFollower}; events written before versions existed read as 0. */
  public record FollowerAdded(String followerId, long version) implements Event {
    @JsonCreator
    public FollowerAdded {}
  }

  public record FollowerRemoved(String followerId, long version) implements Event {
    @JsonCreator
    public FollowerRemoved {}
  }

  /** {@code pulled}: not pushed to followers (they read it from the author); mentions still are. */
  public record TweetPosted(Tweet tweet, boolean pulled) implements FanOutEvent {
    @JsonCreator
    public TweetPosted {}

    public TweetPosted(Tweet tweet) {
      this(tweet, false);
    }
  }

  /** Hybrid: the follower count reached the threshold; from now on followers pull. Never undone. */
  public record BecameCelebrity(String userId) implements FanOutEvent {
    @JsonCreator
    public BecameCelebrity {}
  }

  public record PullingFrom(String authorId) implements Event {
    @JsonCreator
    public PullingFrom {}
  }

  public record FollowingImported(List<String> ids) implements Event {
    @JsonCreator
    public FollowingImported {}
  }

  /** {@code pull}: this user already is a celebrity, so the fan-out tells these followers to pull. */
  public record FollowersImported(List<String> ids, boolean pull) implements FanOutEvent {
    @JsonCreator
    public FollowersImported {}

    public FollowersImported(List<String> ids) {
      this(ids, false);
    }

    /** Only followers imported into a celebrity need the fan-out: it tells them to pull. */
    @Override
    public boolean fansOut() {
      return pull;
    }
  }

  /**
   * A tweet that mentions this user: durable here, since the home view's rebuild reads only
   * followees, and the author may not be one (or may be unfollowed later).
   */
  public record Mentioned(Tweet tweet) implements Event {
    @JsonCreator
    public Mentioned {}
  }

  /**
   * Written before home timelines were derived (one per delivery); never written now. Replayed,
   * a mention among them is kept as one, the rest is left to the rebuild.
   */
  public record TimelineDelivered(Tweet tweet) implements Event {
    @JsonCreator
    public TimelineDelivered {}
  }

  // ---- state ----------------------------------------------------------------------------------

  /**
   * The durable facts of a user (the home timeline is not one: see {@link HomeView}), folded from
   * its events by {@link UserWriter#eventHandler}. Invariants: {@code name} is null until
   * registered, and everything else is empty until then; {@code ownTweets} and {@code mentions}
   * hold at most the configured timeline sizes, newest first; {@code tweetCount} counts every
   * tweet ever posted (so at least those kept); {@code lastPostedAt} is at least every own
   * tweet's time (posting times only grow); {@code pulling}: followees that became celebrities
   * (hybrid), read at read time, never removed but by an unfollow; {@code celebrity}: this user
   * is one, never undone; {@code followerVersions}: per follower (and former follower), the newest
   * change applied.
   */
  public record State(
      String name,
      IdSet following,
      IdSet followers,
      Versions followerVersions,
      IdSet pulling,
      boolean celebrity,
      Timeline ownTweets,
      long tweetCount,
      Timeline mentions,
      long lastPostedAt)
      implements CborSerializable {

    public State {
      // Snapshots taken before versions existed have none.
      followerVersions = followerVersions == null ? Versions.empty() : followerVersions;
      // Snapshots taken before mentions were facts have none (their "home" is ignored: derived).
      mentions = mentions == null ? Timeline.empty() : mentions;
    }

    public static State unregistered() {
      return new State(null, IdSet.empty(), IdSet.empty(), Versions.empty(), IdSet.empty(), false, Timeline.empty(), 0,
          Timeline.empty(), 0);
    }

    public boolean isRegistered() {
      return name != null;
    }

    State registered(String name) {
      return new State(name, following, followers, followerVersions, pulling, celebrity, ownTweets, tweetCount, mentions, lastPostedAt);
    }

    State withFollowing(IdSet following) {
      return new State(name, following, followers, followerVersions, pulling, celebrity, ownTweets, tweetCount, mentions, lastPostedAt);
    }

    State withFollowers(IdSet followers) {
      return new State(name, following, followers, followerVersions, pulling, celebrity, ownTweets, tweetCount, mentions, lastPostedAt);
    }

    State withFollower(String followerId, boolean follows, long version) {
      return new State(name, following, follows ? followers.with(followerId) : followers.without(followerId),
          followerVersions.advanced(followerId, version), pulling, celebrity, ownTweets, tweetCount, mentions, lastPostedAt);
    }

    State withPulling(IdSet pulling) {
      return new State(name, following, followers, followerVersions, pulling, celebrity, ownTweets, tweetCount, mentions, lastPostedAt);
    }

    State asCelebrity() {
      return new State(name, following, followers, followerVersions, pulling, true, ownTweets, tweetCount, mentions, lastPostedAt);
    }

    State posted(Tweet tweet, int keep) {
      return new State(name, following, followers, followerVersions, pulling, celebrity,
          ownTweets.insert(tweet, keep), tweetCount + 1, mentions,
          Math.max(lastPostedAt, tweet.postedAt()));
    }

    State mentioned(Tweet tweet, int keep) {
      return new State(name, following, followers, followerVersions, pulling, celebrity, ownTweets, tweetCount,
          mentions.insert(tweet, keep), lastPostedAt);
    }
  }
}
