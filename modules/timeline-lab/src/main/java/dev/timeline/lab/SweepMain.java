package dev.timeline.lab;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.timeline.lab.sweep.Saturation.SeriesSaturation;
import dev.timeline.lab.sweep.SweepResult;
import dev.timeline.lab.sweep.SweepSpec;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scripts/sweep FILE}: runs a sweep's points against local clusters and writes sweep.html/json/csv. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
        "Runs a sweep: the base experiment once per value of one or two varied parameters (load rate, mix,",
        "mean followers, celebrity size, followees, node count, strategy, ...), each point a short experiment",
        "against a cluster it starts with scripts/cluster (restarted only when a cluster or graph parameter",
        "changes). Writes results/<time>-sweep-<name>/ with sweep.html (charts), sweep.json and sweep.csv,",
        "and rewrites results/index.html (the list of past runs and sweeps)."},
    footer = {
        "",
        "The file format: docs/sweeps.md; every key with its default: modules/timeline-lab/src/main/resources/reference.conf.",
        "Exit status: 0 when every point was measured (saturated or not), 1 when a point could not be,",
        "2 for a bad file or option, 3 when the sweep itself broke."})
public final class SweepMain implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "A sweep file, e.g. config/sweeps/hockey-stick.conf")
  Path file;

  @Option(names = "--out", paramLabel = "DIR", description = "Results directory (default: results/<time>-sweep-<name>).")
  Path out;

  @Option(names = "--points-duration", paramLabel = "DURATION", description = "Override the measured run of every point (e.g. 10s).")
  String pointsDuration;

  @Option(names = "--warm-up", paramLabel = "DURATION", description = "Override the warm-up of every point (e.g. 3s).")
  String warmUp;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SweepMain()).execute(args));
  }

  @Override
  public Integer call() {
    Path root = Path.of(System.getProperty("timeline.root", ".")).toAbsolutePath().normalize();
    Map<String, Object> overrides = new HashMap<>();
    if (pointsDuration != null) overrides.put("sweep.base.duration", pointsDuration);
    if (warmUp != null) overrides.put("sweep.base.warm-up", warmUp);
    SweepSpec spec;
    try {
      spec = SweepSpec.load(file, ConfigFactory.parseMap(overrides));
    } catch (ConfigException | IllegalArgumentException e) {
      Console.error("sweep: " + file + ": " + e.getMessage());
      return 2;
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path results = out != null ? out : root.resolve("results").resolve(stamp + "-sweep-" + spec.name());
    SweepResult result;
    try {
      result = new SweepRunner(spec, root, results).run();
    } catch (Exception broke) {
      Console.error("sweep " + spec.name() + " broke: " + broke.getMessage(), broke);
      return 3;
    } finally {
      LabMain.index(out != null ? LabMain.indexedParent(out) : results.getParent());
    }
    Console.printf("%n== sweep %s ==%n%s%n", spec.name(), spec.question());
    String x = spec.x().key();
    for (SeriesSaturation s : result.saturation())
      Console.printf(Locale.ROOT, "  %-28s %s%s%n",
          s.series() == null ? "all points" : spec.series().key() + " " + s.series(),
          s.held() == null ? "held at no point" : "held up to " + x + " " + s.held(),
          s.firstSaturated() == null ? " (no point saturated)" : " (first saturated at " + x + " " + s.firstSaturated() + ")");
    Console.println("charts: " + results.resolve("sweep.html"));
    return result.points().stream().allMatch(p -> p.error() == null) ? 0 : 1;
  }
}
