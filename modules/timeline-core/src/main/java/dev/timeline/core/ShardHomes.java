package dev.timeline.core;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.GetClusterShardingStats;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which node hosts each user's shard, as sharding last said (asked every {@code every}): where the
 * fan-out sends a follower's part of a batch. Only a hint, so a stale answer costs a hop, never a
 * delivery (the receiving {@link DeliveryInbox} tells through sharding). Computes shard ids as the
 * user entity's default extractor does.
 */
final class ShardHomes {
  private final int numberOfShards;
  /** Replaced whole by the refresh, read by the fan-out's handlers: an immutable snapshot. */
  private volatile Map<String, Address> homes = Map.of();

  private ShardHomes(int numberOfShards) {
    this.numberOfShards = numberOfShards;
  }

  /** Knows no shard yet (and learns none): every follower's part goes to this node's inbox. */
  static ShardHomes unknown(ActorSystem<?> system) {
    return new ShardHomes(ClusterShardingSettings.create(system).numberOfShards());
  }

  /** Asks sharding now and then every {@code every}, until the system terminates. */
  static ShardHomes start(ActorSystem<?> system, Duration every) {
    ShardHomes shardHomes = unknown(system);
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, every, () -> shardHomes.refresh(system, every),
        system.executionContext());
    return shardHomes;
  }

  /** Where {@code userId}'s shard was last seen, if it was. */
  Optional<Address> of(String userId) {
    return Optional.ofNullable(homes.get(ShardRegion.HashCodeMessageExtractor$.MODULE$.shardId(userId, numberOfShards)));
  }

  private void refresh(ActorSystem<?> system, Duration timeout) {
    Users.plain(AskPattern.<akka.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetClusterShardingStats(UserEntity.ENTITY_TYPE_KEY, timeout, replyTo),
            timeout.multipliedBy(2), system.scheduler()), system.executionContext())
        .thenAccept(stats -> {
          Map<String, Address> next = new HashMap<>();
          stats.getRegions().forEach((address, region) -> region.getStats().keySet().forEach(shard -> next.put(shard, address)));
          homes = Map.copyOf(next);
        });
  }
}
