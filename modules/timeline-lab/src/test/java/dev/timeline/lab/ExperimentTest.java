package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentTest {
  static final Path SHIPPED = Path.of("../../config/experiments");

  @TempDir Path dir;

  Experiment parse(String hocon) throws IOException {
    Path file = dir.resolve("e.conf");
    Files.writeString(file, hocon);
    return Experiment.load(file, ConfigFactory.empty());
  }

  @Test
  void everyShippedExperimentParsesAndSchedulesItsFaultsInOrder() throws IOException {
    try (Stream<Path> files = Files.list(SHIPPED)) {
      List<Path> all = files.filter(f -> f.toString().endsWith(".conf")).toList();
      assertTrue(all.size() >= 6, "six shipped experiments: " + all);
      for (Path file : all) {
        Experiment e = Experiment.load(file, ConfigFactory.empty());
        assertTrue(!e.faults().isEmpty(), file + " injects faults");
        for (int i = 1; i < e.faults().size(); i++)
          assertTrue(e.faults().get(i - 1).at().compareTo(e.faults().get(i).at()) <= 0, file + " in time order");
      }
    }
  }

  @Test
  void theNaiveCrashIsTheFlagshipWithAnotherProfile() {
    Experiment resilient = Experiment.load(SHIPPED.resolve("crash-one-node.conf"), ConfigFactory.empty());
    Experiment naive = Experiment.load(SHIPPED.resolve("crash-one-node-naive.conf"), ConfigFactory.empty());
    assertEquals("resilient", resilient.cluster().profile());
    assertEquals("naive", naive.cluster().profile());
    assertEquals(resilient.faults(), naive.faults());
  }

  @Test
  void defaultsComeFromTheReferenceAndOverridesWin() throws IOException {
    Experiment e = parse("experiment { name = x, faults = [{ at = 5s, do = crash, node = 2 }] }");
    assertEquals(50, e.load().rate());
    assertEquals(3, e.cluster().nodes());
    assertEquals(List.of(new Experiment.FaultStep(Duration.ofSeconds(5), "crash", List.of(2), List.of(), null)), e.faults());
    Path file = dir.resolve("e.conf");
    Experiment shorter = Experiment.load(file, ConfigFactory.parseMap(Map.of("experiment.duration", "7s")));
    assertEquals(Duration.ofSeconds(7), shorter.duration());
  }

  @Test
  void badValuesAreRefusedWithTheirKey() {
    assertBad("experiment.cluster.profile", "experiment.cluster.profile = careless");
    assertBad("experiment.faults.do", "experiment.faults = [{ at = 1s, do = explode, node = 1 }]");
    assertBad("experiment.faults", "experiment.faults = [{ at = 1s, do = crash }]");
    assertBad("experiment.faults.node", "experiment.faults = [{ at = 1s, do = crash, node = 7 }]");
    assertBad("experiment.load.rate", "experiment.load.rate = 0");
    assertBad("experiment.graph.skew", "experiment.graph.skew = 1");
    assertBad("experiment.faults", "experiment.faults = [{ at = 1s, do = slow, node = 1 }]");
    assertBad("experiment.cluster.strategy", "experiment.cluster.strategy = broadcast");
    assertBad("experiment.cluster.node-capacity", "experiment.cluster.node-capacity = -1");
    assertBad("experiment.graph.celebrity-followers", "experiment.graph.celebrity-followers = 1.5");
    assertBad("experiment.graph.followees", "experiment.graph { users = 10, followees = 10 }");
  }

  @Test
  void strategyAndCapacityBecomeOptionsOfScriptsClusterStart() throws IOException {
    Experiment e = parse("experiment { cluster { nodes = 2, strategy = hybrid, hybrid-threshold = 50, node-capacity = 40 } }");
    assertEquals(List.of("start", "2", "--journal", "h2", "--profile", "resilient", "--strategy", "hybrid",
        "--hybrid-threshold", "50", "--node-capacity", "40"), e.cluster().startArgs());
    Experiment defaults = parse("experiment { }");
    assertEquals("push", defaults.cluster().strategy());
    assertEquals(0, defaults.cluster().nodeCapacity());
    assertEquals(0, defaults.graph().celebrities());
  }

  void assertBad(String key, String hocon) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(hocon));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }
}
