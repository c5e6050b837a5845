package dev.timeline.core;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * N cluster nodes as ActorSystems in one JVM, sharing one in-memory H2 journal: the multi-node
 * test bed (akka-multi-node-testkit is not on Maven Central) and the benchmark's cluster.
 */
public final class LocalCluster implements AutoCloseable {
  public static final String SYSTEM_NAME = "timeline";

  private final List<ActorSystem<Void>> nodes;
  private final List<TimelineSettings> settings;
  private final Set<Integer> crashed = new HashSet<>();

  private LocalCluster(List<ActorSystem<Void>> nodes, List<TimelineSettings> settings) {
    this.nodes = nodes;
    this.settings = settings;
  }

  /** Starts {@code size} nodes, waits until all are Up, then starts users and the fan-out. */
  public static LocalCluster start(int size, Config overrides) {
    String journal = "jdbc:h2:mem:cluster-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < size; i++) ports.add(freePort());
    List<ActorSystem<Void>> nodes = new ArrayList<>();
    List<TimelineSettings> settings = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        Config config = TimelineConfig.load(overrides
            .withFallback(ConfigFactory.parseString(
                "akka.remote.artery.canonical.port = " + ports.get(i) + "\n"
                    + "akka.cluster.seed-nodes = [\"akka://" + SYSTEM_NAME + "@127.0.0.1:" + ports.get(0) + "\"]\n"
                    + "timeline.journal.url = \"" + journal + "\"\n"))
            .withFallback(ConfigFactory.parseResources("local-cluster.conf")));
        settings.add(TimelineSettings.from(config));
        nodes.add(ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, config));
      }
      LocalCluster cluster = new LocalCluster(nodes, settings);
      cluster.awaitUp(Duration.ofSeconds(30));
      for (int i = 0; i < size; i++) {
        Journal.createTablesIfMissing(nodes.get(i), settings.get(i).journal(), Duration.ofSeconds(30));
        UserEntity.init(nodes.get(i), settings.get(i));
        FanOut.init(nodes.get(i), settings.get(i));
      }
      cluster.awaitSharding(Duration.ofSeconds(60));
      return cluster;
    } catch (RuntimeException e) {
      nodes.forEach(ActorSystem::terminate);
      throw e;
    }
  }

  public ActorSystem<Void> node(int index) {
    return nodes.get(index);
  }

  /** The core settings node {@code index} was started with. */
  public TimelineSettings settings(int index) {
    return settings.get(index);
  }

  /** A client of the users through node {@code index}, with the configured timeouts. */
  public Users users(int index) {
    return new Users(nodes.get(index), settings.get(index));
  }

  /** A client of the users through node {@code index} whose asks wait {@code timeout}. */
  public Users users(int index, Duration timeout) {
    return new Users(nodes.get(index), settings.get(index), timeout);
  }

  public int size() {
    return nodes.size();
  }

  public List<Integer> liveNodes() {
    List<Integer> live = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) if (!crashed.contains(i)) live.add(i);
    return live;
  }

  /**
   * Stops a node abruptly: no coordinated shutdown, no leaving, so the others see it become
   * unreachable and the Split Brain Resolver downs it, as after a real crash.
   */
  public void crash(int index) {
    crashed.add(index);
    ActorSystem<Void> node = nodes.get(index);
    node.terminate();
    await(Duration.ofSeconds(30), () -> node.getWhenTerminated().toCompletableFuture().isDone(), "node " + index + " stopped");
  }

  /** Index of the live node whose shard region hosts the entity, if it is running anywhere. */
  public Optional<Integer> nodeOf(String typeName, String entityId) {
    for (int i : liveNodes()) if (entitiesOn(i, typeName).contains(entityId)) return Optional.of(i);
    return Optional.empty();
  }

  /** Ids of the entities of a type running on a node right now. */
  public Set<String> entitiesOn(int index, String typeName) {
    ActorSystem<Void> node = nodes.get(index);
    ShardRegion.CurrentShardRegionState state = AskPattern.<akka.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(node).shardState(),
            replyTo -> new GetShardRegionState(
                akka.cluster.sharding.typed.javadsl.EntityTypeKey.create(Object.class, typeName), replyTo),
            Duration.ofSeconds(5), node.scheduler())
        .toCompletableFuture().join();
    Set<String> ids = new HashSet<>();
    for (ShardRegion.ShardState shard : state.getShards()) ids.addAll(shard.getEntityIds());
    return ids;
  }

  public Optional<Integer> nodeOfUser(String userId) {
    return nodeOf(UserEntity.ENTITY_TYPE_KEY.name(), userId);
  }

  /** The node running fan-out slice {@code slice} (sharded daemon process entity ids are indexes). */
  public Optional<Integer> nodeOfFanOut(int slice) {
    return nodeOf("sharded-daemon-process-" + FanOut.NAME, Integer.toString(slice));
  }

  public void awaitUp(Duration timeout) {
    await(timeout, () -> liveNodes().stream().allMatch(i -> {
      int members = 0, up = 0;
      for (var m : Cluster.get(nodes.get(i)).state().getMembers()) {
        members++;
        if (m.status() == MemberStatus.up()) up++;
      }
      return members == liveNodes().size() && up == members;
    }), liveNodes().size() + " nodes Up");
  }

  /**
   * Until every node's region reaches a user entity: the coordinator's first start can take
   * longer than one ask's timeout on a busy machine. An unregistered user answers NOT_FOUND.
   */
  public void awaitSharding(Duration timeout) {
    for (int i = 0; i < nodes.size(); i++) {
      Users users = users(i, Duration.ofSeconds(2));
      await(timeout, () -> {
        try {
          users.profile("sharding-probe").toCompletableFuture().join();
          return true;
        } catch (java.util.concurrent.CompletionException e) {
          return Rejection.of(e.getCause()).isPresent();
        }
      }, "sharding answers on every node");
    }
  }

  /** The journal's JDBC url (an in-memory H2 database unless the overrides named another). */
  public String journalUrl() {
    return settings.get(0).journal().login().url();
  }

  /** Tagged events that no fan-out projection has stored an offset past, over all tag slices. */
  public long fanOutBacklog() {
    String sql = """
        select count(*) from "event_tag" t
        left join "akka_projection_offset_store" o on o."projection_key" = t."tag"
        where o."current_offset" is null or t."event_id" > cast(o."current_offset" as bigint)
        """;
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(journalUrl(), "sa", "");
         var statement = c.prepareStatement(sql);
         java.sql.ResultSet rs = statement.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls a condition until it holds or the deadline passes. */
  public static void await(Duration timeout, BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  @Override
  public void close() {
    for (int i : liveNodes()) nodes.get(i).terminate();
    for (ActorSystem<Void> node : nodes) node.getWhenTerminated().toCompletableFuture().join();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
