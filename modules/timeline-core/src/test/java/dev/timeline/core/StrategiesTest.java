package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Push, pull and hybrid on 2-node clusters: the same answers, at different costs. */
class StrategiesTest {
  static final int THRESHOLD = 4;
  static final int LIMIT = 30;

  static LocalCluster cluster(Strategy strategy, String extra) {
    return LocalCluster.start(2, ConfigFactory.parseString(
        "akka.actor.serialize-messages = on\n"
            + "timeline.fan-out.strategy = " + strategy.name().toLowerCase() + "\n"
            + "timeline.fan-out.hybrid-threshold = " + THRESHOLD + "\n"
            + extra));
  }

  /**
   * Property: for random graphs (one user followed by most others, so hybrid crosses its
   * threshold while the follows are made) and random posts after them, every user's home
   * timeline is exactly the model's: own tweets and followees' tweets, newest first. The model
   * does not depend on the strategy, so neither may the answers.
   */
  @ParameterizedTest
  @EnumSource(Strategy.class)
  void everyStrategyReturnsTheSameTimelinesForTheSameHistory(Strategy strategy) {
    try (LocalCluster cluster = cluster(strategy, "")) {
      for (long seed = 1; seed <= 3; seed++) {
        Users users = cluster.users((int) (seed % 2));
        Random random = new Random(seed);
        String prefix = "s" + seed + "-";
        List<String> ids = register(users, prefix, 20);
        Map<String, Set<String>> following = new HashMap<>();
        for (String id : ids) following.put(id, new HashSet<>());
        List<CompletableFuture<?>> follows = new ArrayList<>();
        for (String follower : ids) {
          Set<String> followees = following.get(follower);
          if (!follower.equals(ids.get(0)) && random.nextDouble() < 0.7) followees.add(ids.get(0)); // the celebrity
          int more = random.nextInt(5);
          for (int k = 0; k < more; k++) {
            String followee = ids.get(random.nextInt(ids.size()));
            if (!followee.equals(follower)) followees.add(followee);
          }
          for (String followee : followees) follows.add(users.follow(follower, followee).toCompletableFuture());
        }
        CompletableFuture.allOf(follows.toArray(CompletableFuture[]::new)).join();

        List<Tweet> posted = new ArrayList<>();
        for (int p = 0; p < 40; p++) {
          String author = random.nextDouble() < 0.3 ? ids.get(0) : ids.get(random.nextInt(ids.size()));
          posted.add(join(users.post(author, "post " + p + " by " + author, Optional.empty())));
        }

        for (String reader : ids) {
          List<String> expected = posted.stream()
              .filter(t -> t.authorId().equals(reader) || following.get(reader).contains(t.authorId()))
              .map(Tweet::id)
              .sorted(Comparator.reverseOrder())
              .limit(LIMIT)
              .toList();
          LocalCluster.await(Duration.ofSeconds(30), () -> home(users, reader).equals(expected),
              strategy + ": " + reader + "'s home timeline is " + expected + " (is " + home(users, reader) + ")");
          for (int skip : new int[] {1, 7}) {
            List<String> slice = expected.subList(Math.min(skip, expected.size()), Math.min(skip + 5, expected.size()));
            assertEquals(slice, join(users.homeTimeline(reader, skip, 5, Optional.empty())).tweets().stream().map(Tweet::id).toList(),
                strategy + ": " + reader + "'s home timeline after skipping " + skip);
          }
        }
      }
    }
  }

  @Test
  void hybridPushesBelowTheThresholdAndPullsFromIt() {
    try (LocalCluster cluster = cluster(Strategy.HYBRID, "")) {
      Users users = cluster.users(0);
      join(users.register("star", "Star"));
      List<String> fans = register(users, "fan-", THRESHOLD);
      for (String fan : fans.subList(0, THRESHOLD - 1)) join(users.follow(fan, "star"));
      assertFalse(join(users.profile("star")).celebrity(), "one follower short of the threshold");

      TimelineMetrics.Counts before = counts(cluster);
      Tweet pushed = join(users.post("star", "pushed", Optional.empty()));
      awaitFannedOut(cluster, before, 1);
      assertEquals(THRESHOLD - 1, counts(cluster).timelineWrites() - before.timelineWrites(),
          "below the threshold a post is written into every follower's timeline");

      join(users.follow(fans.get(THRESHOLD - 1), "star"));
      assertTrue(join(users.profile("star")).celebrity(), "the follower that reaches the threshold makes a celebrity");

      TimelineMetrics.Counts middle = counts(cluster);
      Tweet pulled = join(users.post("star", "pulled", Optional.empty()));
      awaitFannedOut(cluster, middle, 1);
      assertEquals(0, counts(cluster).timelineWrites() - middle.timelineWrites(),
          "at the threshold a post is written into no follower's timeline");

      for (String fan : fans)
        LocalCluster.await(Duration.ofSeconds(20), () -> home(users, fan).contains(pulled.id()),
            fan + " reads the celebrity's post at read time");
      for (String fan : fans.subList(0, THRESHOLD - 1))
        assertTrue(home(users, fan).contains(pushed.id()), fan + " keeps the post pushed before");
      TimelineMetrics.Counts reads = counts(cluster);
      home(users, fans.get(0));
      assertEquals(2, counts(cluster).entitiesAsked() - reads.entitiesAsked(), "the reader and the one celebrity");
    }
  }

