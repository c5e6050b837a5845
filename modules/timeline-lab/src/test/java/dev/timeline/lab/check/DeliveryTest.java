package dev.timeline.lab.check;

import static dev.timeline.lab.check.Histories.op;
import static dev.timeline.lab.check.Histories.post;
import static dev.timeline.lab.check.Histories.tweetId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.timeline.lab.history.FinalState;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryTest {

  private static final String A1 = tweetId(1_000, "alice");
  private static final String A2 = tweetId(2_000, "alice");
  private static final String A3 = tweetId(3_000, "alice");
  private static final String B1 = tweetId(1_500, "bob");
  private static final String B2 = tweetId(2_500, "bob");

  @Test
  void findsExactlyTheLostDuplicatedAndOutOfOrderTweets() {
    List<Op> history = List.of(post("alice", A1), post("alice", A2), post("alice", A3), post("bob", B1), post("bob", B2),
        op(OpType.post, "bob", 100, 3000, Outcome.info), op(OpType.post, "bob", 200, 5, Outcome.fail),
        op(OpType.home, "carol", 300, 5, Outcome.ok));
    FinalState state = new FinalState(
        Map.of("alice", List.of("carol", "dave", "erin"), "bob", List.of("carol", "alice")),
        Map.of(
            "carol", List.of(A3, B2, A2, B1, A1),          // all five, in order
            "dave", List.of(A3, A1),                       // A2 lost
            "alice", List.of(B2, B2, B1, B1, B1),          // B2 once too many, B1 twice
            "frank", List.of(A1, A3, A2)),                 // follows nobody here; out of order
        Map.of(),
        800);

    DeliveryResult result = Delivery.check(history, state);

    assertEquals(5, result.ackedPosts());
    // alice's 3 posts to carol and dave (erin unreadable), bob's 2 to carol and alice
    assertEquals(3 * 2 + 2 * 2, result.expectedDeliveries());
    assertEquals(1, result.lost());
    assertEquals(List.of(A2 + " -> dave"), result.lostExamples());
    assertEquals(3, result.duplicated());
    assertEquals(1, result.outOfOrderTimelines(), "only frank's; alice's repeats are duplicates, not disorder");
    assertEquals(3, result.unreadable(), "alice's three posts to erin");
    assertEquals(1, result.infoPosts());
  }

  @Test
  void aTweetOlderThanAFullTimelineWasPushedOutNotLost() {
    List<Op> history = List.of(post("alice", A1), post("alice", A2), post("alice", A3), post("bob", B2));
    FinalState state = new FinalState(
        Map.of("alice", List.of("carol", "dave"), "bob", List.of("carol")),
        Map.of(
            "carol", List.of(A3, B2),   // full (limit 2): A1 and A2 are older than B2, pushed out
            "dave", List.of(A3)),       // not full: A1 and A2 are lost
        Map.of(),
        2);

    DeliveryResult result = Delivery.check(history, state);

    assertEquals(2 + 3, result.expectedDeliveries());
    assertEquals(2, result.lost());
    assertEquals(List.of(A1 + " -> dave", A2 + " -> dave"), result.lostExamples());
  }

  @Test
  void aFullTimelineMissingATweetNewerThanItsOldestLostIt() {
    FinalState state = new FinalState(Map.of("alice", List.of("carol")),
        Map.of("carol", List.of(A3, A1)), Map.of(), 2);

    DeliveryResult result = Delivery.check(List.of(post("alice", A2)), state);

    assertEquals(1, result.lost());
  }

  @Test
  void keepsTenLostExamples() {
    List<Op> history = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      history.add(post("alice", tweetId(i, "alice")));
    }
    FinalState state = new FinalState(Map.of("alice", List.of("carol")), Map.of("carol", List.of()), Map.of(), 800);

    DeliveryResult result = Delivery.check(history, state);

    assertEquals(25, result.lost());
    assertEquals(Delivery.MAX_EXAMPLES, result.lostExamples().size());
  }

  @Test
  void anAcknowledgedPostWithoutATweetIdIsARunnerBug() {
    Op broken = new Op(1, OpType.post, "alice", 0, 0, 5, Outcome.ok, 201, 1, null, "r", null, false);
    FinalState state = new FinalState(Map.of(), Map.of(), Map.of(), 800);

    assertThrows(IllegalArgumentException.class, () -> Delivery.check(List.of(broken), state));
  }
}
