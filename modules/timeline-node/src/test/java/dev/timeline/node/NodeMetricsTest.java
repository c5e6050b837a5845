package dev.timeline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import dev.timeline.core.TimelineSettings;
import dev.timeline.core.Users;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics/prometheus} of a real one-node cluster (in-memory H2 journal, real fan-out)
 * served by {@link HttpServer} as a node serves it, read over loopback and parsed as the
 * Prometheus text format ({@link PrometheusText}), not searched for names.
 */
class NodeMetricsTest {
  private static final AtomicInteger ids = new AtomicInteger();
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String REQUESTS = "http_server_requests_total";
  private static final String LATENCY = "http_server_request_duration_seconds";

  private static ActorSystem<Void> system;
  private static URI base;

  @BeforeAll
  static void startNode() throws Exception {
    system = TimelineRoutesTest.singleNode();
    var settings = NodeSettings.of(system.settings().config());
    var metrics = new NodeMetrics(system, settings, new PrometheusRegistry());
    int port = HttpServer.start(system, settings, new Users(system, settings.core()), "127.0.0.1", 0, metrics).toCompletableFuture().get(10, TimeUnit.SECONDS)
        .localAddress().getPort();
    base = URI.create("http://127.0.0.1:" + port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (send("GET", "/health", null).statusCode() != 200) {
      if (System.nanoTime() > deadline) throw new AssertionError("the node did not become healthy");
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stopNode() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void answersTheTextFormatWithItsContentType() throws Exception {
    HttpResponse<String> response = send("GET", "/metrics/prometheus", null);
    assertEquals(200, response.statusCode());
    // type/subtype; param=value; ... (names and the charset's value are case-insensitive)
    String[] contentType = response.headers().firstValue("Content-Type").orElseThrow().split(";");
    Map<String, String> params = new HashMap<>();
    for (int i = 1; i < contentType.length; i++) {
      String[] param = contentType[i].trim().split("=", 2);
      params.put(param[0].toLowerCase(Locale.ROOT), param[1]);
    }
    assertEquals("text/plain", contentType[0].trim().toLowerCase(Locale.ROOT));
    assertEquals(Map.of("version", "0.0.4", "charset", "utf-8"),
        Map.of("version", params.get("version"), "charset", params.get("charset").toLowerCase(Locale.ROOT)));
    PrometheusText parsed = PrometheusText.parse(response.body());
    assertEquals("counter", parsed.types.get(REQUESTS));
    assertEquals("histogram", parsed.types.get(LATENCY));
  }

  @Test
  void countsRequestsPerRouteTemplateAndStatusNotPerPath() throws Exception {
    String alice = register("alice");
    Map<String, String> ok = Map.of("method", "GET", "route", "/users/{id}/timeline", "status", "200");
    PrometheusText before = scrape();
    int n = 7;
    for (int i = 0; i < n; i++) assertEquals(200, send("GET", "/users/" + alice + "/timeline", null).statusCode());
    PrometheusText after = scrape();

    assertEquals(n, after.count(REQUESTS, ok) - before.count(REQUESTS, ok));
    assertEquals(n, after.count(LATENCY + "_count", ok) - before.count(LATENCY + "_count", ok));
    assertTrue(after.value(LATENCY + "_sum", ok) > 0);
    // The route label is the template, and no label anywhere carries the user's id.
    for (PrometheusText.Sample s : after.samples)
      assertFalse(s.labels().values().stream().anyMatch(v -> v.contains(alice)), s.toString());
    assertTrue(after.series(REQUESTS).stream().anyMatch(s -> s.labels().get("route").equals("/users/{id}/timeline")));
  }

  /**
   * Counted, admitted and answered, a request starts no thread of its own. Failed when the
   * metrics' and the in-progress count's callbacks ran as scala-java8-compat's whenCompleteAsync:
   * on 2 cores, a new thread per callback (see OnAnswer).
   */
  @Test
  void servingRequestsStartsNoThreadPerRequest() throws Exception {
    String carol = register("carol");
    for (int i = 0; i < 20; i++) send("GET", "/users/" + carol + "/timeline", null); // connections and pools set up
    int n = 200;
    long before = java.lang.management.ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
    for (int i = 0; i < n; i++) {
      assertEquals(200, send("GET", "/health", null).statusCode());
      assertEquals(200, send("GET", "/users/" + carol + "/timeline", null).statusCode());
    }
    long started = java.lang.management.ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before;
    assertTrue(started < n / 4, started + " threads started for " + 2 * n + " requests");
  }

  @Test
  void aFailingRequestCountsUnderItsStatus() throws Exception {
    String nobody = "nobody-" + ids.incrementAndGet(); // never registered
    Map<String, String> notFound = Map.of("method", "GET", "route", "/users/{id}", "status", "404");
    Map<String, String> found = Map.of("method", "GET", "route", "/users/{id}", "status", "200");
    Map<String, String> unknownPath = Map.of("method", "GET", "route", RouteTemplates.UNMATCHED, "status", "404");
    Map<String, String> wrongMethod = Map.of("method", "PUT", "route", "/health", "status", "405");
    PrometheusText before = scrape();
    int n = 3;
    for (int i = 0; i < n; i++) assertEquals(404, send("GET", "/users/" + nobody, null).statusCode());
    assertEquals(404, send("GET", "/no/such/" + nobody, null).statusCode());
    assertEquals(405, send("PUT", "/health", "").statusCode());
    PrometheusText after = scrape();

    assertEquals(n, after.count(REQUESTS, notFound) - before.count(REQUESTS, notFound));
    assertEquals(0, after.count(REQUESTS, found) - before.count(REQUESTS, found));
    assertEquals(1, after.count(REQUESTS, unknownPath) - before.count(REQUESTS, unknownPath));
    assertEquals(1, after.count(REQUESTS, wrongMethod) - before.count(REQUESTS, wrongMethod));
  }

  @Test
  void exposesDomainClusterShardingAndJvmMetrics() throws Exception {
    String bob = register("bob");
    double postsBefore = scrape().count("timeline_posts_total", Map.of());
    assertEquals(201, send("POST", "/users/" + bob + "/tweets", "{\"text\":\"hello\"}").statusCode());
    assertEquals(200, send("GET", "/users/" + bob + "/timeline", null).statusCode());

    PrometheusText m = awaitScrape(p -> p.count("timeline_posts_total", Map.of()) > postsBefore);
    for (String counter : new String[] {"timeline_posts_total", "timeline_timeline_writes_total", "timeline_home_reads_total",
        "timeline_entities_asked_total", "timeline_partial_reads_total"}) {
      assertEquals("counter", m.types.get(counter), counter);
      assertEquals(1, m.series(counter).size(), counter);
    }
    assertTrue(m.count("timeline_home_reads_total", Map.of()) >= 1);

    assertEquals("gauge", m.types.get("akka_cluster_members"));
    assertEquals(1, m.value("akka_cluster_members", Map.of("status", "Up")));
    assertEquals(0, m.value("akka_cluster_members", Map.of("status", "Down")));
    assertEquals(0, m.value("akka_cluster_unreachable_members", Map.of()));

    assertEquals(1, m.value("akka_sharding_state_available", Map.of()));
    assertTrue(m.value("akka_sharding_shards", Map.of("entity_type", "User")) >= 1, m.series("akka_sharding_shards").toString());
    assertTrue(m.value("akka_sharding_entities", Map.of("entity_type", "User")) >= 1);

    assertTrue(m.value("jvm_memory_used_bytes", Map.of("area", "heap")) > 0);
    assertTrue(m.value("jvm_threads_current", Map.of()) > 0);
    assertFalse(m.series("jvm_gc_collection_seconds_count").isEmpty(), "GC metrics");
  }

  /**
   * Posts of an author with three followers move every fan-out and journal series: the lag
   * histogram by one observation per follower and tweet, the write histogram by each post, the
   * deliveries received at least as much; the failure counter is there for both reasons.
   */
  @Test
  void fanOutLagAndJournalWritesChangeUnderLoad() throws Exception {
    String author = register("author");
    String[] followers = {register("f"), register("f"), register("f")};
    for (String f : followers) assertEquals(204, send("PUT", "/users/" + f + "/following/" + author, null).statusCode());
    PrometheusText before = scrape();
    assertEquals("histogram", before.types.get("timeline_fanout_lag_seconds"));
    assertEquals("histogram", before.types.get("timeline_journal_write_duration_seconds"));
    assertEquals("counter", before.types.get("timeline_journal_write_failures_total"));
    assertEquals("counter", before.types.get("timeline_fanout_deliveries_received_total"));
    for (String reason : new String[] {"failed", "rejected"})
      assertEquals(0, before.value("timeline_journal_write_failures_total", Map.of("reason", reason)), reason);
    for (double le : NodeMetrics.LAG_BUCKETS)
      assertTrue(before.series("timeline_fanout_lag_seconds_bucket").stream()
          .anyMatch(s -> Double.parseDouble(s.labels().get("le")) == le), "bucket " + le);

    int posts = 5;
    for (int i = 0; i < posts; i++)
      assertEquals(201, send("POST", "/users/" + author + "/tweets", "{\"text\":\"lag " + i + "\"}").statusCode());
    int deliveries = posts * followers.length;
    double lagsBefore = before.count("timeline_fanout_lag_seconds_count", Map.of());
    PrometheusText after = awaitScrape(p -> p.count("timeline_fanout_lag_seconds_count", Map.of()) - lagsBefore >= deliveries);

    assertEquals(deliveries, after.count("timeline_fanout_lag_seconds_count", Map.of()) - lagsBefore, "one lag per follower and tweet");
    double lagSum = after.value("timeline_fanout_lag_seconds_sum", Map.of()) - before.value("timeline_fanout_lag_seconds_sum", Map.of());
    assertTrue(lagSum > 0 && lagSum < deliveries * 10.0, "lags between 0 and 10 s: " + lagSum);
    assertTrue(after.count("timeline_fanout_deliveries_received_total", Map.of())
        - before.count("timeline_fanout_deliveries_received_total", Map.of()) >= deliveries);
    assertTrue(after.count("timeline_journal_write_duration_seconds_count", Map.of())
        - before.count("timeline_journal_write_duration_seconds_count", Map.of()) >= posts, "each post is a timed write");
    assertTrue(after.value("timeline_journal_write_duration_seconds_sum", Map.of())
        > before.value("timeline_journal_write_duration_seconds_sum", Map.of()));
  }

  @Test
  void templatesNeverLetAPathThrough() {
    assertEquals("/users/{id}/timeline", RouteTemplates.of("/users/alice/timeline"));
    assertEquals("/users/{id}/following/{other}", RouteTemplates.of("/users/a/following/b"));
    assertEquals("/users/{id}", RouteTemplates.of("/users/alice"));
    assertEquals("/wrk2-api/home-timeline/read", RouteTemplates.of("/wrk2-api/home-timeline/read"));
    for (String other : new String[] {"/", "", "/users/", "/users//timeline", "/users/a/b/c", "/alice", "/users/a/timeline/"})
      assertEquals(RouteTemplates.UNMATCHED, RouteTemplates.of(other), other);
  }

  @Test
  void theParserRefusesWhatPrometheusWould() {
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("x 1\n"), "no TYPE");
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# TYPE x gauge\nx{a=b} 1\n"), "unquoted");
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# TYPE x gauge\nx one\n"), "value");
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# TYPE x gauge\nx 1\nx 2\n"), "twice");
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 0.5\n"), "not cumulative");
    var ok = PrometheusText.parse("# HELP x a \\\"x\\\"\n# TYPE x gauge\nx{a=\"q\\\"\\\\\",b=\"\"} -1.5e3 1700000000000\n");
    assertEquals(-1500, ok.value("x", Map.of("a", "q\"\\", "b", "")));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static String register(String name) throws Exception {
    String id = name + "-" + ids.incrementAndGet();
    HttpResponse<String> r = send("POST", "/users", "{\"id\":\"" + id + "\",\"name\":\"" + name + "\"}");
    assertEquals(201, r.statusCode(), r.body());
    return id;
  }

  private static PrometheusText scrape() throws Exception {
    HttpResponse<String> response = send("GET", "/metrics/prometheus", null);
    assertEquals(200, response.statusCode());
    return PrometheusText.parse(response.body());
  }

  private static PrometheusText awaitScrape(java.util.function.Predicate<PrometheusText> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      PrometheusText m = scrape();
      if (done.test(m)) return m;
      if (System.nanoTime() > deadline) throw new AssertionError("metrics did not change in time");
      Thread.sleep(100);
    }
  }

  private static HttpResponse<String> send(String method, String path, String json) throws Exception {
    var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
    if (json == null) request.method(method, HttpRequest.BodyPublishers.noBody());
    else request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    return http.send(request.build(), BodyHandlers.ofString());
  }
}
