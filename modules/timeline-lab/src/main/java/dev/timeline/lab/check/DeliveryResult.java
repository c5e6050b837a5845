package dev.timeline.lab.check;

import java.util.List;

/**
 * The end-of-run delivery check.
 *
 * @param ackedPosts          posts acknowledged (outcome ok)
 * @param expectedDeliveries  (acknowledged post, follower) pairs checked: the follower's timeline
 *                            was read and still reaches back to the post
 * @param lost                checked deliveries missing from the follower's home timeline
 * @param duplicated          repeats of a tweet id within one home timeline, over all timelines
 * @param outOfOrderTimelines home timelines where a tweet sorts after an earlier one (newest first
 *                            is the rule)
 * @param unreadable          deliveries not checked because the follower's timeline could not be read
 * @param infoPosts           posts whose outcome is unknown (info): they may or may not exist, and
 *                            the lab cannot tell which tweet id a request id would have become
 * @param lostExamples        up to 10 lost deliveries, as "tweetId -> follower"
 */
public record DeliveryResult(
    int ackedPosts,
    long expectedDeliveries,
    long lost,
    long duplicated,
    int outOfOrderTimelines,
    int unreadable,
    int infoPosts,
    List<String> lostExamples) {

  public DeliveryResult {
    lostExamples = List.copyOf(lostExamples);
  }
}
