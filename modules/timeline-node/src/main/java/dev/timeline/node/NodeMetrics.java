package dev.timeline.node;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.cluster.ClusterEvent.CurrentClusterState;
import akka.cluster.Member;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Complete;
import akka.http.javadsl.server.Route;
import akka.pattern.Patterns;
import dev.timeline.core.TimelineMetrics;
import dev.timeline.core.Users;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

/**
 * This node's metrics in the Prometheus text format, {@code GET /metrics/prometheus} on the
 * public port: HTTP requests and their latency per route template, method and status; the
 * strategy counters of {@link TimelineMetrics}, and its timings as histograms (fan-out lag, journal
 * write time) with journal write failures; cluster members by status as this node sees them;
 * shards and entities hosted here; and the JVM (memory, GC, threads, ...).
 *
 * <p>One instance per node over one registry, made at start and passed to {@link HttpServer}:
 * nothing here is static, so several nodes in one JVM (the tests) keep their numbers apart.
 * Everything except the HTTP instruments is read when scraped: the domain counters and the
 * cluster state from their own snapshots, the shard regions asked with {@code
 * timeline.metrics.sharding-timeout} (a region that does not answer in time is left out, and
 * {@code akka_sharding_state_available} says so).
 */
public final class NodeMetrics extends AllDirectives {

  /** Upper bounds of the latency buckets in seconds: 1 ms to the lab client's timeouts and past. */
  static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /**
   * Fan-out lag in seconds: a push delivery takes tens of ms; the fan-out polls the journal every
   * 100 ms, waits out a gap for 10 s, and a crashed author's node delays it by the failover.
   */
  static final double[] LAG_BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  /** Journal write time in seconds: under a millisecond on an idle H2 to the circuit breaker's call timeout. */
  static final double[] WRITE_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /** Every member status of Akka 2.6, so a status with no member shows as 0 rather than missing. */
  static final List<String> MEMBER_STATUSES = List.of(
      "Joining", "WeaklyUp", "Up", "Leaving", "Exiting", "Down", "Removed", "PreparingForShutdown", "ReadyForShutdown");

  private record Region(int shards, int entities) {}

  /** The last answers of the local shard regions; {@code complete}: every region answered in time. */
  private record Sharding(boolean complete, Map<String, Region> regions) {}

  private final ActorSystem<?> system;
  private final PrometheusRegistry registry;
  private final Duration shardingTimeout;
  private final Counter requests;
  private final Histogram latency;
  private final AtomicReference<Sharding> sharding = new AtomicReference<>(new Sharding(false, Map.of()));
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.builder().setIncludeCreatedTimestamps(false).build();
  private final ContentType contentType = ContentTypes.parse(PrometheusTextFormatWriter.CONTENT_TYPE);

  /** Registers this node's metrics in {@code registry}, which must not hold them already. */
  public NodeMetrics(ActorSystem<?> system, NodeSettings settings, PrometheusRegistry registry) {
    this.system = system;
    this.registry = registry;
    this.shardingTimeout = settings.metricsShardingTimeout();

    requests = Counter.builder().name("http_server_requests")
        .help("HTTP requests answered by this node's public API, by method, route template and status")
        .labelNames("method", "route", "status")
        .register(registry);
    latency = Histogram.builder().name("http_server_request_duration_seconds")
        .help("Time from a request's arrival to its response, by method, route template and status")
        .labelNames("method", "route", "status")
        .classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars()
        .register(registry);

    TimelineMetrics domain = TimelineMetrics.get(system);
    counter("timeline_posts", "Tweets the fan-out of this node handled", domain, TimelineMetrics.Counts::posts);
    counter("timeline_timeline_writes", "Home-timeline deliveries the fan-out of this node sent (push: one per follower)",
        domain, TimelineMetrics.Counts::timelineWrites);
    CounterWithCallback.builder().name("timeline_home_inserts")
        .help("Tweets added to home timelines on this node that were new to them (each follower and tweet once)")
        .callback(callback -> callback.call(domain.homeInserts()))
        .register(registry);
    CounterWithCallback.builder().name("timeline_fanout_deliveries_received")
        .help("Tweets that fan-out deliveries brought to user entities on this node, duplicates included")
        .callback(callback -> callback.call(domain.deliveriesReceived()))
        .register(registry);
    timed(domain);
    counter("timeline_home_reads", "Home-timeline reads served by this node", domain, TimelineMetrics.Counts::homeReads);
    counter("timeline_entities_asked", "User entities asked by this node's home reads (pull: one per followee)",
        domain, TimelineMetrics.Counts::entitiesAsked);
    counter("timeline_partial_reads", "Home reads that answered partial (a followee did not answer in time)",
        domain, TimelineMetrics.Counts::partialReads);

    GaugeWithCallback.builder().name("akka_cluster_members")
        .help("Cluster members by status, as this node sees the cluster")
        .labelNames("status")
        .callback(callback -> membersByStatus().forEach((status, n) -> callback.call(n, status)))
        .register(registry);
    GaugeWithCallback.builder().name("akka_cluster_unreachable_members")
        .help("Members this node's failure detector (or another member's) marks unreachable")
        .callback(callback -> callback.call(Cluster.get(system).state().getUnreachable().size()))
        .register(registry);
    GaugeWithCallback.builder().name("akka_sharding_shards")
        .help("Shards hosted on this node, by entity type")
        .labelNames("entity_type")
        .callback(callback -> sharding.get().regions().forEach((type, r) -> callback.call(r.shards(), type)))
        .register(registry);
    GaugeWithCallback.builder().name("akka_sharding_entities")
        .help("Entities running on this node, by entity type")
        .labelNames("entity_type")
        .callback(callback -> sharding.get().regions().forEach((type, r) -> callback.call(r.entities(), type)))
        .register(registry);
    GaugeWithCallback.builder().name("akka_sharding_state_available")
        .help("1 if every shard region of this node told its shards within timeline.metrics.sharding-timeout for this scrape")
        .callback(callback -> callback.call(sharding.get().complete() ? 1 : 0))
        .register(registry);

    JvmMetrics.builder().register(registry);
  }

