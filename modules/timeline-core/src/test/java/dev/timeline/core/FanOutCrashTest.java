package dev.timeline.core;

import static dev.timeline.core.FanOutClusterTest.followAll;
import static dev.timeline.core.FanOutClusterTest.join;
import static dev.timeline.core.FanOutClusterTest.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.persistence.typed.PersistenceId;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node that runs a fan-out (and hosts the author) crashes while the fan-out is under way.
 * Once a survivor takes the fan-out over from its stored offset, every follower has every tweet
 * exactly once.
 */
class FanOutCrashTest {
  static final int FOLLOWERS = 2000;
  static final int TWEETS = 40;
  LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) cluster.close();
  }

  @Test
  void fanOutSurvivesACrashOfItsNode() {
    // One tweet per group, so the fan-out takes long enough (40 groups of 2000 deliveries) to crash in.
    cluster = LocalCluster.start(3, ConfigFactory.parseString("akka.actor.serialize-messages = on\n"
        + "timeline.fan-out.group-size = 1"));
    int instances = cluster.settings(0).fanOut().instances();
    Users setup = cluster.users(0, Duration.ofSeconds(30)); // 2000 follows of one author queue up at it

    // An author whose entity and fan-out slice share a node, so one crash takes out both.
    List<String> candidates = register(setup, "crash-author-", 60); // each a 1 in 3 chance
    String author = null;
    int doomed = -1;
    for (String candidate : candidates) {
      int slice = sliceOf(candidate, instances);
      LocalCluster.await(Duration.ofSeconds(20), () -> cluster.nodeOfFanOut(slice).isPresent(), "fan-out slice " + slice + " running");
      int fanOutNode = cluster.nodeOfFanOut(slice).orElseThrow();
      if (cluster.nodeOfUser(candidate).orElseThrow() == fanOutNode) {
        author = candidate;
        doomed = fanOutNode;
        break;
      }
    }
    assertTrue(author != null, "some candidate author shares a node with its fan-out slice");
    int survivor = doomed == 0 ? 1 : 0;
    Users users = cluster.users(survivor, Duration.ofSeconds(5));

    List<String> followers = register(setup, "crash-follower-", FOLLOWERS);
    followAll(setup, followers, author);
    Set<String> onSurvivors = new HashSet<>();
    for (int i : cluster.liveNodes())
      if (i != doomed) onSurvivors.addAll(cluster.entitiesOn(i, UserEntity.ENTITY_TYPE_KEY.name()));
    List<String> observed = followers.stream().filter(onSurvivors::contains).limit(50).toList();

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < TWEETS; i++) expected.add(join(users.post(author, "fan-out " + i, Optional.empty())).id());
    expected.sort((a, b) -> b.compareTo(a));

    // Crash as soon as the fan-out has visibly started.
    LocalCluster.await(Duration.ofSeconds(20),
        () -> observed.stream().anyMatch(f -> !FanOutClusterTest.home(users, f, TWEETS).isEmpty()), "fan-out started");
    Instant crashAt = Instant.now();
    cluster.crash(doomed);
    // A read that fails in the turmoil of the crash counts as incomplete: this only shows that
    // the crash hit a fan-out in progress.
    long completeAtCrash = observed.stream()
        .filter(f -> users.homeTimeline(f, TWEETS, Optional.empty()).toCompletableFuture()
            .thenApply(page -> page.tweets().stream().map(Tweet::id).toList().equals(expected))
            .exceptionally(failure -> false).join())
        .count();
    assertTrue(completeAtCrash < observed.size(),
        "the crash interrupted the fan-out (" + completeAtCrash + " of " + observed.size() + " sampled followers complete)");

    cluster.awaitUp(Duration.ofSeconds(30));
    awaitTimelines(users, followers, expected, Duration.ofSeconds(90));
    System.out.printf("fan-out of %d tweets to %d followers completed %d ms after the crash%n",
        TWEETS, FOLLOWERS, Duration.between(crashAt, Instant.now()).toMillis());
  }

  private static int sliceOf(String userId, int instances) {
    String tag = FanOut.tagFor(PersistenceId.of(UserEntity.ENTITY_TYPE_KEY.name(), userId).id(), instances);
    return Integer.parseInt(tag.substring(tag.lastIndexOf('-') + 1));
  }

  /** Every follower's home timeline becomes exactly {@code expected}; asks that fail count as not yet. */
  private static void awaitTimelines(Users users, List<String> followers, List<String> expected, Duration timeout) {
    Set<String> remaining = ConcurrentHashMap.newKeySet();
    remaining.addAll(followers);
    Map<String, List<String>> last = new ConcurrentHashMap<>();
    try {
      LocalCluster.await(timeout, () -> {
        CompletableFuture.allOf(remaining.stream().map(f -> users.homeTimeline(f, TWEETS + 1, Optional.empty())
            .thenAccept(page -> {
              List<String> ids = page.tweets().stream().map(Tweet::id).toList();
              last.put(f, ids);
              if (ids.equals(expected)) remaining.remove(f);
            })
            .exceptionally(failure -> null)
            .toCompletableFuture()).toArray(CompletableFuture[]::new)).join();
        return remaining.isEmpty();
      }, "every follower's timeline to hold the " + expected.size() + " tweets once");
    } catch (AssertionError e) {
      String example = remaining.stream().findFirst().map(f -> f + " has " + last.get(f)).orElse("");
      throw new AssertionError(e.getMessage() + "; " + remaining.size() + " followers incomplete, e.g. " + example, e);
    }
    assertEquals(0, remaining.size());
  }
}
