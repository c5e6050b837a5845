package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timeline.lab.dash.ClientView;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The live tally: counts per second of due time by outcome, percentiles per operation, closing, and many writers. */
class LiveOutcomesTest {
  /** An epoch second to start from (any whole second). */
  static final long T = 1_700_000_000_000L;
  final LiveOutcomes live = new LiveOutcomes(Duration.ofSeconds(5));

  @Test
  void countsEachSecondByOutcomeAndTakesPercentilesPerOperation() {
    // Second 0: 100 posts of 1..100 ms, 98 ok, one fail, one info; 10 home reads of 5 ms.
    for (int i = 1; i <= 100; i++) live.record(T + 10 * i - 5, OpType.post, i == 50 ? Outcome.fail : i == 51 ? Outcome.info : Outcome.ok, i);
    for (int i = 0; i < 10; i++) live.record(T + 900, OpType.home, Outcome.ok, 5);
    // Second 1: a user read due then, completing 3 s later (a timeout), unknown.
    live.record(T + 1_200, OpType.user, Outcome.info, 3_000);

    ClientView view = live.snapshotAt(T + 4_500);
    assertEquals(2, view.seconds().size(), view.toString());
    ClientView.Second first = view.seconds().get(0), second = view.seconds().get(1);
    assertEquals(T, first.startMs());
    assertEquals(List.of(108L, 1L, 1L), List.of(first.ok(), first.fail(), first.info()));
    ClientView.Latency posts = first.ops().get(OpType.post);
    assertEquals(100, posts.count());
    assertEquals(99, posts.p99Ms(), 1, "p99 of 1..100 ms, to 1 %");
    assertEquals(50, posts.p50Ms(), 0.5);
    assertEquals(5, first.ops().get(OpType.home).p99Ms(), 0.05, "home reads on their own");
    assertFalse(first.ops().containsKey(OpType.user));
    assertEquals(List.of(0L, 0L, 1L), List.of(second.ok(), second.fail(), second.info()));
    assertEquals(3_000, second.ops().get(OpType.user).p99Ms(), 30, "latency from the due time");
    assertTrue(first.open() && second.open(), "both may still grow");

    // Snapshots are copies: later completions do not change one already handed out.
    live.record(T + 100, OpType.post, Outcome.ok, 1_000);
    assertEquals(108, first.ok());
    ClientView later = live.snapshotAt(T + 4_600);
    assertEquals(109, later.seconds().get(0).ok());
    ClientView.Latency morePosts = later.seconds().get(0).ops().get(OpType.post);
    assertEquals(101, morePosts.count(), "what the last snapshot folded in is kept");
    assertEquals(100, morePosts.p99Ms(), 1, "the 1 s post is the 101st of 101: p99 moves up to the 100th");
  }

  @Test
  void closesASecondOnceNothingDueInItCanStillCompleteAndCountsLaterOnesAsLate() {
    live.record(T + 10, OpType.post, Outcome.ok, 10);
    assertTrue(live.snapshotAt(T + 5_999).seconds().get(0).open());
    ClientView closed = live.snapshotAt(T + 6_000);
    assertFalse(closed.seconds().get(0).open(), "closed 5 s after its end");
    live.record(T + 20, OpType.post, Outcome.fail, 6_000);
    ClientView after = live.snapshotAt(T + 7_000);
    assertEquals(closed.seconds(), after.seconds(), "a closed second keeps its figures");
    assertEquals(1, after.late());
  }

  @Test
  void keepsTheLastFiveMinutesAndReusesTheRing() {
    live.record(T + 10, OpType.home, Outcome.ok, 1);
    live.record(T + LiveOutcomes.KEEP * 1000L + 10, OpType.home, Outcome.fail, 1);  // the same ring slot, 300 s on
    ClientView view = live.snapshotAt(T + LiveOutcomes.KEEP * 1000L + 500);
    assertEquals(1, view.seconds().size(), view.toString());
    assertEquals(1, view.seconds().get(0).fail());
    live.record(T + 10, OpType.home, Outcome.ok, 1);  // the old second: gone
    assertEquals(1, live.snapshotAt(T + LiveOutcomes.KEEP * 1000L + 600).late());
    assertTrue(new LiveOutcomes(Duration.ZERO).snapshotAt(T).seconds().isEmpty());
  }

  @Test
  void manyWritersLoseNothingWhileSnapshotsAreTaken() throws Exception {
    int writers = 4, each = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) live.record(T + (i % 3) * 1000 + 1, OpType.values()[i % 3], Outcome.values()[i % 3], i % 100);
      });
      threads.add(t);
      t.start();
    }
    start.countDown();
    for (int i = 0; i < 50; i++) live.snapshotAt(T + 3_000);  // folding in while they write
    for (Thread t : threads) t.join();
    ClientView view = live.snapshotAt(T + 3_000);
    long total = view.seconds().stream().mapToLong(s -> s.ok() + s.fail() + s.info()).sum();
    long latencies = view.seconds().stream().flatMap(s -> s.ops().values().stream()).mapToLong(ClientView.Latency::count).sum();
    assertEquals((long) writers * each, total);
    assertEquals((long) writers * each, latencies);
    assertEquals(3, view.seconds().size());
  }
}
