package dev.timeline.core;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.ShardedDaemonProcessSettings;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.Offset;
import akka.projection.HandlerRecoveryStrategy;
import akka.projection.ProjectionBehavior;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.eventsourced.javadsl.EventSourcedProvider;
import akka.projection.javadsl.GroupedProjection;
import akka.projection.javadsl.Handler;
import akka.projection.javadsl.SourceProvider;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Push fan-out as a projection over the journal. Tagged user events ({@code TweetPosted},
 * {@code Followed}, {@code Unfollowed}) are read by tag slice; each slice is one projection, and
 * the slices are spread over the cluster by a sharded daemon process, so a crashed node's slices
 * restart on a survivor from their last stored offset. An offset is stored only after every
 * follower acknowledged, which makes delivery at-least-once; {@link UserEntity} deduplicates.
 */
public final class FanOut {
  private FanOut() {}

  public static final String NAME = "fan-out";

  public static String tagFor(String persistenceId, int instances) {
    return NAME + "-" + Math.abs(persistenceId.hashCode() % instances);
  }

  public record Settings(int instances, Duration deliveryTimeout, int groupSize, Duration groupWithin,
                         int retries, Duration retryDelay) {
    static Settings of(ActorSystem<?> system) {
      Config c = system.settings().config().getConfig("timeline.fan-out");
      return new Settings(
          c.getInt("instances"), c.getDuration("delivery-timeout"), c.getInt("group-size"),
          c.getDuration("group-within"), c.getInt("retries"), c.getDuration("retry-delay"));
    }
  }

  public static void init(ActorSystem<?> system) {
    Settings settings = Settings.of(system);
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        NAME,
        settings.instances(),
        i -> ProjectionBehavior.create(projection(system, settings, NAME + "-" + i)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static GroupedProjection<Offset, EventEnvelope<UserEntity.Event>> projection(
      ActorSystem<?> system, Settings settings, String tag) {
    SourceProvider<Offset, EventEnvelope<UserEntity.Event>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return Journal.projection(
            ProjectionId.of(NAME, tag), source, () -> new DeliveryHandler(system, settings), system)
        .withGroup(settings.groupSize(), settings.groupWithin())
        .withRecoveryStrategy(HandlerRecoveryStrategy.retryAndFail(settings.retries(), settings.retryDelay()))
        .withRestartBackoff(settings.retryDelay(), settings.retryDelay().multipliedBy(10), 0.2);
  }

  /** Handles a group of envelopes: users in parallel, each user's events in journal order. */
  static final class DeliveryHandler extends Handler<List<EventEnvelope<UserEntity.Event>>> {
    private final ClusterSharding sharding;
    private final Users users;
    private final Duration timeout;
    private final TimelineMetrics metrics;

    DeliveryHandler(ActorSystem<?> system, Settings settings) {
      this.sharding = ClusterSharding.get(system);
      this.users = new Users(system, settings.deliveryTimeout());
      this.timeout = settings.deliveryTimeout();
      this.metrics = TimelineMetrics.get(system);
    }

    @Override
    public CompletionStage<Done> process(List<EventEnvelope<UserEntity.Event>> envelopes) {
      Map<String, List<EventEnvelope<UserEntity.Event>>> byUser = new LinkedHashMap<>();
      for (var envelope : envelopes)
        byUser.computeIfAbsent(envelope.persistenceId(), k -> new ArrayList<>()).add(envelope);
      List<CompletableFuture<Done>> users = new ArrayList<>(byUser.size());
      for (var events : byUser.values()) {
        CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
        for (var envelope : events) {
          String userId = PersistenceIds.entityId(envelope.persistenceId());
          chain = chain.thenCompose(done -> handle(userId, envelope.event(), envelope.sequenceNr()));
        }
        users.add(chain.toCompletableFuture());
      }
      return allDone(users);
    }

    /** {@code sequenceNr}: the event's, which versions a follow or unfollow for the followee. */
    private CompletionStage<Done> handle(String userId, UserEntity.Event event, long sequenceNr) {
      if (event instanceof UserEntity.TweetPosted posted) return deliver(userId, posted);
      if (event instanceof UserEntity.BecameCelebrity)
        return users.forEachFollowerPage(userId, followers -> pullFrom(userId, followers)).thenApply(n -> Done.getInstance());
      if (event instanceof UserEntity.FollowersImported imported && imported.pull())
        return pagesInTurn(imported.ids(), 0, followers -> pullFrom(userId, followers));
      if (event instanceof UserEntity.Followed f) return acked(users.addFollower(userId, f.followeeId(), sequenceNr));
      if (event instanceof UserEntity.Unfollowed u) return acked(users.removeFollower(userId, u.followeeId(), sequenceNr));
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    /**
     * Mentioned users always get the tweet; followers only when it is pushed. Counted once all
     * its deliveries are acknowledged (a retried group counts again: the cost was paid again).
     */
    private CompletionStage<Done> deliver(String authorId, UserEntity.TweetPosted posted) {
      Tweet tweet = posted.tweet().withoutRequestId();
      CompletionStage<Integer> followers = posted.pulled()
          ? CompletableFuture.completedFuture(0)
          : users.forEachFollowerPage(authorId, page -> deliverTo(page, tweet));
      return followers.thenCompose(pushed -> deliverTo(tweet.mentions(), tweet).thenApply(done -> {
        metrics.fannedOut(pushed + tweet.mentions().size());
        return done;
      }));
    }

    private CompletionStage<Done> pullFrom(String celebrityId, List<String> followers) {
      return allDone(followers.stream()
          .map(f -> user(f).<Done>ask(r -> new UserEntity.PullFrom(celebrityId, r), timeout).toCompletableFuture())
          .toList());
    }

    /** A page of ids at a time, the next once the last is done: bounds the asks in flight. */
    private static CompletionStage<Done> pagesInTurn(
        List<String> ids, int from, Function<List<String>, CompletionStage<Done>> each) {
      if (from >= ids.size()) return CompletableFuture.completedFuture(Done.getInstance());
      int to = Math.min(ids.size(), from + Users.FOLLOWERS_PAGE);
      return each.apply(ids.subList(from, to)).thenCompose(done -> pagesInTurn(ids, to, each));
    }

    private CompletionStage<Done> deliverTo(List<String> userIds, Tweet tweet) {
      return allDone(userIds.stream()
          .map(u -> user(u).<Done>ask(r -> new UserEntity.Deliver(tweet, r), timeout).toCompletableFuture())
          .toList());
    }

    private EntityRef<UserEntity.Command> user(String id) {
      return sharding.entityRefFor(UserEntity.ENTITY_TYPE_KEY, id);
    }

    /** A followee that is not registered cannot gain a follower: nothing to retry. */
    private static CompletionStage<Done> acked(CompletionStage<Done> reply) {
      return reply.exceptionallyCompose(failure -> Rejection.of(failure).isPresent()
          ? CompletableFuture.completedFuture(Done.getInstance())
          : CompletableFuture.failedFuture(failure));
    }

    private static CompletableFuture<Done> allDone(List<CompletableFuture<Done>> futures) {
      return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .thenApply(Function.<Void>identity().andThen(v -> Done.getInstance()));
    }
  }
}
