package dev.timeline.core;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EffectBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import dev.timeline.core.UserEntity.*;
import dev.timeline.core.UserProtocol.*;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The event-sourced behaviour of a {@link UserEntity}: its command handlers (what each command
 * may change, and the events that say so), its event handler (how they fold into the
 * {@link State}), and the home view it keeps beside the state, rebuilt on every start. Runs
 * under a {@link ReadFront}, to which it publishes every change, or alone in tests.
 */
final class UserWriter extends EventSourcedBehaviorWithEnforcedReplies<Command, Event, State> {

  /** The writer alone, answering every command itself. {@code followees}: where the home view's rebuild reads. */
  static Behavior<Command> create(String userId, TimelineSettings settings, HomeView.Source followees) {
    return Behaviors.setup(ctx -> new UserWriter(userId, settings, followees, Optional.empty(), ctx));
  }

  /** The writer under a {@link ReadFront}, to which it publishes every change. */
  static Behavior<Command> under(ActorRef<Command> front, String userId, TimelineSettings settings, HomeView.Source followees) {
    return Behaviors.setup(ctx -> new UserWriter(userId, settings, followees, Optional.of(front), ctx));
  }

  private final String userId;
  private final TimelineSettings settings;
  private final Strategy strategy;
  private final HomeView.Source followees;
  /** Where reads are answered, if not here. */
  private final Optional<ActorRef<Command>> front;
  private final ActorContext<Command> ctx;
  private final Set<String> tags;
  private final TimelineMetrics metrics;
  /** This incarnation's home timeline: memory only, set up again on every recovery. */
  private HomeView home;

