package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.timeline.lab.sweep.SweepResults;
import dev.timeline.lab.sweep.SweepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every thread a run starts (HTTP clients, timers, the nemesis, read-back pools) ends with the run. */
class LabThreadsTest {
  @TempDir Path root;

  static final String BASE = """
      duration = 1s, warm-up = 1s, settle = 0s, dashboard.enabled = false
      cluster.nodes = 1
      graph { users = 20, mean-followers = 0 }
      load { rate = 40, lag-sample = 0 }
      """;

  @Test
  void sweepsAndExperimentsLeaveNoThreadBehind() throws Exception {
    try (StandInCluster cluster = StandInCluster.start(root)) {
      Set<Long> before = Thread.getAllStackTraces().keySet().stream().map(Thread::getId).collect(Collectors.toSet());
      int startCount = Thread.activeCount();
      SweepSpec sweep = SweepResults.spec(Files.createDirectories(root.resolve("spec")),
          "sweep { name = t, base { " + BASE + " }, x { key = load.rate, values = [20, 40] } }");
      Path file = root.resolve("e.conf");
      Files.writeString(file, "experiment { name = e, " + BASE + ", faults = [{ at = 0s, do = pause, node = 1 }] }");
      Experiment experiment = Experiment.load(file, ConfigFactory.empty());
      for (int i = 0; i < 3; i++) {
        new SweepRunner(sweep, root, root.resolve("results/sweep-" + i)).run();
        new Runner(experiment, root, root.resolve("results/run-" + i)).run();
      }
      System.out.printf("threads: %d before, %d right after 3 sweeps and 3 experiments%n", startCount, Thread.activeCount());
      // Closed threads take a moment to end (and the JDK's own clients, e.g. the dashboard's, only once collected).
      long deadline = System.nanoTime() + 30_000_000_000L;
      List<String> left;
      do {
        System.gc();
        Thread.sleep(200);
        left = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && !before.contains(t.getId()) && !jvmWide(t.getName())).map(Thread::getName).sorted().toList();
      } while (!left.isEmpty() && System.nanoTime() < deadline);
      System.out.printf("threads: %d once settled%n", Thread.activeCount());
      assertEquals(List.of(), left, "threads the runs started and left running");
    }
  }

  /** The stand-in's pool, and threads the JDK starts once per JVM (child processes, request deadlines). */
  private static boolean jvmWide(String name) {
    return name.equals(StandInCluster.THREADS) || name.equals("process reaper") || name.startsWith("ForkJoinPool.commonPool")
        || name.equals("CompletableFutureDelayScheduler");
  }
}
