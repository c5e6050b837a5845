package dev.timeline.lab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.timeline.lab.history.OpType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepSpecTest {
  static final Path SHIPPED = Path.of("../../config/sweeps");

  @TempDir Path dir;

  SweepSpec parse(String hocon) throws IOException {
    return SweepResults.spec(dir, hocon);
  }

  @Test
  void everyPointIsTheBaseWithItsXAndSeriesValuesSeriesOuter() throws IOException {
    SweepSpec s = parse("""
        sweep {
          name = rates, question = "how fast?"
          base { graph.users = 50, load.mix { post = 20, home = 50, user = 30 } }
          x { key = load.rate, values = [50, 100, 200] }
          series { key = cluster.strategy, values = [push, pull] }
        }
        """);
    List<SweepPoint.Plan> points = s.points();
    assertEquals(6, points.size());
    assertEquals(List.of(50.0, 100.0, 200.0, 50.0, 100.0, 200.0), points.stream().map(p -> p.experiment().load().rate()).toList());
    assertEquals(List.of("push", "push", "push", "pull", "pull", "pull"), points.stream().map(p -> p.experiment().cluster().strategy()).toList());
    assertEquals("cluster.strategy pull, load.rate 100", points.get(4).label());
    var e = points.get(0).experiment();
    assertEquals(50, e.graph().users(), "base keys kept");
    assertEquals(20, e.load().mix().get(OpType.post));
    assertEquals(Duration.ofSeconds(20), e.duration(), "short points by default");
    assertEquals(Duration.ofSeconds(5), e.warmUp());
    assertEquals(Duration.ofSeconds(10), e.load().lagTimeout());
    assertTrue(e.faults().isEmpty());
    assertTrue(s.x().numeric());
    assertEquals(0.9, s.throughputRatio());
  }

  @Test
  void aWholeMixCanBeAValueAndTheDurationIsOverridden() throws IOException {
    Path file = dir.resolve("mix.conf");
    Files.writeString(file, """
        sweep {
          name = mix
          x { key = load.mix, values = [{ post = 50, home = 30, user = 20 }, { post = 5, home = 60, user = 35 }] }
        }
        """);
    SweepSpec s = SweepSpec.load(file, ConfigFactory.parseMap(Map.of("sweep.base.duration", "7s")));
    assertEquals("home=30 post=50 user=20", s.x().label(0));
    assertEquals(false, s.x().numeric());
    assertNull(s.x().number(0));
    assertNull(s.series());
    assertEquals(5, s.points().get(1).experiment().load().mix().get(OpType.post));
    assertEquals(Duration.ofSeconds(7), s.points().get(1).experiment().duration());
  }

  @Test
  void badSweepsAreRefusedWithTheirKey() {
    assertBad("sweep.x.key", "sweep { x { key = load.rat, values = [1] } }");
    assertBad("sweep.x.key", "sweep { x { key = faults, values = [[]] } }");
    assertBad("sweep.x.values", "sweep { x { key = load.rate, values = [] } }");
    assertBad("sweep.series.key", "sweep { x { key = load.rate, values = [1] }, series { key = load.rate, values = [2] } }");
    assertBad("experiment.load.rate", "sweep { x { key = load.rate, values = [10, -1] } }");
    assertBad("experiment.cluster.strategy", "sweep { x { key = load.rate, values = [10] }, series { key = cluster.strategy, values = [push, pul] } }");
    assertBad("sweep.name", "sweep { name = \"a b\", x { key = load.rate, values = [1] } }");
    assertBad("sweep.saturation.throughput-ratio", "sweep { x { key = load.rate, values = [1] }, saturation.throughput-ratio = 2 }");
  }

  @Test
  void everyShippedSweepParses() throws IOException {
    try (Stream<Path> files = Files.list(SHIPPED)) {
      List<Path> all = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
      assertTrue(all.size() >= 4, "the shipped sweeps: " + all);
      for (Path file : all) {
        SweepSpec s = SweepSpec.load(file, ConfigFactory.empty());
        assertTrue(!s.question().isBlank(), file + " says which question it answers");
        assertTrue(s.points().size() >= 2, file + " has points");
      }
    }
  }

  void assertBad(String key, String hocon) {
    Exception e = assertThrows(ConfigException.class, () -> parse(hocon));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }
}
