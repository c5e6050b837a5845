package dev.timeline.lab.check;

import java.util.List;

/**
 * The end-of-run delivery check against one read-back.
 *
 * @param ackedPosts          posts acknowledged (outcome ok)
 * @param infoPosts           posts of unknown outcome (info), resolved below
 * @param infoAppeared        of those, the ones whose request id is in the author's own timeline:
 *                            they happened, and are checked like acknowledged ones
 * @param infoNotAppeared     of those, the ones whose request id is not in the author's readable,
 *                            not full, own timeline: they did not happen
 * @param unresolvedPosts     info posts whose author's own timeline could not be read or is full
 *                            (absence proves nothing), plus acknowledged posts whose tweet carries
 *                            another request id (the request ids cannot be trusted to resolve)
 * @param expectedDeliveries  (post, timeline) pairs checked: the author's own timeline and each
 *                            follower's home timeline that was read and still reaches back to it
 * @param lost                checked deliveries missing
 * @param duplicated          every duplicate: a tweet id repeated within one timeline (home or
 *                            own), plus {@code duplicatedPosts}
 * @param duplicatedPosts     tweets beyond the first that one request id produced
 * @param outOfOrderTimelines timelines where a tweet sorts after an earlier one (newest first is
 *                            the rule)
 * @param uncheckedDeliveries deliveries not checked because the follower's home timeline could not be read
 * @param unreadableTimelines home and own timelines (two per user) the read-back could not read
 * @param unansweredReads     read-back requests without a whole answer, even if a retry then read
 *                            the timeline
 * @param lostExamples        up to 10, as "tweetId -> follower" or "tweetId -> author (own timeline)"
 * @param duplicateExamples   up to 10, as "requestId -> tweetId, tweetId"
 * @param unresolvedExamples  up to 10, as "requestId: why"
 * @param unansweredExamples  up to 10, as "GET path on node N: why"
 */
public record DeliveryResult(
    int ackedPosts,
    int infoPosts,
    int infoAppeared,
    int infoNotAppeared,
    int unresolvedPosts,
    long expectedDeliveries,
    long lost,
    long duplicated,
    long duplicatedPosts,
    int outOfOrderTimelines,
    long uncheckedDeliveries,
    int unreadableTimelines,
    int unansweredReads,
    List<String> lostExamples,
    List<String> duplicateExamples,
    List<String> unresolvedExamples,
    List<String> unansweredExamples) {

  public DeliveryResult {
    lostExamples = List.copyOf(lostExamples);
    duplicateExamples = List.copyOf(duplicateExamples);
    unresolvedExamples = List.copyOf(unresolvedExamples);
    unansweredExamples = List.copyOf(unansweredExamples);
  }
}
