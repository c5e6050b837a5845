package dev.timeline.lab.history;

/**
 * One client operation, one line of {@code history.jsonl}. Times are milliseconds since the run
 * started (fractions carry microseconds). Latency is measured from {@code intendedMs}, the time
 * the open-model schedule meant the request to start, not from when it was sent, so a stalled
 * system cannot hide its stall (no coordinated omission).
 *
 * @param id         sequence number in schedule order
 * @param type       {@link OpType}
 * @param user       the user operated on (the author of a post, the reader of a timeline)
 * @param intendedMs when the schedule meant it to start
 * @param invokeMs   when it was actually sent (first attempt)
 * @param completeMs when its final answer (or give-up) arrived
 * @param outcome    ok, fail (definitely not applied) or info (unknown, e.g. a post that timed out)
 * @param status     HTTP status of the final attempt, 0 when there was no answer
 * @param attempts   attempts made (retries with the same request id count)
 * @param tweetId    for an ok post, the tweet id; otherwise null
 * @param requestId  for a post, its client request id; otherwise null
 * @param error      a short reason when not ok, else null
 * @param partial    for an ok home-timeline read, whether the page said {@code "partial": true}
 *                   (under pull or hybrid, a followee did not answer in time and was left out);
 *                   false otherwise
 */
public record Op(
    long id,
    OpType type,
    String user,
    double intendedMs,
    double invokeMs,
    double completeMs,
    Outcome outcome,
    int status,
    int attempts,
    String tweetId,
    String requestId,
    String error,
    boolean partial) {

  public double latencyMs() {
    return completeMs - intendedMs;
  }
}
