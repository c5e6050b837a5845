package dev.timeline.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.ClusterEvent.CurrentClusterState;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.sharding.ShardRegion.ClusterShardingStats;
import akka.cluster.sharding.typed.ClusterShardingQuery;
import akka.cluster.sharding.typed.GetClusterShardingStats;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.marshalling.Marshaller;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.management.javadsl.AkkaManagement;
import dev.timeline.core.TimelineMetrics;
import dev.timeline.core.TimelineSettings;
import dev.timeline.core.UserEntity;
import dev.timeline.core.Users;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;

/**
 * What an operator (a health checker, Prometheus, the lab, scripts/cluster) asks a node about
 * itself; nothing here touches a user.
 *
 * <pre>
 * public port:
 * GET /health                  200 {"status":"up"} or 503
 * GET /metrics                 200 strategy cost counters of this node
 * GET /metrics/prometheus      200 the Prometheus text format (see {@link NodeMetrics})
 * GET /cluster[?sharding=off]  200 {"self","members","unreachable","sharding","settings"}
 * admin port (Akka Management, 127.0.0.1:8180+i):
 * GET /ready                   200 once Up with the User shard region registered, else 500
 * GET /alive                   200 while the node answers
 * </pre>
 */
public final class OpsRoutes extends AllDirectives {

  public record Health(String status) {}

  /** {@code settings}: this node's domain settings, so that the lab need not restate them. */
  public record ClusterView(String self, List<MemberView> members, List<String> unreachable, ShardingView sharding,
      Described settings) {}

  /** This node's domain settings, as the lab reads them to judge a run by the cluster it ran against. */
  public record Described(int homeTimelineSize, int userTimelineSize, String strategy, int hybridThreshold) {
    static Described of(TimelineSettings core) {
      return new Described(core.homeTimelineSize(), core.userTimelineSize(),
          core.fanOut().strategy().name().toLowerCase(java.util.Locale.ROOT), core.fanOut().hybridThreshold());
    }
  }

  public record MemberView(String address, String status, List<String> roles) {
    static MemberView of(Member m) {
      return new MemberView(m.address().toString(), m.status().toString(), m.getRoles().stream().sorted().toList());
    }
  }

  /** Shard and entity counts per node; {@code available} is false when the statistics timed out. */
  public record ShardingView(boolean available, List<RegionView> nodes) {
    static final ShardingView UNAVAILABLE = new ShardingView(false, List.of());

    static ShardingView of(ClusterShardingStats stats) {
      return new ShardingView(true, stats.getRegions().entrySet().stream()
          .map(e -> new RegionView(e.getKey().toString(), e.getValue().getStats().size(),
              e.getValue().getStats().values().stream().mapToInt(n -> ((Number) n).intValue()).sum()))
          .sorted(Comparator.comparing(RegionView::address))
          .toList());
    }
  }

  public record RegionView(String address, int shards, int entities) {}

  private final ActorSystem<?> system;
  /** The one JSON writer ({@link Replies#json}), made once: a reply reuses it. */
  private final Marshaller<Object, RequestEntity> json;
  private final NodeMetrics metrics;
  private final Duration statsTimeout;
  private final Described described;

  public OpsRoutes(ActorSystem<?> system, NodeSettings settings, NodeMetrics metrics) {
    this.system = system;
    this.json = Replies.json(system);
    this.metrics = metrics;
    this.statsTimeout = settings.clusterStatsTimeout();
    this.described = Described.of(settings.core());
  }

  /** The public port's operator endpoints. */
  public Route route() {
    return concat(
        path("health", () -> get(this::health)),
        path("metrics", () -> get(() -> completeOK(TimelineMetrics.get(system).counts(), json))),
        metrics.route(),
        path("cluster", () -> get(() -> parameterOptional("sharding", sharding -> {
          if (sharding.isPresent() && !sharding.get().equals("on") && !sharding.get().equals("off"))
            return ApiError.badRequest("sharding must be on or off").route();
          return cluster(!sharding.filter("off"::equals).isPresent());
        }))));
  }

  /**
   * The admin port's readiness and liveness: Akka Management's /ready (member Up, the User shard
   * region registered) and /alive, and its read-only cluster routes, for health checkers on this machine.
   */
  public static Route adminRoute(ActorSystem<?> system) {
    return AkkaManagement.get(system).getRoutes();
  }

  /** Up means: this member is Up and the user entities' shard region is running here. */
  private Route health() {
    MemberStatus status = Cluster.get(system).selfMember().status();
    if (status != MemberStatus.up())
      return ApiError.unavailable("this node is " + status + ", not Up").route();
    boolean shardingReady = akka.cluster.sharding.ClusterSharding.get(Adapter.toClassic(system))
        .getShardTypeNames().contains(UserEntity.ENTITY_TYPE_KEY.name());
    if (!shardingReady)
      return ApiError.unavailable("the user shard region is not started").route();
    return completeOK(new Health("up"), json);
  }

  /**
   * Members as this node sees them, with shard and entity counts per node unless {@code
   * ?sharding=off}: the counts wait up to cluster-stats-timeout for every region, which a
   * watcher polling membership during a failure does not want.
   */
  private Route cluster(boolean withSharding) {
    CompletionStage<ShardingView> sharding = !withSharding
        ? CompletableFuture.completedFuture(ShardingView.UNAVAILABLE)
        : Users.plain(AskPattern.<ClusterShardingQuery, ClusterShardingStats>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetClusterShardingStats(UserEntity.ENTITY_TYPE_KEY, statsTimeout, replyTo),
            // The query answers by itself after statsTimeout; this only guards a lost reply.
            statsTimeout.plusSeconds(1),
            system.scheduler()), system.executionContext())
        .thenApply(ShardingView::of)
        .exceptionally(failure -> ShardingView.UNAVAILABLE);
    return onSuccess(sharding, stats -> {
      CurrentClusterState state = Cluster.get(system).state();
      List<MemberView> members = StreamSupport.stream(state.getMembers().spliterator(), false)
          .map(MemberView::of).toList();
      List<String> unreachable = state.getUnreachable().stream()
          .map(m -> m.address().toString()).sorted().toList();
      String self = Cluster.get(system).selfMember().address().toString();
      return completeOK(new ClusterView(self, members, unreachable, stats, described), json);
    });
  }

}
