package dev.timeline.core;

import static dev.timeline.core.FanOutClusterTest.home;
import static dev.timeline.core.FanOutClusterTest.join;
import static dev.timeline.core.FanOutClusterTest.register;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Contract C4: a tagged event whose transaction commits late (its writer paused between insert
 * and commit) is still fanned out. The journal's tag queries read only up to the first missing
 * ordering id, and take a missing one for a permanent gap after max-tries x query-delay; an event
 * committed after that would never be seen. Here the commit is held for 3 s, three times the old
 * give-up (10 x 100 ms) and well under the configured one (10 s).
 */
class FanOutGapTest {
  static final Duration HELD = Duration.ofSeconds(3);
  LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) cluster.close();
  }

  @Test
  void aTweetCommittedLateStillReachesEveryFollower() throws InterruptedException {
    cluster = LocalCluster.start(3, ConfigFactory.parseString(
        "akka.actor.serialize-messages = on\n"
            + "timeline.journal.url = \"" + HeldCommitDriver.memoryUrl("gap-" + UUID.randomUUID()) + "\"\n"
            + "timeline.journal.driver = \"" + HeldCommitDriver.class.getName() + "\"\n"));
    var retrieval = cluster.node(0).settings().config().getConfig("jdbc-read-journal.journal-sequence-retrieval");
    Duration giveUp = retrieval.getDuration("query-delay").multipliedBy(retrieval.getInt("max-tries"));
    System.out.println("gap give-up after " + giveUp + ", commit held for " + HELD);

    Users users = cluster.users(0);
    join(users.register("gap-late", "Late"));   // its tweet commits late
    join(users.register("gap-other", "Other")); // its tweet commits past the late one
    List<String> followers = register(users, "gap-follower-", 6);
    for (String f : followers) {
      join(users.follow(f, "gap-late"));
      join(users.follow(f, "gap-other"));
    }
    // Everything so far fanned out (the follows travel through it too), so the gap is the only one.
    Tweet before = join(users.post("gap-other", "before", Optional.empty()));
    awaitEveryone(users, followers, before);

    HeldCommitDriver.Hold hold = HeldCommitDriver.holdNextCommitOf("User|gap-late");
    try {
      // Asked with room to spare: its answer waits for the held commit.
      CompletableFuture<Tweet> late = cluster.users(0, Duration.ofSeconds(30))
          .post("gap-late", "committed late", Optional.empty()).toCompletableFuture();
      assertTrue(hold.awaitHeld(Duration.ofSeconds(10)), "the late tweet's insert is done and its commit held");
      Instant heldAt = Instant.now();
      Tweet after = join(users.post("gap-other", "committed at once, after the late one's insert", Optional.empty()));

      // While the gap lasts the fan-out waits at it: passing it is what loses the late tweet.
      while (Instant.now().isBefore(heldAt.plus(HELD))) {
        for (String f : followers)
          assertFalse(home(users, f, 10).contains(after.id()),
              "after " + Duration.between(heldAt, Instant.now()).toMillis() + " ms the fan-out passed the gap of the "
                  + "uncommitted insert (give-up " + giveUp + "): the late tweet will never be fanned out");
        Thread.sleep(100); // the polling interval of this check, not a wait for an outcome
      }
      assertFalse(late.isDone(), "the late post is acknowledged only after its commit");
      hold.release();
      Tweet committed = late.join();

      awaitEveryone(users, followers, committed);
      awaitEveryone(users, followers, after);
    } finally {
      hold.release();
    }
  }

  private static void awaitEveryone(Users users, List<String> followers, Tweet tweet) {
    for (String f : followers)
      LocalCluster.await(Duration.ofSeconds(20), () -> home(users, f, 10).contains(tweet.id()),
          f + " received " + tweet.text());
  }
}
