package dev.timeline.lab;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.timeline.lab.report.Headline;
import dev.timeline.lab.report.HtmlReport;
import dev.timeline.lab.report.Report;
import dev.timeline.lab.report.ResultsIndex;
import dev.timeline.lab.report.StoredRun;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scripts/experiment FILE...}: runs experiments, writes their reports, exits 0 when all pass. */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = {
        "Runs an experiment against a local cluster it starts with scripts/cluster: loads a graph, drives an",
        "open-model load, injects the scheduled faults, checks every acknowledged tweet, and writes",
        "results/<time>-<name>/ with report.html, report.json, history.jsonl and the node logs, and rewrites",
        "results/index.html, the list of every past run with its verdicts."},
    footer = {
        "",
        "Every key of an experiment file is documented in modules/timeline-lab/src/main/resources/reference.conf.",
        "With several files, they run one after the other and a side-by-side page compare.html is written too.",
        "scripts/experiment --index [--out DIR] only rewrites the index of results/ (or of DIR).",
        "scripts/experiment --analyze DIR runs the checkers again on the run stored in DIR (history.jsonl, checked.json)",
        "and rebuilds its report.json and report.html, as Jepsen's analyze does.",
        "Exit status: 0 when every expectation holds, 1 when one does not, 2 for a bad file or option,",
        "3 when the run itself broke (the cluster would not start, ...); --analyze: 2 when DIR holds no stored run."})
public final class LabMain implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "Experiment files, e.g. config/experiments/crash-one-node.conf")
  List<Path> files;

  @Option(names = "--duration", paramLabel = "DURATION", description = "Override experiment.duration (e.g. 30s).")
  String duration;

  @Option(names = "--rate", paramLabel = "REQ/S", description = "Override experiment.load.rate.")
  Double rate;

  @Option(names = "--profile", paramLabel = "PROFILE", description = "Override experiment.cluster.profile: resilient or naive.")
  String profile;

  @Option(names = "--hosts", paramLabel = "MODE", description = "Override experiment.cluster.hosts: loopback or netns (network namespaces; root).")
  String hosts;

  @Option(names = "--out", paramLabel = "DIR", description = "Results directory (default: results/<time>-<name>); with several files, their parent.")
  Path out;

  @Option(names = "--index", description = "Only rewrite index.html, the list of past runs, in results/ (or in --out DIR), and exit.")
  boolean indexOnly;

  @Option(names = "--analyze", paramLabel = "DIR", description = "Run the checkers again on the run stored in DIR and rebuild its report; starts no cluster.")
  Path analyze;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LabMain()).execute(args));
  }

  @Override
  public Integer call() {
    Path root = Path.of(System.getProperty("timeline.root", ".")).toAbsolutePath().normalize();
    Path base = out != null ? out : root.resolve("results");
    if (indexOnly) {
      if (files != null && !files.isEmpty()) {
        Console.error("experiment: --index takes no FILE");
        return 2;
      }
      return index(base) ? 0 : 3;
    }
    if (analyze != null) {
      if (files != null && !files.isEmpty()) {
        Console.error("experiment: --analyze takes no FILE");
        return 2;
      }
      return analyze(analyze);
    }
    if (files == null || files.isEmpty()) {
      Console.error("experiment: no FILE given (see --help)");
      return 2;
    }
    Map<String, Object> overrides = new HashMap<>();
    if (duration != null) overrides.put("experiment.duration", duration);
    if (rate != null) overrides.put("experiment.load.rate", rate);
    if (profile != null) overrides.put("experiment.cluster.profile", profile);
    if (hosts != null) overrides.put("experiment.cluster.hosts", hosts);
    List<Experiment> experiments = new ArrayList<>();
    for (Path file : files) {
      try {
        experiments.add(Experiment.load(file, ConfigFactory.parseMap(overrides)));
      } catch (ConfigException e) {
        Console.error("experiment: " + file + ": " + e.getMessage());
        return 2;
      }
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    // A single run given --out DIR is DIR itself: the index lists its siblings.
    Path indexed = experiments.size() == 1 && out != null ? indexedParent(out) : base;
    try {
      return runAll(experiments, root, base, stamp);
    } finally {
      // Also after a run that broke: the index shows its directory as skipped, with why.
      index(indexed);
    }
  }

  private Integer runAll(List<Experiment> experiments, Path root, Path base, String stamp) {
    List<Report> reports = new ArrayList<>();
    for (Experiment e : experiments) {
      Path results = experiments.size() == 1 && out != null ? out : base.resolve(stamp + "-" + e.name());
      try {
        Report report = new Runner(e, root, results).run();
        reports.add(report);
        Console.printVerdict(report, results);
        Console.println(Headline.of(report).line());
      } catch (Exception failure) {
        Console.error("experiment " + e.name() + " broke: " + failure.getMessage(), failure);
        return 3;
      }
    }
    if (reports.size() > 1) {
      Path compare = base.resolve(stamp + "-compare.html");
      try {
        Files.createDirectories(compare.getParent());
        HtmlReport.writeComparison(reports, compare);
        Console.println("side by side: " + compare);
      } catch (Exception e) {
        Console.error("could not write " + compare + ": " + e.getMessage());
        return 3;
      }
    }
    return reports.stream().allMatch(Report::passed) ? 0 : 1;
  }

  /** The checkers again over the run stored in {@code dir}, its report rebuilt and its verdict printed. */
  static int analyze(Path dir) {
    if (!Files.isRegularFile(dir.resolve(StoredRun.FILE))) {
      Console.error("experiment: --analyze " + dir + ": no " + StoredRun.FILE + " there (runs store it since the lab's analyze was added)");
      return 2;
    }
    Report report;
    try {
      report = StoredRun.analyze(dir);
    } catch (UncheckedIOException e) {
      Console.error("experiment: --analyze " + dir + ": " + e.getMessage());
      return 2;
    }
    Console.printVerdict(report, dir);
    Console.println(Headline.of(report).line());
    index(indexedParent(dir));
    return report.passed() ? 0 : 1;
  }

  /**
   * The directory whose index lists a run written to {@code out}: its parent, unless that is a
   * shared place (/, /tmp, the home directory), where an index would list strangers' directories.
   * Null then.
   */
  static Path indexedParent(Path out) {
    Path parent = out.toAbsolutePath().normalize().getParent();
    List<Path> shared = List.of(Path.of("/"), Path.of("/tmp"), Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize(),
        Path.of(System.getProperty("user.home")).toAbsolutePath().normalize());
    return parent == null || shared.contains(parent) ? null : parent;
  }

  /** Rewrites {@code dir}/index.html; a failure is reported, never thrown: the runs it lists are already written. */
  static boolean index(Path dir) {
    if (dir == null) {
      Console.println("no index written beside --out in a shared directory (scripts/experiment --index --out DIR writes one)");
      return false;
    }
    if (!Files.isDirectory(dir)) {
      Console.println("no index written: " + dir + " is not a directory");
      return false;
    }
    try {
      ResultsIndex.Found found = ResultsIndex.write(dir);
      Console.printf("index of %d runs and %d sweeps%s: %s%n", found.runs().size(), found.sweeps().size(),
          found.skipped().isEmpty() ? "" : " (" + found.skipped().size() + " directories skipped, see its end)",
          dir.resolve(ResultsIndex.FILE));
      return true;
    } catch (RuntimeException e) {
      Console.println("could not write the index of " + dir + ": " + e.getMessage());
      return false;
    }
  }
}