  private UserWriter(String userId, TimelineSettings settings, HomeView.Source followees, Optional<ActorRef<Command>> front,
                     ActorContext<Command> ctx) {
    super(PersistenceId.of(UserEntity.ENTITY_TYPE_KEY.name(), userId));
    this.userId = userId;
    this.settings = settings;
    this.strategy = settings.fanOut().strategy();
    this.followees = followees;
    this.front = front;
    this.ctx = ctx;
    this.tags = Set.of(FanOut.tagFor(persistenceId().id(), settings.fanOut().instances()));
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

  /** Only the events the fan-out acts on are tagged (see {@link FanOutEvent}), so it reads nothing else. */
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
      home.rebuildFrom(strategy.pushedFrom(state));
      if (!home.complete()) {
        askFollowees();
        ctx.scheduleOnce(settings.homeRebuild().readWait(), ctx.getSelf(), RebuildOverdue.INSTANCE);
      }
    }
    publish(state);
  }

  private void askFollowees() {
    for (Optional<String> next = home.nextToAsk(settings.homeRebuild().parallelism()); next.isPresent();
         next = home.nextToAsk(settings.homeRebuild().parallelism()))
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
      ctx.scheduleOnce(settings.homeRebuild().retryDelay(), ctx.getSelf(), new RebuildAsk(msg.followeeId(), msg.cursor(), msg.fetched()));
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
          userId, settings.homeRebuild().readWait());
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
        .onCommand(Deliver.class, (s, c) -> Effect().reply(c.replyTo(), new Delivered(c.number())))
        .onCommand(PullFrom.class, (s, c) -> Effect().reply(c.replyTo(), Done.getInstance()))
        .onCommand(RebuildPage.class, (s, c) -> Effect().noReply())
        .onCommand(RebuildAsk.class, (s, c) -> Effect().noReply())
        .onCommand(RebuildOverdue.class, (s, c) -> Effect().noReply())
        .onCommand(ImportFollowing.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(ImportFollowers.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(GetHomeSources.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(GetProfile.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(Follow.class, (s, c) -> notRegistered(c.replyTo()))
        .onCommand(FollowChanges.class, (s, c) -> followChanges(s, c.changes()))
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
        .onCommand(Follow.class, (s, c) -> followChanges(s, List.of(c)))
        .onCommand(FollowChanges.class, (s, c) -> followChanges(s, c.changes()))
        .onCommand(Unfollow.class, this::unfollow)
        .onCommand(AddFollower.class, (s, c) -> followChanges(s, List.of(c)))
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
    if (name.isEmpty() || name.length() > UserEntity.MAX_NAME_LENGTH)
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply(
          "name must be 1.." + UserEntity.MAX_NAME_LENGTH + " characters"));
    if (!state.isRegistered())
      return persist(new Registered(name))
          .thenReply(cmd.replyTo(), s -> StatusReply.success(new Registration(ReadFront.profile(userId, s), true)));
    if (state.name().equals(name))
      return Effect().reply(cmd.replyTo(), StatusReply.success(new Registration(ReadFront.profile(userId, state), false)));
    return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply(
        "user " + userId + " is already registered with another name"));
  }

  // ---- follows and new followers: written together when they arrive together ---------------------

  /**
   * {@link Follow}s and {@link AddFollower}s in arrival order, in one journal write: each decided
   * on the state the ones before it leave, each answered once all are durable. A user who follows,
   * or is followed by, many at once (DeathStarBench's init_social_graph.py sends 200 follows of one
   * user and 200 of its followers at a time) then writes once per batch, not once per change, each
   * waiting for the one before. Under a front, every change comes in a {@link FollowChanges},
   * whose end the front is told; alone (in tests) they come one by one.
   */
  private ReplyEffect<Event, State> followChanges(State state, List<? extends FollowChange> changes) {
    List<Event> events = new ArrayList<>();
    List<Runnable> answers = new ArrayList<>();
    State next = state;
    for (FollowChange change : changes) {
      List<Event> decided = !state.isRegistered() ? refused(change, answers)
          : change instanceof Follow follow ? follow(next, follow, answers)
          : addFollower(next, (AddFollower) change, answers);
      for (Event e : decided) next = eventHandler().apply(next, e);
      events.addAll(decided);
    }
    Runnable answerAll = () -> {
      answers.forEach(Runnable::run);
      front.ifPresent(f -> f.tell(FollowChangesWritten.INSTANCE));
    };
    if (events.isEmpty()) {
      answerAll.run();
      return Effect().noReply();
    }
    return persist(events).thenRun(s -> answerAll.run()).thenNoReply();
  }

  private List<Event> refused(FollowChange change, List<Runnable> answers) {
    if (change instanceof Follow f) answers.add(() -> f.replyTo().tell(ReadFront.notRegistered(userId)));
    else if (change instanceof AddFollower a) answers.add(() -> a.replyTo().tell(ReadFront.notRegistered(userId)));
    return List.of();
  }

  /** A follow's events; its answer, the follow's version, is given once they are durable. */
  private List<Event> follow(State state, Follow cmd, List<Runnable> answers) {
    StatusReply<Long> rejection = cmd.followeeId().equals(userId) ? Rejection.INVALID.reply("a user cannot follow themselves")
        : !UserEntity.VALID_ID.matcher(cmd.followeeId()).matches() ? Rejection.INVALID.reply("bad user id")
        : null;
    if (rejection != null) {
      answers.add(() -> cmd.replyTo().tell(rejection));
      return List.of();
    }
    answers.add(() -> cmd.replyTo().tell(version()));
    return state.following().contains(cmd.followeeId()) ? List.of() : List.of(new Followed(cmd.followeeId()));
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

  private List<Event> addFollower(State state, AddFollower cmd, List<Runnable> answers) {
    answers.add(() -> cmd.replyTo().tell(StatusReply.ack()));
    boolean present = state.followers().contains(cmd.followerId());
    if (changesNothing(state, cmd.followerId(), cmd.version(), present)) return List.of();
    return withCelebrityCheck(state, List.of(new FollowerAdded(cmd.followerId(), cmd.version())), present ? 0 : 1);
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
    if (!strategy.makesCelebrity(state, state.followers().size() + added, settings.fanOut().hybridThreshold())) return events;
    List<Event> all = new ArrayList<>(events);
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
        .filter(id -> !id.equals(userId) && !known.contains(id) && UserEntity.VALID_ID.matcher(id).matches())
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
    if (text.isBlank() || length > UserEntity.MAX_TEXT_LENGTH)
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply(
          "text must be 1.." + UserEntity.MAX_TEXT_LENGTH + " characters, not blank (was " + length + ")"));
    Optional<String> requestId = cmd.requestId().filter(r -> !r.isEmpty());
    if (requestId.isPresent()) {
      if (requestId.get().length() > UserEntity.MAX_REQUEST_ID_LENGTH)
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
      if (!UserEntity.VALID_ID.matcher(mention).matches())
        return Effect().reply(cmd.replyTo(), Rejection.INVALID.reply("bad mentioned user id '" + mention + "'"));
    Tweet tweet = new Tweet(Tweet.idFor(postedAt, userId), userId, text, postedAt, requestId.orElse(null),
        mentions, cmd.media() == null ? List.of() : cmd.media());
    return persist(new TweetPosted(tweet, strategy.pulls(state))).thenReply(cmd.replyTo(), s -> StatusReply.success(tweet));
  }

  /**
   * A followed author's tweets go into the view, no write: they are durable at the author, where
   * a rebuild finds them. A mention is written first (acknowledged once durable), whoever the
   * author. Idempotent: duplicates, tweets too old to be kept and tweets of users no longer
   * followed (unless they mention this user) change nothing.
   */
  private ReplyEffect<Event, State> deliver(State state, Deliver cmd) {
    List<Event> mentions = new ArrayList<>();
    Set<String> mentionIds = new HashSet<>();
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
    Delivered delivered = new Delivered(cmd.number());
    if (mentions.isEmpty()) return Effect().reply(cmd.replyTo(), delivered);
    return persist(mentions).thenReply(cmd.replyTo(), s -> delivered);
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
    return Effect().reply(replyTo, ReadFront.notRegistered(userId));
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
        .onEvent(TweetPosted.class, (s, e) -> s.posted(e.tweet(), settings.userTimelineSize()))
        .onEvent(Mentioned.class, (s, e) -> s.mentioned(e.tweet(), settings.homeTimelineSize()))
        .onEvent(TimelineDelivered.class, (s, e) -> e.tweet().mentions().contains(userId) ? s.mentioned(e.tweet(), settings.homeTimelineSize()) : s)
        .build();
  }
}
