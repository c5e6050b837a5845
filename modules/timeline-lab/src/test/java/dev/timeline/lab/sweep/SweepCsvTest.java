package dev.timeline.lab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SweepCsvTest {

  @Test
  void oneRowPerPointWithTheParametersFirst() {
    SweepResult r = SweepResults.sample(true);
    List<String> lines = SweepCsv.render(r).lines().toList();
    assertEquals(r.points().size() + 1, lines.size());
    String[] header = lines.get(0).split(",");
    assertEquals("cluster.strategy", header[0]);
    assertEquals("load.rate", header[1]);
    assertTrue(lines.get(0).contains("post_p999_ms") && lines.get(0).contains("writes_per_post") && lines.get(0).contains("lag_p99_ms"),
        lines.get(0));
    assertTrue(lines.get(1).startsWith("push,50,50.000,49.500,100,100,5.000,25.000,30.000,"), lines.get(1));
    assertTrue(lines.get(8).contains("\"post p99 2400 ms > 1000 ms, with a \"\"quote\"\", and </script>\""), "quoted: " + lines.get(8));
    assertTrue(lines.get(9).startsWith("push,800,800.000,0.000,,,,,,"), "a broken point has empty cells: " + lines.get(9));
  }

  @Test
  void cellsAreQuotedOnlyWhenNeeded() {
    assertEquals("pull", SweepCsv.cell("pull"));
    assertEquals("\"a,b\"", SweepCsv.cell("a,b"));
    assertEquals("", SweepCsv.cell(null));
  }
}
