package dev.timeline.core;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Scheduler;
import akka.cluster.ClusterEvent.CurrentClusterState;
import akka.cluster.typed.Cluster;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.pattern.StatusReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The client-side face of the user entities: one method per operation, each an ask with the
 * configured timeout (sent again after a failover when that is safe, see {@link #askIdempotent}). A refused command fails with a StatusReply error that {@link Rejection#of}
 * classifies; anything else (a timeout, an unreachable shard) means "cannot answer right now".
 * Ids are not validated here: callers check {@link UserEntity#VALID_ID} first so a bad id never
 * starts an entity.
 */
public final class Users {
  /** Followers fetched (and delivered to) per step of a fan-out: bounds the deliveries in flight. */
  static final int FOLLOWERS_PAGE = 1000;

  private final ClusterSharding sharding;
  private final Cluster cluster;
  private final Scheduler scheduler;
  private final Duration timeout;
  private final Duration resendInterval;
  private final Duration pullTimeout;
  private final Strategy strategy;
  private final int pageMaxBytes;
  private final TimelineMetrics metrics;
  private final scala.concurrent.ExecutionContextExecutor dispatcher;

  /** Asks with the configured timeout and resend interval. */
  public Users(ActorSystem<?> system, TimelineSettings settings) {
    this(system, settings, settings.askTimeout());
  }

  public Users(ActorSystem<?> system, TimelineSettings settings, Duration timeout) {
    this(system, settings, timeout, settings.askResendInterval());
  }

  public Users(ActorSystem<?> system, TimelineSettings settings, Duration timeout, Duration resendInterval) {
    this.sharding = ClusterSharding.get(system);
    this.cluster = Cluster.get(system);
    this.scheduler = system.scheduler();
    this.timeout = timeout;
    this.resendInterval = resendInterval;
    this.pullTimeout = settings.pullTimeout();
    this.strategy = settings.fanOut().strategy();
    this.pageMaxBytes = settings.pageMaxBytes();
    this.metrics = TimelineMetrics.get(system);
    this.dispatcher = system.executionContext();
  }

  /**
   * The stage of an ask as a plain CompletableFuture whose callbacks run on the actor system's
   * dispatcher. Akka's Java asks return scala-java8-compat stages, which run every callback
   * (thenCompose, whenComplete, ...) as its *Async form on the common pool; on a 2-core machine
   * the common pool has parallelism 1, and CompletableFuture then starts a new thread per
   * callback (a fan-out of 50k deliveries started 50k threads).
   */
  public <T> CompletableFuture<T> plain(CompletionStage<T> ask) {
    return plain(ask, dispatcher);
  }

  public static <T> CompletableFuture<T> plain(CompletionStage<T> ask, Executor executor) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    ask.whenCompleteAsync((value, failure) -> {
      if (failure != null) plain.completeExceptionally(failure);
      else plain.complete(value);
    }, executor);
    return plain;
  }

  public EntityRef<UserProtocol.Command> ref(String userId) {
    return sharding.entityRefFor(UserEntity.ENTITY_TYPE_KEY, userId);
  }

  /**
   * An ask of a command the entity may safely get twice (it answers a repeat with what it did the
   * first time), sent again while unanswered every resend-interval if, since its last send, the
   * membership has changed or a member is unreachable: a command sent to a node that then
   * crashed is dropped when that node is removed, and its caller would otherwise wait out the
   * whole timeout although a survivor hosts the user by then. Healthy, merely slow asks are never
   * repeated. Every send shares the one deadline.
   */
  private <T> CompletableFuture<T> askIdempotent(
      String userId, Function<ActorRef<StatusReply<T>>, UserProtocol.Command> command) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    send(ref(userId), command, System.nanoTime() + timeout.toNanos(), answer);
    return answer;
  }

  private <T> void send(EntityRef<UserProtocol.Command> ref, Function<ActorRef<StatusReply<T>>, UserProtocol.Command> command,
      long deadline, CompletableFuture<T> answer) {
    CurrentClusterState sentIn = cluster.state();
    plain(ref.askWithStatus(command::apply, Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))))
        .whenComplete((value, failure) -> {
          if (failure == null) answer.complete(value);
          else answer.completeExceptionally(failure); // a refusal, or the shared deadline
        });
    resendIfLost(ref, command, deadline, answer, sentIn);
  }

  private <T> void resendIfLost(EntityRef<UserProtocol.Command> ref, Function<ActorRef<StatusReply<T>>, UserProtocol.Command> command,
      long deadline, CompletableFuture<T> answer, CurrentClusterState sentIn) {
    if (deadline - System.nanoTime() <= resendInterval.toNanos()) return;
    scheduler.scheduleOnce(resendInterval, () -> {
      if (answer.isDone()) return;
      CurrentClusterState now = cluster.state();
      // Members compare by address: a removed member is gone from the set, a new one is in it.
      if (!now.unreachable().isEmpty() || !now.members().equals(sentIn.members())) send(ref, command, deadline, answer);
      else resendIfLost(ref, command, deadline, answer, sentIn);
    }, dispatcher);
  }

  public CompletionStage<UserProtocol.Registration> register(String userId, String name) {
    return askIdempotent(userId, r -> new UserProtocol.Register(name, r));
  }

  public CompletionStage<UserProtocol.Profile> profile(String userId) {
    return askIdempotent(userId, UserProtocol.GetProfile::new);
  }

  /**
   * Acknowledged once both sides are durable: first the follower's {@code Followed}, then the
   * followee's follower set, so a tweet the followee posts after the acknowledgement reaches the
   * follower. Should the second step fail (the request then fails), the fan-out still carries the
   * durable {@code Followed} to the followee, at least once; a retry is a no-op on both sides.
   * The followee must exist, else NOT_FOUND and nothing is written. The followee's side carries
   * the follower's version of the follow, so it never undoes a newer unfollow (nor the reverse).
   */
  public CompletionStage<Done> follow(String followerId, String followeeId) {
    if (followerId.equals(followeeId))
      return CompletableFuture.failedFuture(rejected(Rejection.INVALID, "a user cannot follow themselves"));
    return profile(followeeId)
        .thenCompose(followee -> this.<Long>askIdempotent(followerId, r -> new UserProtocol.Follow(followeeId, r)))
        .thenCompose(version -> addFollower(followerId, followeeId, version));
  }

  /**
   * The followee's side of a follow. Under hybrid, a follower of a celebrity is told to pull from
   * it: the celebrity's own {@code BecameCelebrity} notice reached only the followers it had then.
   */
  CompletionStage<Done> addFollower(String followerId, String followeeId, long version) {
    CompletionStage<Done> added =
        askIdempotent(followeeId, r -> new UserProtocol.AddFollower(followerId, version, r));
    if (strategy != Strategy.HYBRID) return added;
    return added.thenCompose(done -> profile(followeeId)).thenCompose(followee -> followee.celebrity()
        ? plain(ref(followerId).ask(r -> new UserProtocol.PullFrom(followeeId, r), timeout))
        : CompletableFuture.completedFuture(Done.getInstance()));
  }

  /** Every follower of {@code userId}, a page at a time: the next page is fetched once {@code each} is done with this one. */
  CompletionStage<Integer> forEachFollowerPage(String userId, Function<List<String>, CompletionStage<Done>> each) {
    return forEachFollowerPage(userId, Optional.empty(), each);
  }

  /** Like {@link #forEachFollowerPage(String, Function)}, for the followers after {@code after}. */
  CompletionStage<Integer> forEachFollowerPage(
      String userId, Optional<String> after, Function<List<String>, CompletionStage<Done>> each) {
    return followersAfter(userId, after, each, 0);
  }

  /** One page of followers after {@code after} (in id order). */
  CompletionStage<UserProtocol.Followers> followersPage(String userId, Optional<String> after) {
    return askIdempotent(userId, r -> new UserProtocol.GetFollowers(after, FOLLOWERS_PAGE, r));
  }

  private CompletionStage<Integer> followersAfter(
      String userId, Optional<String> after, Function<List<String>, CompletionStage<Done>> each, int sofar) {
    return followersPage(userId, after)
        .thenCompose(page -> each.apply(page.ids()).thenCompose(done -> page.more() && !page.ids().isEmpty()
            ? followersAfter(userId, Optional.of(page.ids().get(page.ids().size() - 1)), each, sofar + page.ids().size())
            : CompletableFuture.completedFuture(sofar + page.ids().size())));
  }

  public CompletionStage<Done> importFollowing(String userId, List<String> followeeIds) {
    return plain(ref(userId).askWithStatus(r -> new UserProtocol.ImportFollowing(followeeIds, r), timeout));
  }

  /** Under hybrid, followers imported into a celebrity learn to pull from it through the fan-out. */
  public CompletionStage<Done> importFollowers(String userId, List<String> followerIds) {
    return plain(ref(userId).askWithStatus(r -> new UserProtocol.ImportFollowers(followerIds, r), timeout));
  }

  /** Like {@link #follow}: the follower's side first, then the followee's, each durable. */
  public CompletionStage<Done> unfollow(String followerId, String followeeId) {
    return this.<Long>askIdempotent(followerId, r -> new UserProtocol.Unfollow(followeeId, r))
        .thenCompose(version -> removeFollower(followerId, followeeId, version));
  }

  CompletionStage<Done> removeFollower(String followerId, String followeeId, long version) {
    return askIdempotent(followeeId, r -> new UserProtocol.RemoveFollower(followerId, version, r));
  }

  public CompletionStage<Tweet> post(String userId, String text, Optional<String> requestId) {
    return post(userId, text, requestId, List.of(), List.of());
  }

  /** A post also delivered to the {@code mentions} (user ids), followers or not. */
  public CompletionStage<Tweet> post(
      String userId, String text, Optional<String> requestId, List<String> mentions, List<Tweet.Media> media) {
    Function<ActorRef<StatusReply<Tweet>>, UserProtocol.Command> command = r -> new UserProtocol.PostTweet(text, requestId, mentions, media, r);
    // Only a post with a request id is safe to send twice: the author answers a repeat with the tweet it made.
    return requestId.filter(r -> !r.isEmpty()).isPresent()
        ? askIdempotent(userId, command)
        : plain(ref(userId).askWithStatus(command::apply, timeout));
  }

  /**
   * The home timeline: what is stored in the reader's entity (own tweets, pushed tweets,
   * mentions) merged with the newest tweets of every followee to pull from (all of them under
   * pull, the celebrities under hybrid), asked in parallel. A followee that does not answer within
   * pull-timeout is left out and the page is marked partial rather than failing the read; so is
   * the page of a reader who pulls from more than pull-max-followees (the first are gathered).
   * {@code skip} leaves out the first tweets after the cursor (see {@link UserProtocol.GetHomeSources}).
   */
  public CompletionStage<UserProtocol.TimelinePage> homeTimeline(String userId, int skip, int limit, Optional<String> cursor) {
    return this.<UserProtocol.HomeSources>askIdempotent(userId, r -> new UserProtocol.GetHomeSources(skip, limit, cursor, r))
        .thenCompose(sources -> {
          if (sources.pullFrom().isEmpty()) {
            metrics.homeRead(1, sources.stored().partial());
            return CompletableFuture.completedFuture(sources.stored());
          }
          int each = ReadFront.skipPlusLimit(skip, limit);
          List<CompletableFuture<Optional<UserProtocol.TimelinePage>>> pulled = new ArrayList<>();
          for (String followee : sources.pullFrom())
            pulled.add(plain(ref(followee)
                .<UserProtocol.TimelinePage>askWithStatus(r -> new UserProtocol.GetUserTimeline(each, cursor, r), pullTimeout))
                .thenApply(Optional::of)
                // A followee that is not registered has no tweets; any other failure: not now.
                .exceptionally(failure -> Rejection.of(failure).isPresent()
                    ? Optional.of(new UserProtocol.TimelinePage(List.of(), Optional.empty()))
                    : Optional.empty())
                .toCompletableFuture());
          return CompletableFuture.allOf(pulled.toArray(CompletableFuture[]::new)).thenCompose(v -> {
            List<UserProtocol.TimelinePage> pages = new ArrayList<>();
            pages.add(sources.stored());
            // Stored partial: the reader's home view is still being rebuilt (see HomeView).
            boolean partial = sources.capped() || sources.stored().partial();
            for (var page : pulled) {
              Optional<UserProtocol.TimelinePage> answer = page.join();
              if (answer.isPresent()) pages.add(answer.get());
              else partial = true;
            }
            metrics.homeRead(1 + sources.pullFrom().size(), partial);
            Known known = Known.of(pages);
            // The byte budget cut the pages before the skip ended: skip the rest after what is known.
            // (A followee missing from the pages skipped makes the rest partial too.)
            if (known.horizon().isPresent() && known.tweets().size() <= skip) {
              boolean skippedPartial = partial;
              return homeTimeline(userId, skip - known.tweets().size(), limit, known.horizon())
                  .thenApply(rest -> skippedPartial ? new UserProtocol.TimelinePage(rest.tweets(), rest.nextCursor(), true) : rest);
            }
            return CompletableFuture.completedFuture(known.page(skip, limit, pageMaxBytes, partial));
          });
        });
  }

  /**
   * The newest distinct tweets of several pages, each the newest after the same cursor, without
   * request ids. A page that has more ends at its cursor and says nothing of older tweets, so what
   * is known ends at the newest such cursor, the horizon: a tweet older than it could have others
   * before it that no page brought.
   */
  record Known(List<Tweet> tweets, Optional<String> horizon) {
    static Known of(List<UserProtocol.TimelinePage> pages) {
      TreeMap<String, Tweet> byId = new TreeMap<>(Comparator.reverseOrder());
      Optional<String> horizon = Optional.empty();
      for (var page : pages) {
        for (Tweet t : page.tweets()) byId.putIfAbsent(t.id(), t.withoutRequestId());
        if (page.nextCursor().isPresent() && (horizon.isEmpty() || page.nextCursor().get().compareTo(horizon.get()) > 0))
          horizon = page.nextCursor();
      }
      return new Known(horizon.map(h -> List.copyOf(byId.headMap(h, true).values())).orElseGet(() -> List.copyOf(byId.values())), horizon);
    }

    /** After the first {@code skip} known, the next {@code limit} within the page byte budget (a home page). */
    UserProtocol.TimelinePage page(int skip, int limit, int maxBytes, boolean partial) {
      List<Tweet> after = tweets.subList(Math.min(skip, tweets.size()), tweets.size());
      return UserProtocol.TimelinePage.within(after, limit, maxBytes, horizon.isPresent(), partial);
    }
  }

  /** The newest {@code limit} of the home timeline after the cursor (or from the newest). */
  public CompletionStage<UserProtocol.TimelinePage> homeTimeline(String userId, int limit, Optional<String> cursor) {
    return homeTimeline(userId, 0, limit, cursor);
  }

  public CompletionStage<UserProtocol.TimelinePage> userTimeline(String userId, int skip, int limit, Optional<String> cursor) {
    return askIdempotent(userId, r -> new UserProtocol.GetUserTimeline(skip, limit, cursor, r));
  }

  public CompletionStage<UserProtocol.TimelinePage> userTimeline(String userId, int limit, Optional<String> cursor) {
    return userTimeline(userId, 0, limit, cursor);
  }

  private static Throwable rejected(Rejection rejection, String message) {
    return new akka.pattern.StatusReply.ErrorMessage(rejection.name() + ": " + message);
  }
}
