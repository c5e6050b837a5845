package dev.timeline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CapacityTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void requestsStartOneIntervalApartAndThoseBeyondTheQueueAreRefused() {
    // 10/s = one start per 100 ms; a queue of 250 ms holds the next two or three.
    Capacity capacity = new Capacity(testKit.system(), 10, Duration.ofMillis(250));
    List<Optional<Duration>> admitted = new ArrayList<>();
    for (int i = 0; i < 6; i++) admitted.add(capacity.admit().toCompletableFuture().getNow(null));
    assertEquals(Optional.of(Duration.ZERO), admitted.get(0), "the first starts at once");
    assertEquals(null, admitted.get(1), "the second waits its turn");
    assertEquals(Optional.empty(), admitted.get(5), "the sixth would wait 500 ms: refused at once");
    Optional<Duration> waited = capacity.admit().toCompletableFuture().join();
    assertTrue(waited.isEmpty() || waited.get().toMillis() <= 250);
  }

  @Test
  void zeroMeansNoLimit() {
    Capacity capacity = new Capacity(testKit.system(), 0, Duration.ofMillis(1));
    for (int i = 0; i < 1000; i++)
      assertEquals(Optional.of(Duration.ZERO), capacity.admit().toCompletableFuture().getNow(null));
  }
}
