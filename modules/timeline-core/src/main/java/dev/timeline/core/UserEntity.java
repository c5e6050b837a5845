package dev.timeline.core;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EffectBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.SignalHandler;
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
 * here: {@link FanOut} reads the tagged events from the journal and sends {@link Deliver} batches
 * to each follower, at least once, so it survives a crash of this entity's node mid-fan-out.
 * Following is recorded here first ({@link Followed}); the followee learns of it the same way
 * ({@link AddFollower}), versioned so that a late or replayed change cannot undo a newer one.
 *
 * <p>The home timeline is not in the journal: it is a {@link HomeView} derived from durable facts,
 * kept in memory, added to by deliveries without a write, and rebuilt from the followees' own
 * tweets every time the entity starts. Only mentions are written on the mentioned side
 * ({@link Mentioned}): no followee's timeline holds them.
 */
public final class UserEntity
    extends EventSourcedBehaviorWithEnforcedReplies<UserEntity.Command, UserEntity.Event, UserEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "User");

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

  // ---- commands -------------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** A command that only reads: answered from a {@link View}, by the {@link ReadFront} once it has one. */
  public sealed interface Read<T> extends Command {
    ActorRef<StatusReply<T>> replyTo();
  }

  public record Register(String name, ActorRef<StatusReply<Registration>> replyTo) implements Command {}

  public record GetProfile(ActorRef<StatusReply<Profile>> replyTo) implements Read<Profile> {
    @JsonCreator
    public GetProfile {}
  }

  /** Answers the version of the follow for the followee's side (see {@link AddFollower}). */
  public record Follow(String followeeId, ActorRef<StatusReply<Long>> replyTo) implements Command {}

  /** Answers the version of the unfollow for the followee's side (see {@link RemoveFollower}). */
  public record Unfollow(String followeeId, ActorRef<StatusReply<Long>> replyTo) implements Command {}

  /**
   * {@code followerId} now follows this user: sent by {@link Users#follow} and again by the
   * fan-out, at least once, possibly late or replayed. {@code version} orders one follower's
   * changes: its sequence number at (or after) the {@code Followed} event; a change older than
   * the newest one applied for that follower is ignored. 0 means unversioned (bulk imports).
   */
  public record AddFollower(String followerId, long version, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** {@code followerId} no longer follows this user; versioned like {@link AddFollower}. */
  public record RemoveFollower(String followerId, long version, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record PostTweet(String text, Optional<String> requestId, List<String> mentions, List<Tweet.Media> media,
                          ActorRef<StatusReply<Tweet>> replyTo) implements Command {
    @JsonCreator
    public PostTweet {}

    public PostTweet(String text, Optional<String> requestId, ActorRef<StatusReply<Tweet>> replyTo) {
      this(text, requestId, List.of(), List.of(), replyTo);
    }
  }

  /**
   * From the fan-out: tweets of someone this user may follow, or that mention them, newest or not,
   * possibly seen before. Acknowledged once applied: at once for followed authors (the view is
   * memory), after the write for mentions.
   */
  public record Deliver(List<Tweet> tweets, ActorRef<Done> replyTo) implements Command {
    @JsonCreator
    public Deliver {}

    public Deliver(Tweet tweet, ActorRef<Done> replyTo) {
      this(List.of(tweet), replyTo);
    }
  }

  /**
   * Internal (the home view's rebuild): a page of a followee's own tweets after {@code cursor},
   * {@code fetched} of them before it; empty when the followee did not answer.
   */
  public record RebuildPage(String followeeId, Optional<String> cursor, int fetched, Optional<TimelinePage> page)
      implements Command {}

  /** Internal: ask a followee (again) for its tweets after {@code cursor}. */
  public record RebuildAsk(String followeeId, Optional<String> cursor, int fetched) implements Command {}

  /** Internal: the rebuild took longer than the read wait; held reads are answered partial. */
  public enum RebuildOverdue implements Command { INSTANCE }

  /**
   * Internal, from the writer to its {@link ReadFront}: what reads are answered from, as of now.
   * Sent after every change and before the reply to the command that made it, so a client that
   * got an answer reads its own write.
   */
  public record Published(View view) implements Command {}

  /**
   * A user as reads see it: the durable facts and the derived home timeline. {@code homeComplete}:
   * the home view's rebuild is done; {@code homeReadsWait}: home reads should wait for it (it is
   * not done and not yet overdue).
   */
  public record View(State state, Timeline home, boolean homeComplete, boolean homeReadsWait) implements CborSerializable {}

  /** From the fan-out (hybrid): {@code authorId} became a celebrity; read its tweets at read time. */
  public record PullFrom(String authorId, ActorRef<Done> replyTo) implements Command {}

  /** Followers in id order, at most {@code max} after {@code after} (paged: a celebrity has 100k). */
  public record GetFollowers(Optional<String> after, int max, ActorRef<StatusReply<Followers>> replyTo)
      implements Read<Followers> {
    @JsonCreator
    public GetFollowers {}

    public GetFollowers(ActorRef<StatusReply<Followers>> replyTo) {
      this(Optional.empty(), Integer.MAX_VALUE, replyTo);
    }
  }

  /** Bulk graph loading: one side of many follows at once (the loader writes the other side too). */
  public record ImportFollowing(List<String> ids, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record ImportFollowers(List<String> ids, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** What a home-timeline read needs: the stored page, and whom to pull from at read time. */
  public record GetHomeSources(int limit, Optional<String> cursor, ActorRef<StatusReply<HomeSources>> replyTo)
      implements Read<HomeSources> {}

  public record GetHomeTimeline(int limit, Optional<String> cursor, ActorRef<StatusReply<TimelinePage>> replyTo)
      implements Read<TimelinePage> {}

  public record GetUserTimeline(int limit, Optional<String> cursor, ActorRef<StatusReply<TimelinePage>> replyTo)
      implements Read<TimelinePage> {}

  // ---- replies --------------------------------------------------------------------------------

  public record Registration(Profile profile, boolean created) implements CborSerializable {}

  /** {@code celebrity}: under the hybrid strategy, followers pull this user's tweets. */
  public record Profile(String id, String name, int followers, int following, long tweets, boolean celebrity)
      implements CborSerializable {
    @JsonCreator
    public Profile {}

    public Profile(String id, String name, int followers, int following, long tweets) {
      this(id, name, followers, following, tweets, false);
    }
  }

  /** A page of followers in id order; {@code more} when followers after the last one exist. */
  public record Followers(List<String> ids, boolean more) implements CborSerializable {
    @JsonCreator
    public Followers {}
  }

  /**
   * A page, newest first; {@code nextCursor} is empty when there is nothing older. {@code partial}:
   * some followee to pull from did not answer in time, so tweets may be missing.
   */
  public record TimelinePage(List<Tweet> tweets, Optional<String> nextCursor, boolean partial)
      implements CborSerializable {
    @JsonCreator
    public TimelinePage {}

    public TimelinePage(List<Tweet> tweets, Optional<String> nextCursor) {
      this(tweets, nextCursor, false);
    }

    /**
     * The first tweets of {@code newestFirst}, at most {@code limit} and at most {@code maxBytes}
     * of {@link Tweet#wireBytes} (but always one), so that the reply fits into one Artery frame
     * whatever the texts: a page cut short by either has a {@code nextCursor}, as does one with
     * {@code older} tweets beyond the list.
     */
    public static TimelinePage within(List<Tweet> newestFirst, int limit, int maxBytes, boolean older, boolean partial) {
      int n = 0;
      for (long bytes = 0; n < Math.min(limit, newestFirst.size()); n++) {
        bytes += newestFirst.get(n).wireBytes();
        if (bytes > maxBytes && n > 0) break;
      }
      List<Tweet> page = List.copyOf(newestFirst.subList(0, n));
      boolean more = older || n < newestFirst.size();
      return new TimelinePage(page, more && n > 0 ? Optional.of(page.get(n - 1).id()) : Optional.empty(), partial);
    }
  }

  /** {@code capped}: the user pulls from more followees than a read gathers from; the page is partial. */
  public record HomeSources(TimelinePage stored, List<String> pullFrom, boolean capped) implements CborSerializable {}

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
  public record TweetPosted(Tweet tweet, boolean pulled) implements Event {
    @JsonCreator
    public TweetPosted {}

    public TweetPosted(Tweet tweet) {
      this(tweet, false);
    }
  }

  /** Hybrid: the follower count reached the threshold; from now on followers pull. Never undone. */
  public record BecameCelebrity(String userId) implements Event {
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
  public record FollowersImported(List<String> ids, boolean pull) implements Event {
    @JsonCreator
    public FollowersImported {}

    public FollowersImported(List<String> ids) {
      this(ids, false);
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
   * The durable facts of a user (the home timeline is not one: see {@link HomeView}). {@code name}
   * is null until registered; everything else is empty until then. {@code pulling}: followees that
   * became celebrities (hybrid), read at read time; {@code celebrity}: this user is one.
   * {@code followerVersions}: per follower (and former follower), the newest change applied.
   * {@code mentions}: the newest tweets that mention this user.
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

    State posted(Tweet tweet, Settings settings) {
      return new State(name, following, followers, followerVersions, pulling, celebrity,
          ownTweets.insert(tweet, settings.userTimelineSize()), tweetCount + 1, mentions,
          Math.max(lastPostedAt, tweet.postedAt()));
    }

    State mentioned(Tweet tweet, Settings settings) {
      return new State(name, following, followers, followerVersions, pulling, celebrity, ownTweets, tweetCount,
          mentions.insert(tweet, settings.homeTimelineSize()), lastPostedAt);
    }

    /** Followees whose tweets are pushed here, so a rebuild of the home view reads them. */
    List<String> pushedFrom(Strategy strategy) {
      if (strategy == Strategy.PULL) return List.of();
      return following.toList().stream().filter(id -> !pulling.contains(id)).toList();
    }

    /** Followees whose tweets a home read gathers from their own timelines. */
    List<String> pullFrom(Strategy strategy) {
      IdSet from = strategy == Strategy.PULL ? following : pulling;
      return from.toList().stream().filter(following::contains).toList();
    }
  }

  /**
   * How a tweet reaches followers. PUSH writes it into every follower's home timeline; PULL only
   * into the author's, and a home read gathers it; HYBRID pushes below the follower threshold
   * and pulls from celebrities at or above it. Fixed per cluster (a tweet posted under PULL is in
   * no home timeline, so switching to PUSH later hides it).
   */
  public enum Strategy {
    PUSH, PULL, HYBRID;

    public static Strategy parse(String name) {
      for (Strategy s : values()) if (s.name().equalsIgnoreCase(name)) return s;
      throw new IllegalArgumentException("timeline.fan-out.strategy must be push, pull or hybrid, not '" + name + "'");
    }
  }

  // ---- settings and sharding ------------------------------------------------------------------

  /**
   * {@code pageMaxBytes}: what the tweets of one timeline page may take in a message (see
   * {@link TimelinePage#within}); {@code pullMaxFollowees}: followees a home read gathers from at most;
   * {@code rebuild}: how the home view is rebuilt at start.
   */
  public record Settings(int homeTimelineSize, int userTimelineSize, int snapshotEvery, int fanOutInstances,
                         Strategy strategy, int hybridThreshold, int pageMaxBytes, int pullMaxFollowees,
                         HomeView.Settings rebuild) {
    public Settings(int homeTimelineSize, int userTimelineSize, int snapshotEvery, int fanOutInstances,
                    Strategy strategy, int hybridThreshold, int pageMaxBytes, int pullMaxFollowees) {
      this(homeTimelineSize, userTimelineSize, snapshotEvery, fanOutInstances, strategy, hybridThreshold, pageMaxBytes,
          pullMaxFollowees, HomeView.Settings.DEFAULT);
    }

    public static Settings fromConfig(com.typesafe.config.Config timeline) {
      return new Settings(
          timeline.getInt("home-timeline-size"),
          timeline.getInt("user-timeline-size"),
          timeline.getInt("snapshot-every"),
          timeline.getInt("fan-out.instances"),
          Strategy.parse(timeline.getString("fan-out.strategy")),
          timeline.getInt("fan-out.hybrid-threshold"),
          Math.toIntExact(timeline.getBytes("page-max-bytes")),
          timeline.getInt("pull-max-followees"),
          HomeView.Settings.fromConfig(timeline.getConfig("home-rebuild")));
    }

    /** Whether this user's next tweet is left for followers to pull. */
    boolean pulls(State author) {
      return strategy == Strategy.PULL || (strategy == Strategy.HYBRID && author.celebrity());
    }

    /** Hybrid: a user with this many followers is a celebrity from then on. */
    boolean makesCelebrity(State user, int followers) {
      return strategy == Strategy.HYBRID && !user.celebrity() && followers >= hybridThreshold;
    }

    public static Settings of(ActorSystem<?> system) {
      return fromConfig(system.settings().config().getConfig("timeline"));
    }
  }

  /**
   * Each user is a {@link ReadFront} (answers reads, holds no journal) over this event-sourced
   * writer, both on the entity dispatcher.
   */
  public static void init(ActorSystem<?> system) {
    Settings settings = Settings.of(system);
    HomeView.Source followees = HomeView.Source.sharded(system, system.settings().config().getDuration("timeline.ask-timeout"));
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_TYPE_KEY, ctx -> ReadFront.create(ctx.getEntityId(), settings, front -> writer(ctx.getEntityId(), settings, followees, front)))
            .withEntityProps(DispatcherSelector.fromConfig("timeline.entity-dispatcher")));
  }

  /** The writer alone, answering every command itself. {@code followees}: where the home view's rebuild reads. */
  static Behavior<Command> create(String userId, Settings settings, HomeView.Source followees) {
    return Behaviors.setup(ctx -> new UserEntity(userId, settings, followees, Optional.empty(), ctx));
  }

  /** The writer under a {@link ReadFront}, to which it publishes every change. */
  static Behavior<Command> writer(String userId, Settings settings, HomeView.Source followees, ActorRef<Command> front) {
    return Behaviors.setup(ctx -> new UserEntity(userId, settings, followees, Optional.of(front), ctx));
  }

  private final String userId;
  private final Settings settings;
  private final HomeView.Source followees;
  /** Where reads are answered, if not here. */
  private final Optional<ActorRef<Command>> front;
  private final ActorContext<Command> ctx;
  private final Set<String> tags;
  private final TimelineMetrics metrics;
  /** This incarnation's home timeline: memory only, set up again on every recovery. */
  private HomeView home;

  private UserEntity(String userId, Settings settings, HomeView.Source followees, Optional<ActorRef<Command>> front,
                     ActorContext<Command> ctx) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), userId));
    this.userId = userId;
    this.settings = settings;
    this.followees = followees;
    this.front = front;
    this.ctx = ctx;
    this.tags = Set.of(FanOut.tagFor(persistenceId().id(), settings.fanOutInstances()));
    this.metrics = TimelineMetrics.get(ctx.getSystem());
    this.home = HomeView.empty(settings.homeTimelineSize());
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
    return FanOut.actsOn(event) ? tags : Set.of();
  }

  // ---- the home view: rebuilt on every start ---------------------------------------------------

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::rebuildHome).build();
  }

  /**
   * Starts the view from this user's own facts, then asks the followees whose tweets are pushed
   * here for their newest ones, a few at a time; deliveries meanwhile are merged as usual.
   */
  private void rebuildHome(State state) {
    home = HomeView.seeded(state, settings.homeTimelineSize());
    if (state.isRegistered()) {
      home.rebuildFrom(state.pushedFrom(settings.strategy()));
      if (!home.complete()) {
        askFollowees();
        ctx.scheduleOnce(settings.rebuild().readWait(), ctx.getSelf(), RebuildOverdue.INSTANCE);
      }
    }
    publish(state);
  }

  private void askFollowees() {
    for (Optional<String> next = home.nextToAsk(settings.rebuild().parallelism()); next.isPresent();
         next = home.nextToAsk(settings.rebuild().parallelism()))
      askFollowee(next.get(), Optional.empty(), 0);
  }

  private void askFollowee(String followeeId, Optional<String> cursor, int fetched) {
    ctx.pipeToSelf(followees.newest(followeeId, settings.homeTimelineSize() - fetched, cursor), (page, failure) ->
        // An unregistered followee has no tweets; any other failure: ask again later.
        new RebuildPage(followeeId, cursor, fetched, failure == null ? Optional.of(page)
            : Rejection.of(failure).isPresent() ? Optional.of(new TimelinePage(List.of(), Optional.empty())) : Optional.empty()));
  }

  private ReplyEffect<Event, State> rebuildPage(State state, RebuildPage msg) {
    if (msg.page().isEmpty()) {
      ctx.scheduleOnce(settings.rebuild().retryDelay(), ctx.getSelf(), new RebuildAsk(msg.followeeId(), msg.cursor(), msg.fetched()));
      return Effect().noReply();
    }
    TimelinePage page = msg.page().get();
    // Unfollowed meanwhile: its tweets are not wanted; the rest of it is not asked for either.
    boolean followed = state.following().contains(msg.followeeId());
    if (followed) for (Tweet t : page.tweets()) home.add(t.withoutRequestId());
    int fetched = msg.fetched() + page.tweets().size();
    if (followed && page.nextCursor().isPresent() && fetched < settings.homeTimelineSize()) {
      askFollowee(msg.followeeId(), page.nextCursor(), fetched);
    } else {
      home.followeeDone();
      askFollowees();
      if (home.complete()) answerHeldReads(state);
    }
    publish(state);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> rebuildOverdue(State state) {
    if (!home.complete()) {
      ctx.getLog().info("home timeline of {} not rebuilt within {}: reads are answered partial until it is",
          userId, settings.rebuild().readWait());
      home.overdue();
      answerHeldReads(state);
      publish(state);
    }
    return Effect().noReply();
  }

  /** A home read waits (bounded) while the view is rebuilt; answered at once otherwise, partial if incomplete. */
  private ReplyEffect<Event, State> homeRead(State state, Command read) {
    if (home.readsWait() && home.hold(read)) return Effect().noReply();
    ReadFront.answer(view(state), (Read<?>) read, userId, settings);
    return Effect().noReply();
  }

  private void answerHeldReads(State state) {
    for (Command read : home.release()) ReadFront.answer(view(state), (Read<?>) read, userId, settings);
  }

  /** A read that reached the writer (no front, or the front had no view yet): the front's answer. */
  private ReplyEffect<Event, State> read(State state, Read<?> read) {
    ReadFront.answer(view(state), read, userId, settings);
    return Effect().noReply();
  }

  // ---- command handlers -----------------------------------------------------------------------

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(s -> !s.isRegistered())
        .onCommand(Register.class, this::register)
        .onCommand(Deliver.class, (s, c) -> Effect().reply(c.replyTo(), Done.getInstance()))
        .onCommand(PullFrom.class, (s, c) -> Effect().reply(c.replyTo(), Done.getInstance()))
        .onCommand(RebuildPage.class, (s, c) -> Effect().noReply())
        .onCommand(RebuildAsk.class, (s, c) -> Effect().noReply())
        .onCommand(RebuildOverdue.class, (s, c) -> Effect().noReply())
        .onCommand(ImportFollowing.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(ImportFollowers.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(GetHomeSources.class, (s, c) -> notRegistered(c.replyTo()))
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
        .onCommand(GetProfile.class, this::read)
        .onCommand(Follow.class, this::follow)
        .onCommand(Unfollow.class, this::unfollow)
        .onCommand(AddFollower.class, this::addFollower)
        .onCommand(RemoveFollower.class, this::removeFollower)
        .onCommand(PostTweet.class, this::post)
        .onCommand(Deliver.class, this::deliver)
        .onCommand(PullFrom.class, this::pullFrom)
        .onCommand(ImportFollowing.class, this::importFollowing)
        .onCommand(ImportFollowers.class, this::importFollowers)
        .onCommand(GetFollowers.class, this::read)
        .onCommand(GetHomeTimeline.class, this::homeRead)
        .onCommand(GetHomeSources.class, this::homeRead)
        .onCommand(GetUserTimeline.class, this::read)
        .onCommand(RebuildPage.class, this::rebuildPage)
        .onCommand(RebuildAsk.class, (s, c) -> {
          askFollowee(c.followeeId(), c.cursor(), c.fetched());
          return Effect().noReply();
        })
        .onCommand(RebuildOverdue.class, (s, c) -> rebuildOverdue(s));
    return builder.build();
  }

  private ReplyEffect<Event, State> register(State state, Register cmd) {
    String name = cmd.name() == null ? "" : cmd.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH)
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply(
          "name must be 1.." + MAX_NAME_LENGTH + " characters"));
    if (!state.isRegistered())
      return persist(new Registered(name))
          .thenReply(cmd.replyTo(), s -> StatusReply.success(new Registration(ReadFront.profile(userId, s), true)));
    if (state.name().equals(name))
      return Effect().reply(cmd.replyTo(), StatusReply.success(new Registration(ReadFront.profile(userId, state), false)));
    return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply(
        "user " + userId + " is already registered with another name"));
  }

  private ReplyEffect<Event, State> follow(State state, Follow cmd) {
    if (cmd.followeeId().equals(userId))
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply("a user cannot follow themselves"));
    if (!VALID_ID.matcher(cmd.followeeId()).matches())
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply("bad user id"));
    if (state.following().contains(cmd.followeeId()))
      return Effect().reply(cmd.replyTo(), version());
    return persist(new Followed(cmd.followeeId())).thenReply(cmd.replyTo(), s -> version());
  }

  private ReplyEffect<Event, State> unfollow(State state, Unfollow cmd) {
    if (!state.following().contains(cmd.followeeId()))
      return Effect().reply(cmd.replyTo(), version());
    return persist(new Unfollowed(cmd.followeeId())).thenReply(cmd.replyTo(), s -> version());
  }

  /**
   * The version of a follow or unfollow: the sequence number of the event that made it so, or of
   * any later event before the next change of that follow (the fan-out sends the event's own),
   * which orders it the same way among this user's changes.
   */
  private StatusReply<Long> version() {
    return StatusReply.success(lastSequenceNumber(ctx));
  }

  private ReplyEffect<Event, State> addFollower(State state, AddFollower cmd) {
    boolean present = state.followers().contains(cmd.followerId());
    if (changesNothing(state, cmd.followerId(), cmd.version(), present))
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return persist(withCelebrityCheck(state, List.of(new FollowerAdded(cmd.followerId(), cmd.version())), present ? 0 : 1))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> removeFollower(State state, RemoveFollower cmd) {
    boolean absent = !state.followers().contains(cmd.followerId());
    if (changesNothing(state, cmd.followerId(), cmd.version(), absent))
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return persist(new FollowerRemoved(cmd.followerId(), cmd.version())).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /**
   * A follower change is older than the newest applied for that follower, or of the same version
   * and already so. A newer version is recorded even when the set stays as it is, so that a change
   * made between the two, arriving late, is known to be old.
   */
  private static boolean changesNothing(State state, String followerId, long version, boolean alreadySo) {
    long applied = state.followerVersions().get(followerId);
    return version < applied || (version == applied && alreadySo);
  }

  /** Appends {@link BecameCelebrity} when {@code added} more followers make this user one. */
  private List<Event> withCelebrityCheck(State state, List<Event> events, int added) {
    if (!settings.makesCelebrity(state, state.followers().size() + added)) return events;
    List<Event> all = new java.util.ArrayList<>(events);
    all.add(new BecameCelebrity(userId));
    return all;
  }

  private ReplyEffect<Event, State> importFollowing(State state, ImportFollowing cmd) {
    List<String> fresh = freshIds(cmd.ids(), state.following());
    if (fresh.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return persist(new FollowingImported(fresh)).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> importFollowers(State state, ImportFollowers cmd) {
    List<String> fresh = freshIds(cmd.ids(), state.followers());
    if (fresh.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    // Followers imported into a celebrity must pull from it; those of the batch that makes one
    // hear it from BecameCelebrity's fan-out like every follower before them.
    return persist(withCelebrityCheck(state, List.of(new FollowersImported(fresh, state.celebrity())), fresh.size()))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /** The valid ids, other than this user's, not yet in {@code known}, once each. */
  private List<String> freshIds(List<String> ids, IdSet known) {
    return ids.stream()
        .filter(id -> !id.equals(userId) && !known.contains(id) && VALID_ID.matcher(id).matches())
        .distinct()
        .toList();
  }

  private ReplyEffect<Event, State> pullFrom(State state, PullFrom cmd) {
    // Kept even before the follow itself is recorded (a bulk import writes the sides in any
    // order); reads pull only from followees in it.
    if (state.pulling().contains(cmd.authorId()))
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    return persist(new PullingFrom(cmd.authorId())).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, State> post(State state, PostTweet cmd) {
    String text = cmd.text() == null ? "" : cmd.text();
    int length = text.codePointCount(0, text.length());
    if (text.isBlank() || length > MAX_TEXT_LENGTH)
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply(
          "text must be 1.." + MAX_TEXT_LENGTH + " characters, not blank (was " + length + ")"));
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
    List<String> mentions = cmd.mentions() == null ? List.of()
        : cmd.mentions().stream().filter(m -> !m.equals(userId)).distinct().toList();
    for (String mention : mentions)
      if (!VALID_ID.matcher(mention).matches())
        return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply("bad mentioned user id '" + mention + "'"));
    Tweet tweet = new Tweet(Tweet.idFor(postedAt, userId), userId, text, postedAt, requestId.orElse(null),
        mentions, cmd.media() == null ? List.of() : cmd.media());
    return persist(new TweetPosted(tweet, settings.pulls(state))).thenReply(cmd.replyTo(), s -> StatusReply.success(tweet));
  }

  /**
   * A followed author's tweets go into the view, no write: they are durable at the author, where
   * a rebuild finds them. A mention is written first (acknowledged once durable), whoever the
   * author. Idempotent: duplicates, tweets too old to be kept and tweets of users no longer
   * followed (unless they mention this user) change nothing.
   */
  private ReplyEffect<Event, State> deliver(State state, Deliver cmd) {
    List<Event> mentions = new java.util.ArrayList<>();
    Set<String> mentionIds = new java.util.HashSet<>();
    boolean added = false;
    long now = System.currentTimeMillis();
    metrics.delivered(cmd.tweets().size());
    for (Tweet tweet : cmd.tweets()) {
      if (tweet.mentions().contains(userId)) {
        if (!state.mentions().wouldIgnore(tweet, settings.homeTimelineSize()) && mentionIds.add(tweet.id()))
          mentions.add(new Mentioned(tweet));
      } else if (state.following().contains(tweet.authorId()) && home.add(tweet)) {
        metrics.homeInserted(tweet, now);  // the fan-out lag: from its post to here
        added = true;
      }
    }
    if (added) publish(state);
    if (mentions.isEmpty()) return Effect().reply(cmd.replyTo(), Done.getInstance());
    return persist(mentions).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  // ---- publishing to the read front -------------------------------------------------------------

  private EffectBuilder<Event, State> persist(Event event) {
    return persist(List.of(event));
  }

  /**
   * Persists, then adds what the events bring to the home view (own tweets, mentions) and
   * publishes the result, before any reply that follows. Times the write from the command (a
   * failed one stops this writer: its {@link ReadFront} counts it).
   */
  private EffectBuilder<Event, State> persist(List<Event> events) {
    long start = System.nanoTime();
    return Effect().persist(events).thenRun(s -> {
      metrics.journalWritten(start);
      long now = System.currentTimeMillis();
      for (Event e : events) {
        if (e instanceof TweetPosted posted) home.add(posted.tweet().withoutRequestId());
        else if (e instanceof Mentioned m && home.add(m.tweet())) metrics.homeInserted(m.tweet(), now);
      }
      publish(s);
    });
  }

  private void publish(State state) {
    front.ifPresent(f -> f.tell(new Published(view(state))));
  }

  private View view(State state) {
    return new View(state, home.timeline(), home.complete(), home.readsWait());
  }

  private <T> ReplyEffect<Event, State> notRegistered(ActorRef<StatusReply<T>> replyTo) {
    return Effect().reply(replyTo, Rejection.NOT_FOUND.reply("user " + userId + " is not registered"));
  }

  // ---- event handler --------------------------------------------------------------------------

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Registered.class, (s, e) -> s.registered(e.name()))
        .onEvent(Followed.class, (s, e) -> s.withFollowing(s.following().with(e.followeeId())))
        .onEvent(Unfollowed.class, (s, e) -> s.withFollowing(s.following().without(e.followeeId()))
            .withPulling(s.pulling().without(e.followeeId())))
        .onEvent(FollowingImported.class, (s, e) -> s.withFollowing(s.following().withAll(e.ids())))
        .onEvent(FollowersImported.class, (s, e) -> s.withFollowers(s.followers().withAll(e.ids())))
        .onEvent(BecameCelebrity.class, (s, e) -> s.asCelebrity())
        .onEvent(PullingFrom.class, (s, e) -> s.withPulling(s.pulling().with(e.authorId())))
        .onEvent(FollowerAdded.class, (s, e) -> s.withFollower(e.followerId(), true, e.version()))
        .onEvent(FollowerRemoved.class, (s, e) -> s.withFollower(e.followerId(), false, e.version()))
        .onEvent(TweetPosted.class, (s, e) -> s.posted(e.tweet(), settings))
        .onEvent(Mentioned.class, (s, e) -> s.mentioned(e.tweet(), settings))
        .onEvent(TimelineDelivered.class, (s, e) -> e.tweet().mentions().contains(userId) ? s.mentioned(e.tweet(), settings) : s)
        .build();
  }
}
