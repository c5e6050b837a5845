package dev.timeline.lab.dash;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The service as users see it, from the nodes' cumulative Prometheus counters: each poll's
 * samples minus the previous poll's, per node, summed over the nodes. Requests/s and 5xx/s per
 * operation (method and route template, the API's only: the dashboard's own polls of /cluster,
 * /health and /metrics are left out) and p50/p99 from the latency histogram's buckets,
 * interpolated within a bucket as Prometheus' histogram_quantile does. The fan-out lag is one
 * more operation, {@link #LAG}: deliveries/s and their lag's p50/p99.
 */
final class Traffic {
  static final String REQUESTS = "http_server_requests_total";
  static final String BUCKETS = "http_server_request_duration_seconds_bucket";
  /** The fan-out lag histogram, read as one more operation under this name: its count and buckets. */
  static final String LAG = "fan-out lag";
  static final String LAG_COUNT = "timeline_fanout_lag_seconds_count";
  static final String LAG_BUCKETS = "timeline_fanout_lag_seconds_bucket";

  /** One operation's cumulative counts on one node. */
  static final class Counts {
    double requests;
    double errors;
    /** Cumulative bucket counts by upper bound (seconds), +Inf included. */
    final NavigableMap<Double, Double> buckets = new TreeMap<>();
  }

  /** One operation over one poll interval, summed over the nodes. */
  record Op(double perSecond, double errorsPerSecond, Double p50Ms, Double p99Ms, long requests) {}

  /** The counts of one node's scrape, by operation. */
  static Map<String, Counts> counts(List<PromText.Sample> samples) {
    Map<String, Counts> byOp = new HashMap<>();
    for (PromText.Sample s : samples) {
      boolean lag = s.name().equals(LAG_COUNT) || s.name().equals(LAG_BUCKETS);
      boolean requests = s.name().equals(REQUESTS) || s.name().equals(LAG_COUNT);
      boolean bucket = s.name().equals(BUCKETS) || s.name().equals(LAG_BUCKETS);
      if (!requests && !bucket) continue;
      String route = s.label("route");
      if (!lag && !route.startsWith("/users")) continue;
      Counts c = byOp.computeIfAbsent(lag ? LAG : s.label("method") + " " + route, k -> new Counts());
      if (requests) {
        c.requests += s.value();
        if (s.label("status").startsWith("5")) c.errors += s.value();
      } else {
        double le = s.label("le").equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(s.label("le"));
        c.buckets.merge(le, s.value(), Double::sum);
      }
    }
    return byOp;
  }

  /** One node's scrape: its counts by operation, and when they were taken. */
  record Scrape(Map<String, Counts> counts, long atNanos) {}

  /** Per node, its previous scrape. */
  private final Map<Integer, Scrape> previous = new HashMap<>();

  /**
   * Takes the latest scrape of each node that answered lately and returns the operations since
   * the previous step: per node, its counts minus those of its previous scrape over the time
   * between the two, summed over the nodes. A node whose scrape is not newer adds nothing this
   * step; a node missing starts again from its next scrape; a node whose counter went down
   * restarted, and its counts since then are the new ones.
   */
  Map<String, Op> step(Map<Integer, Scrape> latest) {
    Map<String, Counts> delta = new TreeMap<>();
    Map<String, double[]> rates = new HashMap<>();  // per operation: requests/s, errors/s
    for (var node : latest.entrySet()) {
      Scrape before = previous.get(node.getKey()), now = node.getValue();
      if (before != null && before.atNanos() == now.atNanos()) continue;
      previous.put(node.getKey(), now);
      if (before == null) continue;
      double seconds = Math.max(1e-3, (now.atNanos() - before.atNanos()) / 1e9);
      for (var op : now.counts().entrySet()) {
        Counts was = before.counts().get(op.getKey());
        Counts is = op.getValue();
        boolean fromZero = was == null || is.requests < was.requests;
        double requests = is.requests - (fromZero ? 0 : was.requests);
        double errors = Math.max(0, is.errors - (fromZero ? 0 : was.errors));
        Counts d = delta.computeIfAbsent(op.getKey(), k -> new Counts());
        d.requests += requests;
        d.errors += errors;
        double[] r = rates.computeIfAbsent(op.getKey(), k -> new double[2]);
        r[0] += requests / seconds;
        r[1] += errors / seconds;
        for (var b : is.buckets.entrySet()) {
          double old = fromZero ? 0 : was.buckets.getOrDefault(b.getKey(), 0.0);
          d.buckets.merge(b.getKey(), Math.max(0, b.getValue() - old), Double::sum);
        }
      }
    }
    previous.keySet().retainAll(latest.keySet());
    Map<String, Op> ops = new TreeMap<>();
    delta.forEach((op, d) -> ops.put(op, new Op(rates.get(op)[0], rates.get(op)[1],
        quantileMs(d.buckets, 0.5), quantileMs(d.buckets, 0.99), Math.round(d.requests))));
    return ops;
  }

  /** The q-quantile in milliseconds of cumulative buckets; null without observations. */
  static Double quantileMs(NavigableMap<Double, Double> cumulative, double q) {
    if (cumulative.isEmpty()) return null;
    double total = cumulative.lastEntry().getValue();
    if (total <= 0) return null;
    double rank = q * total, lower = 0, below = 0;
    for (var b : cumulative.entrySet()) {
      if (b.getValue() >= rank) {
        if (b.getKey().isInfinite()) return lower * 1000;  // above the highest finite bound
        double inBucket = b.getValue() - below;
        double fraction = inBucket <= 0 ? 1 : (rank - below) / inBucket;
        return (lower + (b.getKey() - lower) * fraction) * 1000;
      }
      lower = b.getKey();
      below = b.getValue();
    }
    return lower * 1000;
  }
}
