package dev.timeline.lab.dash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The dashboard's reading of the nodes' Prometheus text, and the traffic between two scrapes. */
class TrafficTest {
  /** A node's scrape of timeline reads: n answers 200 in {@code fast}.. buckets, e 503s. */
  static String scrape(long fastOk, long slowOk, long errors) {
    String route = "method=\"GET\",route=\"/users/{id}/timeline\"";
    return """
        # HELP http_server_requests_total HTTP requests answered
        # TYPE http_server_requests_total counter
        http_server_requests_total{%1$s,status="200"} %5$d
        http_server_requests_total{%1$s,status="503"} %4$d
        http_server_requests_total{method="GET",route="/metrics/prometheus",status="200"} 99
        http_server_request_duration_seconds_bucket{le="0.01",%1$s,status="200"} %2$d
        http_server_request_duration_seconds_bucket{le="0.1",%1$s,status="200"} %2$d
        http_server_request_duration_seconds_bucket{le="1.0",%1$s,status="200"} %5$d
        http_server_request_duration_seconds_bucket{le="+Inf",%1$s,status="200"} %5$d
        http_server_request_duration_seconds_bucket{le="0.01",%1$s,status="503"} 0
        http_server_request_duration_seconds_bucket{le="0.1",%1$s,status="503"} 0
        http_server_request_duration_seconds_bucket{le="1.0",%1$s,status="503"} %4$d
        http_server_request_duration_seconds_bucket{le="+Inf",%1$s,status="503"} %4$d
        akka_sharding_shards{entity_type="User"} 7.0
        akka_cluster_members{status="Up"} 3.0
        """.formatted(route, fastOk, slowOk, errors, fastOk + slowOk);
  }

  @Test
  void parsesSamplesWithLabels() {
    List<PromText.Sample> samples = PromText.parse(scrape(10, 0, 0) + "weird{a=\"x\\\"y\"} 1 1700000000000\nbroken{a=} 3\n");
    assertTrue(samples.stream().anyMatch(s -> s.name().equals("akka_sharding_shards") && s.label("entity_type").equals("User") && s.value() == 7));
    assertTrue(samples.stream().anyMatch(s -> s.name().equals("http_server_request_duration_seconds_bucket")
        && s.label("le").equals("+Inf") && s.label("status").equals("200")));
    assertTrue(samples.stream().anyMatch(s -> s.name().equals("weird") && s.label("a").equals("x\"y") && s.value() == 1));
    assertTrue(samples.stream().noneMatch(s -> s.name().equals("broken")));
  }

  @Test
  void ratesAndPercentilesAreThoseBetweenScrapes() {
    Traffic traffic = new Traffic();
    long s = 1_000_000_000L;
    // Two nodes; the first poll is the baseline.
    assertTrue(traffic.step(Map.of(1, at(scrape(100, 0, 0), 0), 2, at(scrape(50, 0, 0), 0))).isEmpty());
    // In the next 2 s: node 1 answered 90 fast and 10 slow reads and 20 errors (over 2 s); node 2 40 fast (over 1 s).
    Map<String, Traffic.Op> ops = traffic.step(Map.of(1, at(scrape(190, 10, 20), 2 * s), 2, at(scrape(90, 0, 0), s)));
    Traffic.Op read = ops.get("GET /users/{id}/timeline");
    assertEquals(1, ops.size(), "the API's operations only: " + ops.keySet());
    assertEquals((100 + 20) / 2.0 + 40, read.perSecond(), 1e-9);
    assertEquals(10, read.errorsPerSecond(), 1e-9);
    assertEquals(160, read.requests());
    // 130 fast (<= 10 ms) of 160: p50 in the first bucket, p99 among the 30 slow ones in 0.1..1 s.
    assertTrue(read.p50Ms() > 0 && read.p50Ms() <= 10, "p50 " + read.p50Ms());
    assertTrue(read.p99Ms() > 100 && read.p99Ms() <= 1000, "p99 " + read.p99Ms());
    // A node that restarted (its counters went down) counts from zero; one not newer adds nothing.
    ops = traffic.step(Map.of(1, at(scrape(5, 0, 0), 3 * s), 2, at(scrape(90, 0, 0), s)));
    assertEquals(5, ops.get("GET /users/{id}/timeline").perSecond(), 1e-9);
  }

  /** A node's fan-out lag histogram: {@code fast} deliveries within 50 ms, {@code slow} in 1..2.5 s. */
  static String lags(long fast, long slow) {
    return """
        # TYPE timeline_fanout_lag_seconds histogram
        timeline_fanout_lag_seconds_bucket{le="0.05"} %1$d
        timeline_fanout_lag_seconds_bucket{le="1.0"} %1$d
        timeline_fanout_lag_seconds_bucket{le="2.5"} %2$d
        timeline_fanout_lag_seconds_bucket{le="+Inf"} %2$d
        timeline_fanout_lag_seconds_count %2$d
        timeline_fanout_lag_seconds_sum 1.0
        """.formatted(fast, fast + slow);
  }

  @Test
  void theFanOutLagIsReadAsItsOwnOperation() {
    Traffic traffic = new Traffic();
    long s = 1_000_000_000L;
    traffic.step(Map.of(1, at(scrape(0, 0, 0) + lags(10, 0), 0)));
    // In 1 s: 98 deliveries within 50 ms, 2 of 1..2.5 s.
    Traffic.Op lag = traffic.step(Map.of(1, at(scrape(0, 0, 0) + lags(108, 2), s))).get(Traffic.LAG);
    assertEquals(100, lag.requests());
    assertEquals(100, lag.perSecond(), 1e-9);
    assertEquals(0, lag.errorsPerSecond(), 1e-9);
    assertTrue(lag.p50Ms() > 0 && lag.p50Ms() <= 50, "p50 " + lag.p50Ms());
    assertTrue(lag.p99Ms() > 1000 && lag.p99Ms() <= 2500, "p99 " + lag.p99Ms());
  }

  @Test
  void quantilesInterpolateWithinTheirBucket() {
    TreeMap<Double, Double> buckets = new TreeMap<>(Map.of(0.01, 0.0, 0.02, 100.0, Double.POSITIVE_INFINITY, 100.0));
    assertEquals(15, Traffic.quantileMs(buckets, 0.5), 1e-9);
    assertNull(Traffic.quantileMs(new TreeMap<>(Map.of(Double.POSITIVE_INFINITY, 0.0)), 0.5));
    assertEquals(20, Traffic.quantileMs(new TreeMap<>(Map.of(0.02, 1.0, Double.POSITIVE_INFINITY, 100.0)), 0.99), 1e-9,
        "above the highest finite bound: that bound");
  }

  private static Traffic.Scrape at(String text, long nanos) {
    return new Traffic.Scrape(Traffic.counts(PromText.parse(text)), nanos);
  }
}
