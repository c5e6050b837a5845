package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.Address;
import akka.cluster.typed.Cluster;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * An ask sent to a user whose node has just crashed is dropped when that node is removed. Sent
 * again once the membership changed, it is answered by the survivor that takes the user over,
 * long before its timeout; sent once (the stand-in without resends), it waits out the timeout.
 */
class ResendAfterFailoverTest {
  static final Duration TIMEOUT = Duration.ofSeconds(12);

  @Test
  void anAskToACrashedNodeIsAnsweredSoonAfterTheNodeIsRemoved() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3, ConfigFactory.empty())) {
      Users setup = cluster.users(0, Duration.ofSeconds(10));
      String user = null;
      for (int i = 0; user == null && i < 100; i++) {
        String id = "resend-" + i;
        setup.register(id, "User " + i).toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (cluster.nodeOfUser(id).equals(Optional.of(2))) user = id;
      }
      assertTrue(user != null, "some user lives on node 2");
      Address doomed = Cluster.get(cluster.node(2)).selfMember().address();

      Users resending = new Users(cluster.node(0), cluster.settings(0), TIMEOUT, Duration.ofMillis(300));
      Users sendingOnce = new Users(cluster.node(0), cluster.settings(0), TIMEOUT, TIMEOUT);
      cluster.crash(2);
      long askedAt = System.nanoTime();
      CompletableFuture<UserProtocol.Profile> resent = resending.profile(user).toCompletableFuture();
      CompletableFuture<UserProtocol.Profile> once = sendingOnce.profile(user).toCompletableFuture();

      LocalCluster.await(Duration.ofSeconds(30), () -> StreamSupport
          .stream(Cluster.get(cluster.node(0)).state().getMembers().spliterator(), false)
          .noneMatch(m -> m.address().equals(doomed)), "node 2 removed");
      long removedAt = System.nanoTime();

      assertEquals(user, resent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).id());
      long answeredAfterRemoval = Math.max(0, (System.nanoTime() - removedAt) / 1_000_000);
      System.out.printf("asked +0 ms, node 2 removed +%d ms, resent ask answered %d ms after the removal%n",
          (removedAt - askedAt) / 1_000_000, answeredAfterRemoval);
      assertTrue(answeredAfterRemoval < 4000, "answered " + answeredAfterRemoval + " ms after the removal");
      assertTrue((System.nanoTime() - askedAt) < TIMEOUT.toNanos() - Duration.ofSeconds(2).toNanos(),
          "answered well before the timeout");

      ExecutionException lost = assertThrows(ExecutionException.class, () -> once.get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS),
          "the ask sent once to the crashed node");
      assertInstanceOf(TimeoutException.class, lost.getCause(), "it waited out its timeout");
    }
  }
}
