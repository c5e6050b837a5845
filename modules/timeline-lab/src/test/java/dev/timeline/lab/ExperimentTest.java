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
      assertTrue(all.size() >= 9, "nine shipped experiments: " + all);
      for (Path file : all) {
        Experiment e = Experiment.load(file, ConfigFactory.empty());
        assertTrue(!e.faults().isEmpty(), file + " injects faults");
        for (int i = 1; i < e.faults().size(); i++)
          assertTrue(e.faults().get(i - 1).at().compareTo(e.faults().get(i).at()) <= 0, file + " in time order");
      }
    }
  }

  @Test
  void theNewFaultsParseAsStepsAndAPauseStormNeedsItsShape() throws IOException {
    Experiment e = parse("""
        experiment.faults = [
          { at = 10s, do = pause-storm, node = 3, count = 20, pause = 1500ms, gap = 1500ms }
          { at = 20s, do = journal-crash }
          { at = 25s, do = journal-start }
          { at = 20s, do = crash-all }
          { at = 30s, do = start-all }
        ]
        """);
    assertEquals(List.of("pause-storm", "journal-crash", "crash-all", "journal-start", "start-all"),
        e.faults().stream().map(f -> f.fault().verb()).toList());
    assertEquals(new Fault.PauseStorm(3, new Fault.Storm(20, Duration.ofMillis(1500), Duration.ofMillis(1500))), e.faults().get(0).fault());
    assertEquals(new Fault.CrashAll(), e.faults().get(2).fault(), "crash-all names no node");
    assertBad("experiment.faults", "experiment.faults = [{ at = 1s, do = pause-storm, node = 3 }]");
    assertBad("experiment.faults", "experiment.faults = [{ at = 1s, do = pause-storm, count = 2, pause = 1s, gap = 1s }]");
    assertBad("experiment.faults.count", "experiment.faults = [{ at = 1s, do = pause-storm, node = 3, count = 0, pause = 1s, gap = 1s }]");
  }

  @Test
  void theNewFaultExperimentsExpectNothingLostOrDoubled() {
    for (String name : List.of("journal-crash", "power-loss", "pause-storm")) {
      Experiment e = Experiment.load(SHIPPED.resolve(name + ".conf"), ConfigFactory.empty());
      for (String key : List.of("lost", "duplicated", "unreadable-timelines", "unresolved-posts", "unanswered-reads", "interleaved-writers"))
        assertEquals(0, e.expect().getInt(key), name + " expects " + key + " = 0");
    }
    Experiment storm = Experiment.load(SHIPPED.resolve("pause-storm.conf"), ConfigFactory.empty());
    Fault.Storm shape = ((Fault.PauseStorm) storm.faults().get(0).fault()).storm();
    assertTrue(shape.count() >= 20 && shape.pause().toMillis() == 1500, "at least 20 pauses of 1.5 s: " + shape);
    Duration stormEnds = storm.faults().get(0).at().plus(shape.pause().plus(shape.gap()).multipliedBy(shape.count()));
    assertTrue(storm.duration().compareTo(stormEnds) >= 0, "posting goes on through the whole storm");
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
    assertEquals(List.of(new Experiment.FaultStep(Duration.ofSeconds(5), new Fault.Crash(2))), e.faults());
    Path file = dir.resolve("e.conf");
    Experiment shorter = Experiment.load(file, ConfigFactory.parseMap(Map.of("experiment.duration", "7s")));
    assertEquals(Duration.ofSeconds(7), shorter.duration());
  }

  @Test
  void badValuesAreRefusedWithTheirKey() {
    assertBad("experiment.cluster.profile", "experiment.cluster.profile = careless");
    assertBad("experiment.faults.do", "experiment.faults = [{ at = 1s, do = explode, node = 1 }]");
    assertBad("experiment.faults", "experiment.faults = [{ at = 1s, do = crash }]");
    assertBad("experiment.faults", "experiment.faults = [{ at = 1s, do = crash, nodes = [1, 2] }]");
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
    assertEquals(List.of("start", "2", "--fresh", "--journal", "h2", "--profile", "resilient", "--strategy", "hybrid",
        "--hybrid-threshold", "50", "--node-capacity", "40", "--no-dashboard"), e.cluster().startArgs(true));
    assertEquals(List.of("start", "2", "--journal", "h2", "--profile", "resilient", "--strategy", "hybrid",
        "--hybrid-threshold", "50", "--node-capacity", "40", "--no-dashboard"), e.cluster().startArgs(false), "on the data already there");
    assertEquals(java.util.OptionalInt.of(8091), parse("experiment.dashboard { enabled = on, port = 8091 }").dashboardPort(),
        "the lab serves its own dashboard");
    assertEquals(java.util.OptionalInt.empty(), parse("experiment.dashboard.enabled = off").dashboardPort());
    Experiment defaults = parse("experiment { }");
    assertEquals("push", defaults.cluster().strategy());
    assertEquals(0, defaults.cluster().nodeCapacity());
    assertEquals(0, defaults.graph().celebrities());
  }

  @Test
  void networkNamespacesAreAClusterOption() throws IOException {
    assertTrue(!parse("experiment { }").cluster().startArgs(true).contains("--hosts"), "loopback: the command line of before");
    List<String> args = parse("experiment { cluster.hosts = netns }").cluster().startArgs(false);
    int hosts = args.indexOf("--hosts");
    assertTrue(hosts >= 0, "--hosts in " + args);
    assertEquals("netns", args.get(hosts + 1));
    assertBad("experiment.cluster.hosts", "experiment.cluster.hosts = docker");
    Experiment shipped = Experiment.load(SHIPPED.resolve("crash-one-node-netns.conf"), ConfigFactory.empty());
    assertEquals("netns", shipped.cluster().hosts());
    assertEquals(Experiment.load(SHIPPED.resolve("crash-one-node.conf"), ConfigFactory.empty()).faults(), shipped.faults(),
        "the same crash as crash-one-node");
  }

  @Test
  void theFrontDoorIsAClusterOptionAndWhereTheLoadGoes() throws IOException {
    Experiment defaults = parse("experiment { }");
    assertTrue(!defaults.cluster().frontDoor() && !defaults.load().throughFrontDoor(), "off unless asked for: load goes to the nodes");
    assertTrue(!defaults.cluster().startArgs(true).contains("--front-door-port"));

    Experiment door = parse("experiment { cluster { front-door = true, front-door-port = 18080 }, load.through = front-door }");
    assertTrue(door.cluster().frontDoor() && door.load().throughFrontDoor());
    assertEquals(List.of("--front-door-port", "18080"), door.cluster().startArgs(false).subList(12, 14), "scripts/cluster start starts it too");
    Experiment doorOnly = parse("experiment { cluster.front-door = true }");
    assertTrue(doorOnly.cluster().frontDoor() && !doorOnly.load().throughFrontDoor(), "a front door the load does not use");

    Experiment shipped = Experiment.load(SHIPPED.resolve("crash-one-node-front-door.conf"), ConfigFactory.empty());
    assertTrue(shipped.cluster().frontDoor() && shipped.load().throughFrontDoor() && shipped.cluster().resilient());
    assertEquals(8080, shipped.cluster().frontDoorPort());
    Experiment direct = Experiment.load(SHIPPED.resolve("crash-one-node.conf"), ConfigFactory.empty());
    assertEquals(direct.faults(), shipped.faults(), "the same crash as crash-one-node");

    assertBad("experiment.load.through", "experiment { cluster.front-door = true, load.through = balancer }");
    assertBad("experiment.load.through", "experiment.load.through = front-door");
    assertBad("experiment.cluster.front-door-port", "experiment.cluster { front-door = true, front-door-port = 0 }");
  }

  void assertBad(String key, String hocon) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(hocon));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }
}
