package dev.timeline.core;

import com.typesafe.config.ConfigFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * Sustained push fan-out on the in-JVM 3-node cluster with the H2 journal: how many durable
 * home-timeline deliveries per second. A delivery counts once its TimelineDelivered event is in
 * the journal; at the end of each round the count must equal followers x posts exactly (nothing
 * lost, nothing twice).
 *
 * <pre>scripts/bench-fanout [--journal-url URL] [users] [follows-per-user] [posts-per-round] [rounds]</pre>
 *
 * <p>The journal is a fresh in-memory H2 database unless {@code --journal-url} names another
 * (such as an H2 file, to measure what durability costs); it must hold no events yet.
 */
public final class FanOutBenchmark {
  private static final String DELIVERED_MANIFEST = UserEntity.TimelineDelivered.class.getName();

  public static void main(String[] options) throws Exception {
    Optional<String> journal = Optional.empty();
    String[] args = options;
    if (options.length >= 2 && options[0].equals("--journal-url")) {
      journal = Optional.of(options[1]);
      args = Arrays.copyOfRange(options, 2, options.length);
    }
    int users = arg(args, 0, 10_000);
    int followsPerUser = arg(args, 1, 75);
    int postsPerRound = arg(args, 2, 4_000);
    int rounds = arg(args, 3, 3);
    System.out.printf("fan-out benchmark: 3 nodes in one JVM, %s journal, %d users following %d each, %d posts x %d rounds%n",
        journal.orElse("in-memory H2"), users, followsPerUser, postsPerRound, rounds);

    String overrides = "akka.loglevel = WARNING\n"
        + journal.map(url -> "timeline.journal.url = " + com.typesafe.config.ConfigUtil.quoteString(url) + "\n").orElse("");
    try (LocalCluster cluster = LocalCluster.start(3, ConfigFactory.parseString(overrides))) {
      String journalUrl = cluster.node(0).settings().config().getString("timeline.journal.url");
      if (count(journalUrl, UserEntity.Registered.class.getName()) > 0)
        throw new IllegalStateException("the journal at " + journalUrl + " already holds users: give a fresh database");
      List<Users> clients = cluster.liveNodes().stream().map(i -> new Users(cluster.node(i), Duration.ofSeconds(30))).toList();
      IntFunction<Users> client = i -> clients.get(i % clients.size());
      Random random = new Random(42);

      long t0 = System.nanoTime();
      bounded(users, 500, i -> client.apply(i).register("u" + i, "User " + i), "registered users");
      int[] followers = new int[users];
      List<int[]> follows = new ArrayList<>();
      for (int u = 0; u < users; u++) {
        int follower = u;
        for (int followee : random.ints(0, users).filter(x -> x != follower).distinct().limit(followsPerUser).toArray()) {
          follows.add(new int[] {follower, followee});
          followers[followee]++;
        }
      }
      bounded(follows.size(), 1000, i -> client.apply(i).follow("u" + follows.get(i)[0], "u" + follows.get(i)[1]), "follows");
      // Every Followed event also travels through the fan-out (it is how the followee's side is
      // guaranteed); let the projections get through that backlog so the rounds time posts only.
      LocalCluster.await(Duration.ofMinutes(30), () -> {
        long behind = fanOutBacklog(journalUrl);
        System.out.printf("\r  fan-out backlog after setup: %d events   ", behind);
        return behind == 0;
      }, "the fan-out to catch up with the setup");
      System.out.printf("%nsetup: %d users, %d follows in %.1f s%n", users, follows.size(), (System.nanoTime() - t0) / 1e9);

      double[] rates = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        int[] authors = random.ints(postsPerRound, 0, users).toArray();
        long expected = Arrays.stream(authors).mapToLong(a -> followers[a]).sum();
        long before = count(journalUrl, DELIVERED_MANIFEST);
        long start = System.nanoTime();
        int r = round;
        bounded(postsPerRound, 200, i -> client.apply(i).post("u" + authors[i], "round " + r + " post " + i, Optional.empty()), "posts");
        long[] delivered = {0};
        LocalCluster.await(Duration.ofMinutes(10), () -> {
          delivered[0] = count(journalUrl, DELIVERED_MANIFEST) - before;
          progress("deliveries", delivered[0], expected);
          return delivered[0] >= expected;
        }, "all deliveries");
        double seconds = (System.nanoTime() - start) / 1e9;
        rates[round] = expected / seconds;
        if (delivered[0] != expected) throw new AssertionError("delivered " + delivered[0] + " but expected " + expected);
        System.out.printf("%nround %d: %d posts, %d deliveries in %.1f s = %.0f deliveries/s (%.0f posts/s)%n",
            round + 1, postsPerRound, expected, seconds, rates[round], postsPerRound / seconds);
      }
      double[] sorted = rates.clone();
      Arrays.sort(sorted);
      System.out.printf("median of %d rounds: %.0f durable deliveries/s%n", rounds, sorted[rounds / 2]);
    }
  }

  /** Runs {@code count} asynchronous operations with at most {@code inFlight} outstanding. */
  static void bounded(int count, int inFlight, IntFunction<CompletionStage<?>> op, String what) throws InterruptedException {
    Semaphore permits = new Semaphore(inFlight);
    List<CompletableFuture<?>> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      permits.acquire();
      all.add(op.apply(i).toCompletableFuture().whenComplete((v, e) -> permits.release()));
      if ((i + 1) % 10_000 == 0) progress(what, i + 1, count);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    progress(what, count, count);
    System.out.println();
  }

  /** Tagged events that no fan-out projection has stored an offset past, over all tag slices. */
  private static long fanOutBacklog(String url) {
    String sql = """
        select count(*) from "event_tag" t
        left join "akka_projection_offset_store" o on o."projection_key" = t."tag"
        where o."current_offset" is null or t."event_id" > cast(o."current_offset" as bigint)
        """;
    try (Connection c = DriverManager.getConnection(url, "sa", "");
         var statement = c.prepareStatement(sql);
         ResultSet rs = statement.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(String url, String manifest) {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
         var statement = c.prepareStatement("select count(*) from \"event_journal\" where \"event_ser_manifest\" = ?")) {
      statement.setString(1, manifest);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void progress(String what, long done, long total) {
    System.out.printf("\r  %s: %d / %d", what, done, total);
  }

  static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }
}
