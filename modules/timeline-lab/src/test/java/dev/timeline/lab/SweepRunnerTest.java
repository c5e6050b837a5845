package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.timeline.lab.sweep.SweepPoint;
import dev.timeline.lab.sweep.SweepResults;
import dev.timeline.lab.sweep.SweepSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster start plus graph load is the slow part: points that can share a cluster run back to back. */
class SweepRunnerTest {
  @TempDir Path dir;

  SweepSpec parse(String hocon) throws IOException {
    return SweepResults.spec(dir, hocon);
  }

  @Test
  void loadOnlyPointsShareOneClusterPerSeriesValue() throws IOException {
    SweepSpec s = parse("sweep { x { key = load.rate, values = [10, 20, 40] }, series { key = cluster.strategy, values = [push, pull] } }");
    List<SweepPoint.Plan> ordered = SweepRunner.inClusterOrder(s.points());
    assertEquals(List.of(0, 1, 2, 3, 4, 5), ordered.stream().map(SweepPoint.Plan::index).toList(), "already grouped");
    assertEquals(2, SweepRunner.clusterStarts(ordered));
  }

  @Test
  void aClusterParameterOnXIsRegroupedSoEachClusterStartsOnce() throws IOException {
    SweepSpec s = parse("sweep { x { key = cluster.nodes, values = [1, 2] }, series { key = load.rate, values = [10, 20, 40] } }");
    assertEquals(6, SweepRunner.clusterStarts(s.points()), "series outer, x inner: a restart per point");
    List<SweepPoint.Plan> ordered = SweepRunner.inClusterOrder(s.points());
    assertEquals(List.of(0, 2, 4, 1, 3, 5), ordered.stream().map(SweepPoint.Plan::index).toList());
    assertEquals(2, SweepRunner.clusterStarts(ordered));
  }

  @Test
  void aGraphParameterNeedsItsOwnCluster() throws IOException {
    SweepSpec s = parse("sweep { x { key = graph.mean-followers, values = [5, 10] } }");
    assertEquals(2, SweepRunner.clusterStarts(SweepRunner.inClusterOrder(s.points())));
  }
}
