package dev.timeline.lab.history;

/**
 * Fan-out lag of one acknowledged post as seen by one follower: the post was acknowledged at
 * {@code ackedMs}; a poll of the follower's home timeline first showed it at {@code visibleMs}
 * (null if it never did while the lab watched).
 */
public record LagSample(String tweetId, String author, String follower, double ackedMs, Double visibleMs) {
  public Double lagMs() {
    return visibleMs == null ? null : visibleMs - ackedMs;
  }
}
