package dev.timeline.core;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A user: profile, whom they follow, who follows them, their own tweets and their home timeline.
 * One sharded, event-sourced entity per user id.
 *
 * <p>A post is acknowledged once {@link TweetPosted} is durable. Delivery to followers is not done
 * here: {@link FanOut} reads the tagged events from the journal and sends {@link Deliver} to each
 * follower, at least once, so it survives a crash of this entity's node mid-fan-out. Following is
 * recorded here first ({@link Followed}); the followee learns of it the same way
 * ({@link AddFollower}).
 */
public final class UserEntity
    extends EventSourcedBehaviorWithEnforcedReplies<UserEntity.Command, UserEntity.Event, UserEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "User");

  public static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  public static final int MAX_NAME_LENGTH = 100;
  public static final int MAX_TWEET_LENGTH = 280;
  public static final int MAX_REQUEST_ID_LENGTH = 128;

  // ---- commands -------------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  public record Register(String name, ActorRef<StatusReply<Registration>> replyTo) implements Command {}

  public record GetProfile(ActorRef<StatusReply<Profile>> replyTo) implements Command {
    @JsonCreator
    public GetProfile {}
  }

  public record Follow(String followeeId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record Unfollow(String followeeId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** From the fan-out: {@code followerId} now follows this user. */
  public record AddFollower(String followerId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record RemoveFollower(String followerId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record PostTweet(String text, Optional<String> requestId, ActorRef<StatusReply<Tweet>> replyTo)
      implements Command {}

  /** From the fan-out: a tweet of someone this user may follow. Always acknowledged. */
  public record Deliver(Tweet tweet, ActorRef<Done> replyTo) implements Command {}

  public record GetFollowers(ActorRef<StatusReply<Followers>> replyTo) implements Command {
    @JsonCreator
    public GetFollowers {}
  }

  public record GetHomeTimeline(int limit, Optional<String> cursor, ActorRef<StatusReply<TimelinePage>> replyTo)
      implements Command {}

  public record GetUserTimeline(int limit, Optional<String> cursor, ActorRef<StatusReply<TimelinePage>> replyTo)
      implements Command {}

  // ---- replies --------------------------------------------------------------------------------

  public record Registration(Profile profile, boolean created) implements CborSerializable {}

  public record Profile(String id, String name, int followers, int following, long tweets)
      implements CborSerializable {}

  public record Followers(List<String> ids) implements CborSerializable {
    @JsonCreator
    public Followers {}
  }

  /** A page, newest first; {@code nextCursor} is empty when there is nothing older. */
  public record TimelinePage(List<Tweet> tweets, Optional<String> nextCursor) implements CborSerializable {}

  // ---- events ---------------------------------------------------------------------------------

  public sealed interface Event extends CborSerializable {}

  public record Registered(String name) implements Event {
    @JsonCreator
    public Registered {}
  }

  public record Followed(String followeeId) implements Event {
    @JsonCreator
    public Followed {}
  }

  public record Unfollowed(String followeeId) implements Event {
    @JsonCreator
    public Unfollowed {}
  }

  public record FollowerAdded(String followerId) implements Event {
    @JsonCreator
    public FollowerAdded {}
  }

  public record FollowerRemoved(String followerId) implements Event {
    @JsonCreator
    public FollowerRemoved {}
  }

  public record TweetPosted(Tweet tweet) implements Event {
    @JsonCreator
    public TweetPosted {}
  }

  public record TimelineDelivered(Tweet tweet) implements Event {
    @JsonCreator
    public TimelineDelivered {}
  }

  // ---- state ----------------------------------------------------------------------------------

  /** {@code name} is null until registered; everything else is empty until then. */
  public record State(
      String name,
      IdSet following,
      IdSet followers,
      Timeline ownTweets,
      long tweetCount,
      Timeline home,
      long lastPostedAt)
      implements CborSerializable {

    public static State unregistered() {
      return new State(null, IdSet.empty(), IdSet.empty(), Timeline.empty(), 0, Timeline.empty(), 0);
    }

    public boolean isRegistered() {
      return name != null;
    }

    State registered(String name) {
      return new State(name, following, followers, ownTweets, tweetCount, home, lastPostedAt);
    }

    State withFollowing(IdSet following) {
      return new State(name, following, followers, ownTweets, tweetCount, home, lastPostedAt);
    }

    State withFollowers(IdSet followers) {
      return new State(name, following, followers, ownTweets, tweetCount, home, lastPostedAt);
    }

    State posted(Tweet tweet, Settings settings) {
      return new State(name, following, followers,
          ownTweets.insert(tweet, settings.userTimelineSize()), tweetCount + 1,
          home.insert(tweet.withoutRequestId(), settings.homeTimelineSize()),
          Math.max(lastPostedAt, tweet.postedAt()));
    }

    State delivered(Tweet tweet, Settings settings) {
      return new State(name, following, followers, ownTweets, tweetCount,
          home.insert(tweet, settings.homeTimelineSize()), lastPostedAt);
    }
  }

  // ---- settings and sharding ------------------------------------------------------------------

  public record Settings(int homeTimelineSize, int userTimelineSize, int snapshotEvery, int fanOutInstances) {
    public static Settings fromConfig(com.typesafe.config.Config timeline) {
      return new Settings(
          timeline.getInt("home-timeline-size"),
          timeline.getInt("user-timeline-size"),
          timeline.getInt("snapshot-every"),
          timeline.getInt("fan-out.instances"));
    }

    public static Settings of(ActorSystem<?> system) {
      return fromConfig(system.settings().config().getConfig("timeline"));
    }
  }

  public static void init(ActorSystem<?> system) {
    Settings settings = Settings.of(system);
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), settings)));
  }

  public static Behavior<Command> create(String userId, Settings settings) {
    return Behaviors.setup(ctx -> new UserEntity(userId, settings));
  }

  private final String userId;
  private final Settings settings;
  private final Set<String> tags;

  private UserEntity(String userId, Settings settings) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), userId));
    this.userId = userId;
    this.settings = settings;
    this.tags = Set.of(FanOut.tagFor(persistenceId().id(), settings.fanOutInstances()));
  }

  @Override
  public State emptyState() {
    return State.unregistered();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots bound recovery: at most snapshotEvery events are replayed after the newest one.
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  /** Only the events the fan-out acts on are tagged, so it reads nothing else. */
  @Override
  public Set<String> tagsFor(Event event) {
    return event instanceof TweetPosted || event instanceof Followed || event instanceof Unfollowed
        ? tags
        : Set.of();
  }

  // ---- command handlers -----------------------------------------------------------------------

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(s -> !s.isRegistered())
        .onCommand(Register.class, this::register)
        .onCommand(Deliver.class, (s, c) -> Effect().reply(c.replyTo(), Done.getInstance()))
        .onCommand(GetProfile.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(Follow.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(Unfollow.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(AddFollower.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(RemoveFollower.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(PostTweet.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(GetFollowers.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(GetHomeTimeline.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(GetUserTimeline.class, (s, c) -> notRegistered(c.replyTo()));
    builder.forState(State::isRegistered)
        .onCommand(Register.class, this::register)
        .onCommand(GetProfile.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(profile(s))))
        .onCommand(Follow.class, this::follow)
        .onCommand(Unfollow.class, this::unfollow)
        .onCommand(AddFollower.class, this::addFollower)
        .onCommand(RemoveFollower.class, this::removeFollower)
        .onCommand(PostTweet.class, this::post)
        .onCommand(Deliver.class, this::deliver)
        .onCommand(GetFollowers.class,
            (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(new Followers(s.followers().toList()))))
        .onCommand(GetHomeTimeline.class, (s, c) -> Effect().reply(c.replyTo(), page(s.home(), c.cursor(), c.limit())))
        .onCommand(GetUserTimeline.class, (s, c) -> Effect().reply(c.replyTo(), page(s.ownTweets(), c.cursor(), c.limit())));
    return builder.build();
  }

  private ReplyEffect<Event, State> register(State state, Register cmd) {
    String name = cmd.name() == null ? "" : cmd.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH)
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply(
          "name must be 1.." + MAX_NAME_LENGTH + " characters"));
    if (!state.isRegistered())
      return Effect().persist(new Registered(name))
          .thenReply(cmd.replyTo(), s -> StatusReply.success(new Registration(profile(s), true)));
    if (state.name().equals(name))
      return Effect().reply(cmd.replyTo(), StatusReply.success(new Registration(profile(state), false)));
    return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply(
        "user " + userId + " is already registered with another name"));
  }

  private ReplyEffect<Event, State> follow(State state, Follow cmd) {
    if (cmd.followeeId().equals(userId))
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply("a user cannot follow themselves"));
    if (!VALID_ID.matcher(cmd.followeeId()).matches())
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply("bad user id"));
    if (state.following().contains(cmd.followeeId()))
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return Effect().persist(new Followed(cmd.followeeId())).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> unfollow(State state, Unfollow cmd) {
    if (!state.following().contains(cmd.followeeId()))
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return Effect().persist(new Unfollowed(cmd.followeeId())).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> addFollower(State state, AddFollower cmd) {
    if (state.followers().contains(cmd.followerId()))
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return Effect().persist(new FollowerAdded(cmd.followerId())).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> removeFollower(State state, RemoveFollower cmd) {
    if (!state.followers().contains(cmd.followerId()))
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return Effect().persist(new FollowerRemoved(cmd.followerId())).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> post(State state, PostTweet cmd) {
    String text = cmd.text() == null ? "" : cmd.text();
    int length = text.codePointCount(0, text.length());
    if (text.isBlank() || length > MAX_TWEET_LENGTH)
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply(
          "text must be 1.." + MAX_TWEET_LENGTH + " characters, not blank (was " + length + ")"));
    Optional<String> requestId = cmd.requestId().filter(r -> !r.isEmpty());
    if (requestId.isPresent()) {
      if (requestId.get().length() > MAX_REQUEST_ID_LENGTH)
        return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply("requestId is too long"));
      // A retried post answers with the tweet it already created (within the kept own tweets).
      Optional<Tweet> earlier = state.ownTweets().find(t -> requestId.get().equals(t.requestId()));
      if (earlier.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.success(earlier.get()));
    }
    // Strictly increasing per author, so (time, author) is a unique, time-ordered id even if the
    // clock of the node that hosts this entity after a failover is behind.
    long postedAt = Math.max(System.currentTimeMillis(), state.lastPostedAt() + 1);
    Tweet tweet = new Tweet(Tweet.idFor(postedAt, userId), userId, text, postedAt, requestId.orElse(null));
    return Effect().persist(new TweetPosted(tweet)).thenReply(cmd.replyTo(), s -> StatusReply.success(tweet));
  }

  private ReplyEffect<Event, State> deliver(State state, Deliver cmd) {
    Tweet tweet = cmd.tweet();
    // Idempotent: duplicates, tweets too old to be kept and tweets of users no longer followed
    // change nothing and are acknowledged without a write.
    if (!state.following().contains(tweet.authorId()) || state.home().wouldIgnore(tweet, settings.homeTimelineSize()))
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    return Effect().persist(new TimelineDelivered(tweet)).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private <T> ReplyEffect<Event, State> notRegistered(ActorRef<StatusReply<T>> replyTo) {
    return Effect().reply(replyTo, Rejection.NOT_FOUND.reply("user " + userId + " is not registered"));
  }

  private Profile profile(State s) {
    return new Profile(userId, s.name(), s.followers().size(), s.following().size(), s.tweetCount());
  }

  private static StatusReply<TimelinePage> page(Timeline timeline, Optional<String> cursor, int limit) {
    if (limit < 1) return Rejection.INVALID.reply("limit must be at least 1");
    // One more than asked tells whether an older page exists (capped first: limit + 1 overflows
    // for Integer.MAX_VALUE, and a negative limit makes Timeline.page throw, stopping the entity).
    List<Tweet> tweets = timeline.page(cursor, Math.min(limit, timeline.size()) + 1).stream().map(Tweet::withoutRequestId).toList();
    if (tweets.size() <= limit) return StatusReply.success(new TimelinePage(tweets, Optional.empty()));
    List<Tweet> page = tweets.subList(0, limit);
    return StatusReply.success(new TimelinePage(List.copyOf(page), Optional.of(page.get(limit - 1).id())));
  }

  // ---- event handler --------------------------------------------------------------------------

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Registered.class, (s, e) -> s.registered(e.name()))
        .onEvent(Followed.class, (s, e) -> s.withFollowing(s.following().with(e.followeeId())))
        .onEvent(Unfollowed.class, (s, e) -> s.withFollowing(s.following().without(e.followeeId())))
        .onEvent(FollowerAdded.class, (s, e) -> s.withFollowers(s.followers().with(e.followerId())))
        .onEvent(FollowerRemoved.class, (s, e) -> s.withFollowers(s.followers().without(e.followerId())))
        .onEvent(TweetPosted.class, (s, e) -> s.posted(e.tweet(), settings))
        .onEvent(TimelineDelivered.class, (s, e) -> s.delivered(e.tweet(), settings))
        .build();
  }
}
