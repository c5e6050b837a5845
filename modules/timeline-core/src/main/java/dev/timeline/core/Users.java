package dev.timeline.core;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The client-side face of the user entities: one method per operation, each an ask with the
 * configured timeout. A refused command fails with a StatusReply error that {@link Rejection#of}
 * classifies; anything else (a timeout, an unreachable shard) means "cannot answer right now".
 * Ids are not validated here: callers check {@link UserEntity#VALID_ID} first so a bad id never
 * starts an entity.
 */
public final class Users {
  private final ClusterSharding sharding;
  private final Duration timeout;

  public Users(ActorSystem<?> system) {
    this(system, system.settings().config().getDuration("timeline.ask-timeout"));
  }

  public Users(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  public EntityRef<UserEntity.Command> ref(String userId) {
    return sharding.entityRefFor(UserEntity.ENTITY_TYPE_KEY, userId);
  }

  public CompletionStage<UserEntity.Registration> register(String userId, String name) {
    return ref(userId).askWithStatus(r -> new UserEntity.Register(name, r), timeout);
  }

  public CompletionStage<UserEntity.Profile> profile(String userId) {
    return ref(userId).askWithStatus(UserEntity.GetProfile::new, timeout);
  }

  /**
   * Acknowledged once both sides are durable: first the follower's {@code Followed}, then the
   * followee's follower set, so a tweet the followee posts after the acknowledgement reaches the
   * follower. Should the second step fail (the request then fails), the fan-out still carries the
   * durable {@code Followed} to the followee, at least once; a retry is a no-op on both sides.
   * The followee must exist, else NOT_FOUND and nothing is written.
   */
  public CompletionStage<Done> follow(String followerId, String followeeId) {
    if (followerId.equals(followeeId))
      return CompletableFuture.failedFuture(rejected(Rejection.INVALID, "a user cannot follow themselves"));
    return profile(followeeId)
        .thenCompose(followee -> ref(followerId).<Done>askWithStatus(r -> new UserEntity.Follow(followeeId, r), timeout))
        .thenCompose(done -> ref(followeeId).askWithStatus(r -> new UserEntity.AddFollower(followerId, r), timeout));
  }

  /** Like {@link #follow}: the follower's side first, then the followee's, each durable. */
  public CompletionStage<Done> unfollow(String followerId, String followeeId) {
    return ref(followerId).<Done>askWithStatus(r -> new UserEntity.Unfollow(followeeId, r), timeout)
        .thenCompose(done -> ref(followeeId).askWithStatus(r -> new UserEntity.RemoveFollower(followerId, r), timeout));
  }

  public CompletionStage<Tweet> post(String userId, String text, Optional<String> requestId) {
    return ref(userId).askWithStatus(r -> new UserEntity.PostTweet(text, requestId, r), timeout);
  }

  public CompletionStage<UserEntity.TimelinePage> homeTimeline(String userId, int limit, Optional<String> cursor) {
    return ref(userId).askWithStatus(r -> new UserEntity.GetHomeTimeline(limit, cursor, r), timeout);
  }

  public CompletionStage<UserEntity.TimelinePage> userTimeline(String userId, int limit, Optional<String> cursor) {
    return ref(userId).askWithStatus(r -> new UserEntity.GetUserTimeline(limit, cursor, r), timeout);
  }

  private static Throwable rejected(Rejection rejection, String message) {
    return new akka.pattern.StatusReply.ErrorMessage(rejection.name() + ": " + message);
  }
}
