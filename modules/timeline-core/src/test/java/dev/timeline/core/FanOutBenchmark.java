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
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import java.util.HashMap;
import java.util.Map;

/**
 * Sustained push fan-out on the in-JVM 3-node cluster with the H2 journal: home-timeline
 * deliveries per second, against the ceiling of the same cluster measured in the same run: plain
 * sharded {@code EntityRef.tell}s of a tweet to non-persistent entities with the same ids, one per
 * delivery. A round's clock stops when the followers' entities count (TimelineMetrics.homeInserts:
 * once per follower and tweet, however often delivered) exactly followers x posts new tweets in
 * their home timelines; then every follower's home timeline is read and must hold exactly the
 * round's tweets of its followees (nothing lost; a timeline cannot hold a tweet twice).
 *
 * <pre>scripts/bench-fanout [--journal-url URL] [users] [follows-per-user] [posts-per-round] [rounds]</pre>
 *
 * <p>The journal is a fresh in-memory H2 database unless {@code --journal-url} names another
 * (such as an H2 file, to measure what durability costs); it must hold no events yet. The graph is
 * bulk-imported (one event per user and side; the rounds time posts only), and entities are not
 * passivated during the run (a restarted entity rebuilds its timeline from its followees, which
 * the count of deliveries would not see).
 */
public final class FanOutBenchmark {
  /** The ceiling's entities: they count what they receive, nothing else. */
  static final EntityTypeKey<Sink> SINK = EntityTypeKey.create(Sink.class, "Sink");
  /** What the sinks received, per sending node. */
  static final LongAdder[] SUNK = {new LongAdder(), new LongAdder(), new LongAdder()};
  /**
   * Tells a sender has outstanding at most: Artery drops what exceeds its outbound queue (3072
   * per connection), so unbounded tells measure losses, not a rate.
   */
  static final int TELL_WINDOW = 2000;

