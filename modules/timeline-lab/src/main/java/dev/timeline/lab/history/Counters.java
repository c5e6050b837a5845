package dev.timeline.lab.history;

/**
 * One node's {@code GET /metrics}: what the fan-out strategy cost on it since it started.
 *
 * @param posts          posts whose fan-out ran on this node
 * @param timelineWrites home-timeline insertions that fan-out made
 * @param homeReads      home-timeline reads this node served
 * @param entitiesAsked  user entities those reads asked (1 under push; 1 + followees under pull)
 * @param partialReads   of those reads, the ones answered partial (a followee did not answer in time)
 */
public record Counters(long posts, long timelineWrites, long homeReads, long entitiesAsked, long partialReads) {

  public static final Counters ZERO = new Counters(0, 0, 0, 0, 0);

  public Counters plus(Counters o) {
    return new Counters(posts + o.posts, timelineWrites + o.timelineWrites, homeReads + o.homeReads,
        entitiesAsked + o.entitiesAsked, partialReads + o.partialReads);
  }

  /**
   * What was counted between {@code start} and this later reading of the same node. A counter
   * that went down means the node restarted in between: its counts are then since the restart.
   */
  public Counters since(Counters start) {
    boolean restarted = posts < start.posts || timelineWrites < start.timelineWrites || homeReads < start.homeReads
        || entitiesAsked < start.entitiesAsked || partialReads < start.partialReads;
    if (restarted) return this;
    return new Counters(posts - start.posts, timelineWrites - start.timelineWrites, homeReads - start.homeReads,
        entitiesAsked - start.entitiesAsked, partialReads - start.partialReads);
  }
}
