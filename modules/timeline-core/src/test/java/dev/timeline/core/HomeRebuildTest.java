package dev.timeline.core;

import static dev.timeline.core.FanOutClusterTest.followAll;
import static dev.timeline.core.FanOutClusterTest.join;
import static dev.timeline.core.FanOutClusterTest.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Home timelines are derived state: a delivery is only in the follower's memory. Followers whose
 * node crashes after every delivery was acknowledged (and every fan-out offset stored, so nothing
 * is delivered again) start on a survivor and still have every tweet of their followees: their
 * entity rebuilt its home timeline from the followees' durable tweets. Without the rebuild they
 * would have none.
 */
class HomeRebuildTest {
  static final int FOLLOWERS = 30;
  static final int TWEETS = 5;
  LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) cluster.close();
  }

  @Test
  void followersOfACrashedNodeGetTheirTimelinesBackWithoutRedelivery() {
    cluster = LocalCluster.start(3, ConfigFactory.parseString("akka.actor.serialize-messages = on"));
    Users users = cluster.users(0, Duration.ofSeconds(10));
    List<String> authors = register(users, "rebuild-author-", 2);
    List<String> followers = register(users, "rebuild-follower-", FOLLOWERS);
    for (String author : authors) followAll(users, followers, author);

    List<String> expected = new ArrayList<>();
    for (String author : authors)
      for (int i = 0; i < TWEETS; i++) expected.add(join(users.post(author, "derived " + i, Optional.empty())).id());
    expected.sort((a, b) -> b.compareTo(a));
    awaitTimelines(users, followers, expected, Duration.ofSeconds(30));
    LocalCluster.await(Duration.ofSeconds(30), () -> cluster.fanOutBacklog() == 0, "every fan-out offset stored");

    // The node (not node 0, the test's client) that hosts the most followers.
    int doomed = 1;
    List<String> onDoomed = List.of();
    for (int node : List.of(1, 2)) {
      List<String> here = followers.stream().filter(cluster.entitiesOn(node, UserEntity.ENTITY_TYPE_KEY.name())::contains).toList();
      if (here.size() > onDoomed.size()) {
        doomed = node;
        onDoomed = here;
      }
    }
    assertTrue(!onDoomed.isEmpty(), "some followers live on node 1 or 2");
    int survivor = doomed == 1 ? 2 : 1;
    long sentBefore = sent(0) + sent(survivor);

    int crashed = doomed;
    cluster.crash(crashed);
    cluster.awaitUp(Duration.ofSeconds(30));
    awaitTimelines(users, onDoomed, expected, Duration.ofSeconds(60));
    for (String f : onDoomed) assertTrue(cluster.nodeOfUser(f).filter(n -> n != crashed).isPresent(), f + " restarted on a survivor");
    assertEquals(sentBefore, sent(0) + sent(survivor), "no delivery was sent again: the timelines were rebuilt");
  }

  /** Deliveries the fan-out on a node sent (and had acknowledged) since it started. */
  private long sent(int node) {
    return TimelineMetrics.get(cluster.node(node)).counts().timelineWrites();
  }

  /** Every follower's home timeline becomes exactly {@code expected}; asks that fail count as not yet. */
  static void awaitTimelines(Users users, List<String> followers, List<String> expected, Duration timeout) {
    Map<String, List<String>> last = new ConcurrentHashMap<>();
    try {
      LocalCluster.await(timeout, () -> followers.stream().allMatch(f -> {
        List<String> ids = users.homeTimeline(f, expected.size() + 1, Optional.empty()).toCompletableFuture()
            .thenApply(page -> page.tweets().stream().map(Tweet::id).toList())
            .exceptionally(failure -> List.of()).join();
        last.put(f, ids);
        return ids.equals(expected);
      }), "every follower's timeline to hold the " + expected.size() + " tweets once");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last seen " + last, e);
    }
  }
}