  public record Sink(int sender, Tweet tweet) implements CborSerializable {}

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
        + "akka.cluster.sharding.passivate-idle-entity-after = off\n"
        + journal.map(url -> "timeline.journal.url = " + com.typesafe.config.ConfigUtil.quoteString(url) + "\n").orElse("");
    try (LocalCluster cluster = LocalCluster.start(3, ConfigFactory.parseString(overrides))) {
      String journalUrl = cluster.journalUrl();
      if (count(journalUrl, UserEntity.Registered.class.getName()) > 0)
        throw new IllegalStateException("the journal at " + journalUrl + " already holds users: give a fresh database");
      for (int i = 0; i < cluster.size(); i++)
        ClusterSharding.get(cluster.node(i)).init(Entity.of(SINK, ctx -> Behaviors.receive(Sink.class)
            .onMessage(Sink.class, m -> {
              SUNK[m.sender()].increment();
              return Behaviors.same();
            }).build()));
      List<Users> clients = cluster.liveNodes().stream().map(i -> cluster.users(i, Duration.ofSeconds(30))).toList();
      IntFunction<Users> client = i -> clients.get(i % clients.size());
      Random random = new Random(42);

      long t0 = System.nanoTime();
      bounded(users, 500, i -> client.apply(i).register("u" + i, "User " + i), "registered users");
      List<List<String>> following = new ArrayList<>();
      List<List<String>> followersOf = new ArrayList<>();
      for (int u = 0; u < users; u++) followersOf.add(new ArrayList<>());
      long follows = 0;
      for (int u = 0; u < users; u++) {
        int follower = u;
        List<String> mine = new ArrayList<>();
        for (int followee : random.ints(0, users).filter(x -> x != follower).distinct().limit(followsPerUser).toArray()) {
          mine.add("u" + followee);
          followersOf.get(followee).add("u" + follower);
          follows++;
        }
        following.add(mine);
      }
      bounded(users, 200, i -> client.apply(i).importFollowing("u" + i, following.get(i)), "imported following");
      bounded(users, 200, i -> client.apply(i).importFollowers("u" + i, followersOf.get(i)), "imported followers");
      LocalCluster.await(Duration.ofMinutes(30), () -> cluster.fanOutBacklog() == 0, "the fan-out to catch up with the setup");
      System.out.printf("setup: %d users, %d follows in %.1f s%n", users, follows, (System.nanoTime() - t0) / 1e9);
      // One tell to each sink entity first, so that the ceiling, like the rounds, finds its entities started.
      sinkRound(cluster, java.util.stream.IntStream.range(0, users).mapToObj(u -> List.of("u" + u)).toList(),
          java.util.stream.IntStream.range(0, users).toArray(), "warm-up: every sink entity started");

      double[] rates = new double[rounds];
      double[] ceilings = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        int[] authors = random.ints(postsPerRound, 0, users).toArray();
        long expected = Arrays.stream(authors).mapToLong(a -> followersOf.get(a).size()).sum();
        long before = homeInserts(cluster);
        long start = System.nanoTime();
        int r = round;
        bounded(postsPerRound, 200, i -> client.apply(i).post("u" + authors[i], "round " + r + " post " + i, Optional.empty()), "posts");
        double posting = (System.nanoTime() - start) / 1e9;
        long deliveredWhilePosting = homeInserts(cluster) - before;
        long[] delivered = {0};
        LocalCluster.await(Duration.ofMinutes(10), () -> {
          delivered[0] = homeInserts(cluster) - before;
          progress("deliveries", delivered[0], expected);
          return delivered[0] >= expected;
        }, "all deliveries");
        double seconds = (System.nanoTime() - start) / 1e9;
        rates[round] = expected / seconds;
        if (delivered[0] != expected) throw new AssertionError("delivered " + delivered[0] + " but expected " + expected);
        System.out.println();
        checkTimelines(clients, following, authors, "round " + r + " ");
        ceilings[round] = sinkRound(cluster, followersOf, authors, "plain sharded tells");
        System.out.printf("round %d: %d posts, %d deliveries in %.1f s = %.0f deliveries/s (posts acknowledged "
                + "after %.1f s, %d deliveries by then); plain sharded tell: %.0f/s; ratio %.2f%n",
            round + 1, postsPerRound, expected, seconds, rates[round], posting, deliveredWhilePosting, ceilings[round],
            rates[round] / ceilings[round]);
      }
      double rate = median(rates);
      double ceiling = median(ceilings);
      System.out.printf("median of %d rounds: %.0f deliveries/s; ceiling (plain sharded EntityRef.tell, no persistence, "
          + "same run): %.0f/s; ratio %.2f%n", rounds, rate, ceiling, rate / ceiling);
    }
  }

  /**
   * The ceiling: one tell per (follower, post) to the sink entity of the follower's id, sent from
   * every node at once (a thread each, at most TELL_WINDOW unreceived), timed until all arrived.
   * {@code authors}: one post each.
   */
  private static double sinkRound(LocalCluster cluster, List<List<String>> followersOf, int[] authors, String what)
      throws InterruptedException {
    long total = 0;
    for (int a : authors) total += followersOf.get(a).size();
    long[] before = new long[cluster.size()];
    for (int n = 0; n < before.length; n++) before[n] = SUNK[n].sum();
    Tweet tweet = new Tweet(Tweet.idFor(System.currentTimeMillis(), "u0"), "u0", "round 0 post 0", 0, null);
    long start = System.nanoTime();
    List<Thread> senders = new ArrayList<>();
    for (int n = 0; n < cluster.size(); n++) {
      ClusterSharding sharding = ClusterSharding.get(cluster.node(n));
      int node = n;
      Thread sender = new Thread(() -> {
        long sent = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos(); // lost tells fail the await below
        for (int i = node; i < authors.length; i += cluster.size())
          for (String f : followersOf.get(authors[i])) {
            while (sent - (SUNK[node].sum() - before[node]) >= TELL_WINDOW && System.nanoTime() < deadline)
              java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            sharding.entityRefFor(SINK, f).tell(new Sink(node, tweet));
            sent++;
          }
      });
      sender.start();
      senders.add(sender);
    }
    for (Thread sender : senders) sender.join();
    long expected = total;
    java.util.function.LongSupplier received = () -> {
      long sum = 0;
      for (int n = 0; n < before.length; n++) sum += SUNK[n].sum() - before[n];
      return sum;
    };
    LocalCluster.await(Duration.ofMinutes(5), () -> received.getAsLong() >= expected, what);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (received.getAsLong() != expected) throw new AssertionError(what + ": " + received.getAsLong() + " of " + expected);
    return expected / seconds;
  }

  /** Every follower's home timeline holds exactly the round's tweets of its followees, each once. */
  private static void checkTimelines(List<Users> clients, List<List<String>> following, int[] authors, String roundText)
      throws InterruptedException {
    Map<String, Integer> postsBy = new HashMap<>();
    for (int a : authors) postsBy.merge("u" + a, 1, Integer::sum);
    LongAdder lost = new LongAdder();
    LongAdder doubled = new LongAdder();
    bounded(following.size(), 200, u -> clients.get(u % clients.size())
        .homeTimeline("u" + u, 200, Optional.empty())
        .thenAccept(page -> {
          List<Tweet> round = page.tweets().stream()
              .filter(t -> t.text().startsWith(roundText) && !t.authorId().equals("u" + u)).toList();
          if (page.tweets().size() == 200 && page.tweets().get(199).text().startsWith(roundText))
            throw new IllegalStateException("u" + u + " has more than a page of the round's tweets: cannot check");
          long wanted = following.get(u).stream().mapToLong(f -> postsBy.getOrDefault(f, 0)).sum();
          long distinct = round.stream().map(Tweet::id).distinct().count();
          doubled.add(round.size() - distinct);
          if (distinct < wanted) lost.add(wanted - distinct);
          if (round.stream().anyMatch(t -> !following.get(u).contains(t.authorId())))
            throw new IllegalStateException("u" + u + " has a tweet of someone it does not follow");
        }), "home timelines checked");
    if (lost.sum() > 0 || doubled.sum() > 0)
      throw new AssertionError("home timelines: " + lost.sum() + " deliveries missing, " + doubled.sum() + " doubled");
  }

  private static long homeInserts(LocalCluster cluster) {
    long sum = 0;
    for (int i : cluster.liveNodes()) sum += TimelineMetrics.get(cluster.node(i)).homeInserts();
    return sum;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
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
