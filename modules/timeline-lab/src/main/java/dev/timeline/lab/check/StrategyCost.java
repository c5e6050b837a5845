package dev.timeline.lab.check;

import dev.timeline.lab.history.Counters;
import java.util.Map;

/**
 * What the fan-out strategy cost over the measured run, from every node's /metrics read at its
 * start and end (summed over nodes, each node's end minus its start).
 *
 * @param counted         the counters' differences, summed over the nodes read both times
 * @param nodesRead       nodes whose /metrics answered at the start and at the end
 * @param writesPerPost   home-timeline writes per post (null without posts): followers under
 *                        push, 0 under pull
 * @param entitiesPerRead user entities asked per home read (null without reads): 1 under push,
 *                        1 + followees under pull
 */
public record StrategyCost(Counters counted, int nodesRead, Double writesPerPost, Double entitiesPerRead) {

  /** Per node index, the readings at the start and at the end; a node missing from either is left out. */
  public static StrategyCost of(Map<Integer, Counters> start, Map<Integer, Counters> end) {
    Counters sum = Counters.ZERO;
    int read = 0;
    for (var node : end.entrySet()) {
      Counters before = start.get(node.getKey());
      if (before == null) continue;
      sum = sum.plus(node.getValue().since(before));
      read++;
    }
    return new StrategyCost(sum, read,
        sum.posts() == 0 ? null : (double) sum.timelineWrites() / sum.posts(),
        sum.homeReads() == 0 ? null : (double) sum.entitiesAsked() / sum.homeReads());
  }
}