  /** Bulk import bypasses follow: followers imported after the threshold was crossed must pull too. */
  @Test
  void importedFollowersOfACelebrityPullFromIt() {
    try (LocalCluster cluster = cluster(Strategy.HYBRID, "")) {
      Users users = cluster.users(1);
      join(users.register("idol", "Idol"));
      List<String> fans = register(users, "imported-", THRESHOLD + 3);
      for (String fan : fans) join(users.importFollowing(fan, List.of("idol")));
      join(users.importFollowers("idol", fans.subList(0, THRESHOLD)));      // crosses the threshold
      for (String fan : fans.subList(0, THRESHOLD)) // the fan-out's notice reached the first batch...
        LocalCluster.await(Duration.ofSeconds(20), () -> pullFrom(users, fan).contains("idol"), fan + " pulls");
      // ...so only the import itself can tell the next batch.
      join(users.importFollowers("idol", fans.subList(THRESHOLD, fans.size()))); // already a celebrity
      assertTrue(join(users.profile("idol")).celebrity());

      TimelineMetrics.Counts before = counts(cluster);
      Tweet tweet = join(users.post("idol", "hello, imported fans", Optional.empty()));
      awaitFannedOut(cluster, before, 1);
      assertEquals(0, counts(cluster).timelineWrites() - before.timelineWrites());
      for (String fan : fans)
        LocalCluster.await(Duration.ofSeconds(20), () -> home(users, fan).contains(tweet.id()), fan + " pulls the idol");
    }
  }

  /**
   * A followee whose node is gone (no downing here, so its shard stays unreachable) cannot
   * answer; the read still answers in time with everything else, marked partial.
   */
  @Test
  void aPullReadWithAnUnavailableFolloweeIsPartialNotAnError() {
    try (LocalCluster cluster = cluster(Strategy.PULL, """
        akka.cluster.downing-provider-class = ""
        timeline.pull-timeout = 500ms
        """)) {
      Users users = cluster.users(0);
      List<String> candidates = register(users, "p-", 16);
      String reader = candidates.stream().filter(u -> cluster.nodeOfUser(u).equals(Optional.of(0)))
          .findFirst().orElseThrow();
      List<String> followees = candidates.stream().filter(u -> !u.equals(reader)).toList();
      for (String f : followees) join(users.follow(reader, f));
      Map<String, String> tweetOf = new HashMap<>();
      for (String f : followees) tweetOf.put(f, join(users.post(f, "hi from " + f, Optional.empty())).id());
      List<String> onNode1 = followees.stream().filter(f -> cluster.nodeOfUser(f).equals(Optional.of(1))).toList();
      assertFalse(onNode1.isEmpty(), "some followee lives on node 1");

      UserProtocol.TimelinePage whole = join(users.homeTimeline(reader, LIMIT, Optional.empty()));
      assertFalse(whole.partial());
      assertEquals(followees.size(), whole.tweets().size());

      cluster.crash(1);
      UserProtocol.TimelinePage part = join(users.homeTimeline(reader, LIMIT, Optional.empty()));
      assertTrue(part.partial(), "marked partial");
      Set<String> expected = new HashSet<>();
      followees.stream().filter(f -> !onNode1.contains(f)).forEach(f -> expected.add(tweetOf.get(f)));
      assertEquals(expected, new HashSet<>(part.tweets().stream().map(Tweet::id).toList()),
          "every reachable followee's tweet, none of the unreachable ones");
    }
  }

  static void awaitFannedOut(LocalCluster cluster, TimelineMetrics.Counts before, int posts) {
    LocalCluster.await(Duration.ofSeconds(20), () -> counts(cluster).posts() - before.posts() >= posts,
        "the fan-out handled " + posts + " post(s)");
  }

  static TimelineMetrics.Counts counts(LocalCluster cluster) {
    long posts = 0, writes = 0, reads = 0, asked = 0, partial = 0;
    for (int i : cluster.liveNodes()) {
      var c = TimelineMetrics.get(cluster.node(i)).counts();
      posts += c.posts();
      writes += c.timelineWrites();
      reads += c.homeReads();
      asked += c.entitiesAsked();
      partial += c.partialReads();
    }
    return new TimelineMetrics.Counts(posts, writes, reads, asked, partial);
  }

  static List<String> pullFrom(Users users, String userId) {
    return join(users.ref(userId).<UserProtocol.HomeSources>askWithStatus(
        r -> new UserProtocol.GetHomeSources(1, Optional.empty(), r), Duration.ofSeconds(5))).pullFrom();
  }

  static List<String> home(Users users, String userId) {
    return join(users.homeTimeline(userId, LIMIT, Optional.empty())).tweets().stream().map(Tweet::id).toList();
  }

  static List<String> register(Users users, String prefix, int count) {
    return FanOutClusterTest.register(users, prefix, count);
  }

  static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }
}
