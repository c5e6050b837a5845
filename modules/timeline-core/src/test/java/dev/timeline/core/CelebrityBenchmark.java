package dev.timeline.core;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * DDIA's celebrity problem on the in-JVM 3-node cluster (H2 journal): one user followed by
 * {@code followers} others posts every {@code interval-ms}, while followers read their home
 * timelines at {@code reads-per-second}. Per strategy it prints the post's latency (until
 * acknowledged: durable), how long until the post is in every follower's timeline (push: the
 * fan-out's last write; hybrid: at once, the readers gather it), timeline writes per post, and
 * home-read latency with the entities each read asked. Latencies count from the intended send time.
 *
 * <pre>scripts/bench-celebrity [followers=100000] [posts=10] [interval-ms=2000] [reads-per-second=50] [strategies=push,hybrid]</pre>
 */
public final class CelebrityBenchmark {

  public static void main(String[] args) throws Exception {
    int followers = FanOutBenchmark.arg(args, 0, 100_000);
    int posts = FanOutBenchmark.arg(args, 1, 10);
    int intervalMs = FanOutBenchmark.arg(args, 2, 2000);
    int readsPerSecond = FanOutBenchmark.arg(args, 3, 50);
    List<String> strategies = List.of((args.length > 4 ? args[4] : "push,hybrid").split(","));
    System.out.printf("celebrity benchmark: 3 nodes in one JVM, H2 journal, one user with %d followers posts %d times every %d ms; %d home reads/s%n",
        followers, posts, intervalMs, readsPerSecond);
    List<String> results = new ArrayList<>();
    for (String strategy : strategies) {
      results.add(run(strategy.strip(), followers, posts, intervalMs, readsPerSecond));
      System.out.print(results.get(results.size() - 1));
    }
    // Printed last: shutting a cluster down logs a screenful of closed connections.
    System.out.println();
    results.forEach(System.out::print);
  }

