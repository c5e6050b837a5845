package dev.timeline.lab.history;

import java.util.List;
import java.util.Map;

/**
 * What the lab read back after healing and a settle period (warm), or after a cold restart of
 * the whole cluster from the journal (cold), for the end-of-run checks.
 *
 * @param followersOf     the follow graph of the run: user -> its followers (fixed for the run);
 *                        its keys are every user
 * @param homeTimelines   user -> the tweet ids of its home timeline, newest first, as read
 *                        (a user missing here could not be read)
 * @param userTimelines   author -> its own tweets, newest first, with their request ids (a user
 *                        missing here could not be read)
 * @param homeTimelineLimit the bound on a home timeline's length, as the nodes say it (800): older tweets may be gone
 * @param userTimelineLimit the bound on an own timeline's length, likewise
 * @param unansweredReads read-back requests that got no whole answer (no answer, not 200, or a
 *                        partial page), each as "GET path on node N: why", even when another
 *                        attempt then read the timeline
 */
public record FinalState(
    Map<String, List<String>> followersOf,
    Map<String, List<String>> homeTimelines,
    Map<String, List<OwnTweet>> userTimelines,
    int homeTimelineLimit,
    int userTimelineLimit,
    List<String> unansweredReads) {

  public FinalState {
    unansweredReads = List.copyOf(unansweredReads);
  }

  /** Every read answered at once; one bound for home and own timelines. */
  public FinalState(Map<String, List<String>> followersOf, Map<String, List<String>> homeTimelines,
      Map<String, List<OwnTweet>> userTimelines, int timelineLimit) {
    this(followersOf, homeTimelines, userTimelines, timelineLimit, timelineLimit, List.of());
  }
}
