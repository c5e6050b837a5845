package dev.timeline.lab;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.timeline.lab.report.HtmlReport;
import dev.timeline.lab.report.Report;
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
        "results/<time>-<name>/ with report.html, report.json, history.jsonl and the node logs."},
    footer = {
        "",
        "Every key of an experiment file is documented in modules/timeline-lab/src/main/resources/reference.conf.",
        "With several files, they run one after the other and a side-by-side page compare.html is written too.",
        "Exit status: 0 when every expectation holds, 1 when one does not, 2 for a bad file or option,",
        "3 when the run itself broke (the cluster would not start, ...)."})
public final class LabMain implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Experiment files, e.g. config/experiments/crash-one-node.conf")
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

  public static void main(String[] args) {
    System.exit(new CommandLine(new LabMain()).execute(args));
  }

  @Override
  public Integer call() {
    Path root = Path.of(System.getProperty("timeline.root", ".")).toAbsolutePath().normalize();
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
        System.err.println("experiment: " + file + ": " + e.getMessage());
        return 2;
      }
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    List<Report> reports = new ArrayList<>();
    for (Experiment e : experiments) {
      Path results = experiments.size() == 1 && out != null ? out
          : (out != null ? out : root.resolve("results")).resolve(stamp + "-" + e.name());
      try {
        Report report = new Runner(e, root, results).run();
        reports.add(report);
        Console.printVerdict(report, results);
      } catch (Exception failure) {
        System.err.println("experiment " + e.name() + " broke: " + failure.getMessage());
        failure.printStackTrace();
        return 3;
      }
    }
    if (reports.size() > 1) {
      Path compare = (out != null ? out : root.resolve("results")).resolve(stamp + "-compare.html");
      try {
        Files.createDirectories(compare.getParent());
        HtmlReport.writeComparison(reports, compare);
        System.out.println("side by side: " + compare);
      } catch (Exception e) {
        System.err.println("could not write " + compare + ": " + e.getMessage());
        return 3;
      }
    }
    return reports.stream().allMatch(Report::passed) ? 0 : 1;
  }
}