  private static String run(String strategy, int followers, int posts, int intervalMs, int readsPerSecond) throws Exception {
    System.out.printf("%n== %s: setting up ==%n", strategy);
    StringBuilder out = new StringBuilder("== " + strategy + " ==\n");
    try (LocalCluster cluster = LocalCluster.start(3, ConfigFactory.parseString(
        "akka.loglevel = WARNING\ntimeline.fan-out.strategy = " + strategy + "\ntimeline.fan-out.hybrid-threshold = 1000\n"))) {
      List<Users> clients = cluster.liveNodes().stream().map(i -> cluster.users(i, Duration.ofSeconds(30))).toList();
      Users users = clients.get(0);
      List<String> fans = new ArrayList<>(followers);
      for (int i = 0; i < followers; i++) fans.add("fan" + i);

      long t0 = System.nanoTime();
      users.register("celebrity", "Celebrity").toCompletableFuture().join();
      FanOutBenchmark.bounded(followers, 500, i -> clients.get(i % 3).register(fans.get(i), "Fan " + i), "registered followers");
      FanOutBenchmark.bounded(followers, 500, i -> clients.get(i % 3).importFollowing(fans.get(i), List.of("celebrity")), "imported follows");
      int chunk = 5000;
      FanOutBenchmark.bounded((followers + chunk - 1) / chunk, 4, i -> users.importFollowers("celebrity",
          fans.subList(i * chunk, Math.min(followers, (i + 1) * chunk))), "imported followers (chunks)");
      if (strategy.equals("hybrid")) { // the fan-out tells every follower to pull, in id order: wait for the last
        String last = fans.stream().max(String::compareTo).orElseThrow();
        LocalCluster.await(Duration.ofMinutes(10), () -> StrategiesTest.pullFrom(users, last).contains("celebrity"),
            "every follower pulls from the celebrity");
      }
      out.append(String.format("  set up in %.0f s%n", (System.nanoTime() - t0) / 1e9));

      TimelineMetrics.Counts before = StrategiesTest.counts(cluster);
      ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
      ConcurrentLinkedQueue<long[]> postTimes = new ConcurrentLinkedQueue<>(); // {due, acked}
      ConcurrentLinkedQueue<Long> readLatencies = new ConcurrentLinkedQueue<>();
      Random random = new Random(7);
      long start = System.nanoTime() + 1_000_000_000L;
      for (int p = 0; p < posts; p++) {
        long due = start + (long) p * intervalMs * 1_000_000L;
        int n = p;
        clock.schedule(() -> users.post("celebrity", "celebrity post " + n, Optional.empty())
                .whenComplete((t, e) -> postTimes.add(new long[] {due, e == null ? System.nanoTime() : -1})),
            due - System.nanoTime(), TimeUnit.NANOSECONDS);
      }
      long readPeriod = 1_000_000_000L / readsPerSecond;
      long readsEnd = start + (long) posts * intervalMs * 1_000_000L;
      int reads = (int) ((readsEnd - start) / readPeriod);
      for (int r = 0; r < reads; r++) {
        long due = start + r * readPeriod;
        String reader = fans.get(random.nextInt(followers));
        Users client = clients.get(r % 3);
        clock.schedule(() -> client.homeTimeline(reader, 20, Optional.empty())
                .whenComplete((page, e) -> readLatencies.add(e == null ? System.nanoTime() - due : -1L)),
            due - System.nanoTime(), TimeUnit.NANOSECONDS);
      }
      // The fan-out counts a post once every delivery of it is acknowledged.
      long[] fannedOutAt = new long[posts];
      int seen = 0;
      while (seen < posts && System.nanoTime() < readsEnd + Duration.ofMinutes(15).toNanos()) {
        long done = StrategiesTest.counts(cluster).posts() - before.posts();
        while (seen < Math.min(done, posts)) fannedOutAt[seen++] = System.nanoTime();
        Thread.sleep(20);
      }
      clock.shutdown();
      clock.awaitTermination(2, TimeUnit.MINUTES);
      // The clock only starts the asks: wait for the last answers, so none goes uncounted.
      long answersDue = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while ((postTimes.size() < posts || readLatencies.size() < reads) && System.nanoTime() < answersDue) Thread.sleep(20);
      TimelineMetrics.Counts after = StrategiesTest.counts(cluster);

      long[] acked = postTimes.stream().filter(t -> t[1] > 0).mapToLong(t -> t[1] - t[0]).sorted().toArray();
      long[] sortedDue = postTimes.stream().mapToLong(t -> t[0]).sorted().toArray();
      long[] visible = new long[seen];
      for (int i = 0; i < seen; i++) visible[i] = fannedOutAt[i] - sortedDue[i];
      Arrays.sort(visible);
      long[] readNs = readLatencies.stream().filter(l -> l >= 0).mapToLong(Long::longValue).sorted().toArray();
      long failedReads = readLatencies.stream().filter(l -> l < 0).count();
      long dPosts = after.posts() - before.posts(), dReads = after.homeReads() - before.homeReads();
      double writesPerPost = dPosts == 0 ? 0.0 : (after.timelineWrites() - before.timelineWrites()) / (double) dPosts;
      out.append(String.format("  posts: %d acknowledged of %d; latency p50 %s p99 %s max %s%n",
          acked.length, posts, ms(pct(acked, 50)), ms(pct(acked, 99)), ms(pct(acked, 100))));
      out.append(writesPerPost > 0
          ? String.format("  in every follower's timeline (the fan-out's last write) after p50 %s max %s; %d of %d fanned out%n",
              ms(pct(visible, 50)), ms(pct(visible, 100)), seen, posts)
          : "  in every follower's timeline once acknowledged: readers gather it\n");
      out.append(String.format("  timeline writes per post: %.0f%n", writesPerPost));
      out.append(String.format("  home reads: %d ok, %d failed, %d unanswered; latency p50 %s p99 %s max %s; entities asked per read %.1f%n",
          readNs.length, failedReads, reads - readLatencies.size(), ms(pct(readNs, 50)), ms(pct(readNs, 99)), ms(pct(readNs, 100)),
          dReads == 0 ? 0.0 : (after.entitiesAsked() - before.entitiesAsked()) / (double) dReads));
    }
    return out.toString();
  }

  private static long pct(long[] sorted, double p) {
    if (sorted.length == 0) return -1;
    int rank = (int) Math.ceil(p / 100 * sorted.length); // nearest-rank percentile
    return sorted[Math.max(0, rank - 1)];
  }

  private static String ms(long nanos) {
    return nanos < 0 ? "-" : String.format("%.0f ms", nanos / 1e6);
  }
}
