package dev.timeline.lab.history;

import java.util.List;
import java.util.Map;

/**
 * What the lab read back after healing and a settle period, for the end-of-run checks.
 *
 * @param followersOf   the follow graph of the run: user -> its followers (fixed for the run)
 * @param homeTimelines user -> the tweet ids of its home timeline, newest first, as read
 *                      (a user missing here could not be read)
 * @param userTimelines author -> the ids of its own tweets, newest first, as read
 * @param timelineLimit the bound on a home timeline's length (800): older tweets may be gone
 */
public record FinalState(
    Map<String, List<String>> followersOf,
    Map<String, List<String>> homeTimelines,
    Map<String, List<String>> userTimelines,
    int timelineLimit) {}