  /** The core's measurements, into histograms (failures: a counter by reason, both shown from 0). */
  private void timed(TimelineMetrics domain) {
    Histogram lag = Histogram.builder().name("timeline_fanout_lag_seconds")
        .help("Time from a tweet's post to its arrival in a home timeline on this node (each follower and tweet once)")
        .classicOnly().classicUpperBounds(LAG_BUCKETS).withoutExemplars()
        .register(registry);
    Histogram writes = Histogram.builder().name("timeline_journal_write_duration_seconds")
        .help("Time from a user entity's command to its events being persisted, for the writes that succeeded")
        .classicOnly().classicUpperBounds(WRITE_BUCKETS).withoutExemplars()
        .register(registry);
    Counter failures = Counter.builder().name("timeline_journal_write_failures")
        .help("User entity writes that failed (reason=failed: an error or timeout; rejected: the journal refused the event)")
        .labelNames("reason")
        .register(registry);
    var failed = failures.labelValues("failed");
    var rejected = failures.labelValues("rejected");
    domain.timings(new TimelineMetrics.Timings() {
      @Override
      public void fanOutLag(long millis) {
        lag.observe(millis / 1e3);
      }

      @Override
      public void journalWrite(long nanos) {
        writes.observe(nanos / 1e9);
      }

      @Override
      public void journalWriteFailed(boolean isRejected) {
        (isRejected ? rejected : failed).inc();
      }
    });
  }

  private void counter(String name, String help, TimelineMetrics domain, ToLongFunction<TimelineMetrics.Counts> count) {
    CounterWithCallback.builder().name(name).help(help)
        .callback(callback -> callback.call(count.applyAsLong(domain.counts())))
        .register(registry);
  }

  private Map<String, Integer> membersByStatus() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    MEMBER_STATUSES.forEach(status -> counts.put(status, 0));
    CurrentClusterState state = Cluster.get(system).state();
    for (Member member : state.getMembers()) counts.merge(member.status().toString(), 1, Integer::sum);
    return counts;
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  /** {@code GET /metrics/prometheus}: asks the shard regions, then writes the registry. */
  public Route route() {
    return path(segment("metrics").slash("prometheus"), () -> get(() ->
        onSuccess(refreshSharding(), done -> complete(HttpResponse.create().withEntity(contentType, scrape())))));
  }

  /** The exposition text of the registry as it is now (without asking the shard regions). */
  public byte[] scrape() {
    var out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return out.toByteArray();
  }

  /**
   * Counts {@code inner}'s requests and times them up to the response, by method, route template
   * ({@link RouteTemplates}) and status. Wrap the outermost route, outside the rejection
   * handling, so that a 404 or 405 made from a rejection is counted as what the client saw.
   */
  public Route instrumented(Route inner) {
    return extractRequest(request -> {
      long start = System.nanoTime();
      String method = request.method().value();
      String route = RouteTemplates.of(request.getUri().path());
      return OnAnswer.run((done, failure) -> {
        String status = failure != null ? "500"
            : done instanceof Complete answered ? Integer.toString(answered.getResponse().status().intValue())
            : "rejected"; // not reached behind ApiError.handled, which answers every rejection
        requests.labelValues(method, route, status).inc();
        latency.labelValues(method, route, status).observe((System.nanoTime() - start) / 1e9);
      }, () -> inner);
    });
  }

  // ---- sharding -------------------------------------------------------------------------------

  /** Asks every shard region started on this node for its shards; never fails. */
  CompletionStage<Void> refreshSharding() {
    var classic = akka.cluster.sharding.ClusterSharding.get(Adapter.toClassic(system));
    List<String> types = new ArrayList<>(classic.getShardTypeNames());
    List<CompletableFuture<Region>> asks = new ArrayList<>();
    for (String type : types) {
      asks.add(Users.plain(Patterns.ask(classic.shardRegion(type), ShardRegion.getShardRegionStateInstance(), shardingTimeout),
              system.executionContext())
          .thenApply(reply -> {
            var state = (ShardRegion.CurrentShardRegionState) reply;
            int entities = state.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum();
            return new Region(state.getShards().size(), entities);
          })
          .toCompletableFuture()
          .exceptionally(timedOut -> null));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenAccept(all -> {
      Map<String, Region> regions = new TreeMap<>();
      for (int i = 0; i < types.size(); i++) {
        Region region = asks.get(i).join();
        if (region != null) regions.put(types.get(i), region);
      }
      sharding.set(new Sharding(regions.size() == types.size(), regions));
    });
  }
}
