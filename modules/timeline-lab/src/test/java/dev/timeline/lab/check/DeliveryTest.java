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
import dev.timeline.lab.history.OwnTweet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryTest {

  private static final String A1 = tweetId(1_000, "alice");
  private static final String A2 = tweetId(2_000, "alice");
  private static final String A3 = tweetId(3_000, "alice");
  private static final String B1 = tweetId(1_500, "bob");
  private static final String B2 = tweetId(2_500, "bob");

  /** The own timeline an author would have after {@code tweets}, newest first, each under "req-" + its id. */
  private static List<OwnTweet> own(String... newestFirst) {
    return java.util.Arrays.stream(newestFirst).map(t -> new OwnTweet(t, "req-" + t)).toList();
  }

  /** An unknown-outcome post by {@code author} with request id {@code requestId}. */
  private static Op info(String author, String requestId) {
    return new Op(900, OpType.post, author, 0, 0, 3000, Outcome.info, 503, 3, null, requestId, "503", false);
  }

  @Test
  void findsExactlyTheLostDuplicatedAndOutOfOrderTweets() {
    List<Op> history = List.of(post("alice", A1), post("alice", A2), post("alice", A3), post("bob", B1), post("bob", B2),
        op(OpType.post, "bob", 200, 5, Outcome.fail), op(OpType.home, "carol", 300, 5, Outcome.ok));
    Map<String, List<String>> homes = Map.of(
        "carol", List.of(A3, B2, A2, B1, A1),          // all five, in order
        "dave", List.of(A3, A1),                       // A2 lost
        "alice", List.of(B2, B2, B1, B1, B1),          // B2 once too many, B1 twice
        "frank", List.of(A1, A3, A2));                 // follows nobody here; out of order
    FinalState state = new FinalState(
        Map.of("alice", List.of("carol", "dave", "erin"), "bob", List.of("carol", "alice")),
        homes, Map.of("alice", own(A3, A2, A1), "bob", own(B2, B1)), 800);

    DeliveryResult result = Delivery.check(history, state);

    assertEquals(5, result.ackedPosts());
    // alice's 3 posts to her own timeline, carol and dave (erin unreadable), bob's 2 to his own, carol and alice
    assertEquals(3 * 3 + 2 * 3, result.expectedDeliveries());
    assertEquals(1, result.lost());
    assertEquals(List.of(A2 + " -> dave"), result.lostExamples());
    assertEquals(3, result.duplicated());
    assertEquals(0, result.duplicatedPosts());
    assertEquals(1, result.outOfOrderTimelines(), "only frank's; alice's repeats are duplicates, not disorder");
    assertEquals(3, result.uncheckedDeliveries(), "alice's three posts to erin");
    assertEquals(0, result.infoPosts());
  }

  @Test
  void anAcknowledgedPostMissingFromItsAuthorsOwnTimelineIsLost() {
    // A node that acknowledged from memory, the journal never having it: after a cold restart the
    // author's own timeline is without it, although a follower's home kept a copy.
    FinalState state = new FinalState(Map.of("alice", List.of("carol")), Map.of("carol", List.of(A2, A1)),
        Map.of("alice", own(A1)), 800);

    DeliveryResult result = Delivery.check(List.of(post("alice", A1), post("alice", A2)), state);

    assertEquals(1, result.lost());
    assertEquals(List.of(A2 + " -> alice (own timeline)"), result.lostExamples());
  }

  @Test
  void anUnknownPostThatAppearedIsCheckedLikeAnAcknowledgedOne() {
    // bob's post answered 503 but was durable: it is in his own timeline, carol has it, dave lost it.
    FinalState state = new FinalState(Map.of("bob", List.of("carol", "dave")),
        Map.of("carol", List.of(B1), "dave", List.of()), Map.of("bob", own(B1)), 800);

    DeliveryResult result = Delivery.check(List.of(info("bob", "req-" + B1)), state);

    assertEquals(1, result.infoPosts());
    assertEquals(1, result.infoAppeared());
    assertEquals(0, result.infoNotAppeared());
    assertEquals(1, result.lost());
    assertEquals(List.of(B1 + " -> dave"), result.lostExamples());
  }

  @Test
  void anUnknownPostIsResolvedOnlyFromAReadableOwnTimelineThatCouldStillHoldIt() {
    Map<String, List<OwnTweet>> owns = new HashMap<>();
    owns.put("bob", own(B1));                 // readable, without req-x: not appeared
    owns.put("alice", own(A2, A1));           // full (limit 2): req-y may have been dropped
    List<Op> history = List.of(info("bob", "req-x"), info("alice", "req-y"), info("erin", "req-z"));
    FinalState state = new FinalState(Map.of("bob", List.of(), "alice", List.of(), "erin", List.of()),
        Map.of("bob", List.of(), "alice", List.of(), "erin", List.of()), owns, 2);

    DeliveryResult result = Delivery.check(history, state);

    assertEquals(3, result.infoPosts());
    assertEquals(1, result.infoNotAppeared());
    assertEquals(2, result.unresolvedPosts());
    assertEquals(List.of("req-y: alice's own timeline is full", "req-z: erin's own timeline could not be read"), result.unresolvedExamples());
    assertEquals(1, result.unreadableTimelines(), "erin's own timeline");
  }

  @Test
  void anAcknowledgedTweetWithoutItsRequestIdLeavesTheRequestIdsUntrusted() {
    FinalState state = new FinalState(Map.of("alice", List.of()), Map.of("alice", List.of()),
        Map.of("alice", List.of(new OwnTweet(A1, null))), 800);

    DeliveryResult result = Delivery.check(List.of(post("alice", A1)), state);

    assertEquals(1, result.unresolvedPosts());
    assertEquals(0, result.lost());
  }

  @Test
  void aRequestIdThatMadeTwoTweetsIsADuplicate() {
    // A retry with the same request id on another node after a crash made a second tweet.
    List<OwnTweet> alice = List.of(new OwnTweet(A3, "req-1"), new OwnTweet(A2, "req-2"), new OwnTweet(A1, "req-1"));
    FinalState state = new FinalState(Map.of("alice", List.of("carol")), Map.of("carol", List.of(A3, A2, A1)),
        Map.of("alice", alice), 800);
    List<Op> history = List.of(
        new Op(1, OpType.post, "alice", 0, 0, 10, Outcome.ok, 201, 2, A1, "req-1", null, false),
        new Op(2, OpType.post, "alice", 0, 0, 10, Outcome.ok, 201, 1, A2, "req-2", null, false));

    DeliveryResult result = Delivery.check(history, state);

    assertEquals(1, result.duplicatedPosts());
    assertEquals(1, result.duplicated());
    assertEquals(List.of("req-1 -> " + A3 + ", " + A1), result.duplicateExamples());
    assertEquals(0, result.lost());
  }

  @Test
  void unreadableTimelinesAndUnansweredReadsAreCounted() {
    FinalState state = new FinalState(Map.of("alice", List.of("carol"), "carol", List.of()),
        Map.of("alice", List.of()), Map.of("alice", own(A1)), 800, 800,
        List.of("GET /users/carol/timeline on node 1: 503", "GET /users/carol/timeline on node 2: partial",
            "GET /users/carol/tweets on node 1: HttpTimeoutException"));

    DeliveryResult result = Delivery.check(List.of(post("alice", A1)), state);

    assertEquals(2, result.unreadableTimelines(), "carol's home and own timelines");
    assertEquals(1, result.uncheckedDeliveries());
    assertEquals(3, result.unansweredReads());
    assertEquals("GET /users/carol/timeline on node 1: 503", result.unansweredExamples().get(0));
  }

  @Test
  void aTweetOlderThanAFullTimelineWasPushedOutNotLost() {
    List<Op> history = List.of(post("alice", A1), post("alice", A2), post("alice", A3), post("bob", B2));
    FinalState state = new FinalState(
        Map.of("alice", List.of("carol", "dave"), "bob", List.of("carol")),
        Map.of(
            "carol", List.of(A3, B2),   // full (limit 2): A1 and A2 are older than B2, pushed out
            "dave", List.of(A3)),       // not full: A1 and A2 are lost
        Map.of("alice", own(A3, A2), "bob", own(B2)),   // alice's is full: A1 pushed out
        2);

    DeliveryResult result = Delivery.check(history, state);

    assertEquals(2 + 3 + 2 + 1, result.expectedDeliveries(), "own: alice's A2, A3 and bob's B2");
    assertEquals(2, result.lost());
    assertEquals(List.of(A1 + " -> dave", A2 + " -> dave"), result.lostExamples());
  }

  /** Each timeline is judged by its own bound: the nodes may keep fewer own tweets than home entries. */
  @Test
  void homeAndOwnTimelinesAreJudgedByTheirOwnBounds() {
    List<Op> history = List.of(post("alice", A1), post("alice", A2), post("alice", A3));
    Map<String, List<String>> followers = Map.of("alice", List.of("carol"));
    Map<String, List<String>> homes = Map.of("carol", List.of(A3, A2));  // A1 missing
    Map<String, List<OwnTweet>> own = Map.of("alice", own(A3, A2));       // A1 missing

    // Home bound 2 (carol's is full: A1 pushed out), own bound 800 (alice's is not: A1 lost).
    DeliveryResult ownShort = Delivery.check(history, new FinalState(followers, homes, own, 2, 800, List.of()));
    assertEquals(List.of(A1 + " -> alice (own timeline)"), ownShort.lostExamples());
    // The other way round: carol lost A1, alice's own timeline pushed it out.
    DeliveryResult homeShort = Delivery.check(history, new FinalState(followers, homes, own, 800, 2, List.of()));
    assertEquals(List.of(A1 + " -> carol"), homeShort.lostExamples());
  }

  @Test
  void aFullTimelineMissingATweetNewerThanItsOldestLostIt() {
    FinalState state = new FinalState(Map.of("alice", List.of("carol")),
        Map.of("carol", List.of(A3, A1)), Map.of("alice", own(A3, A2)), 2);

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
