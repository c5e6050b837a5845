package dev.timeline.lab;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.timeline.lab.history.OpType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment file, read with the lab's reference.conf (which documents every key) as fallback.
 * Bad values fail here, before anything starts, with the key that is wrong.
 */
public record Experiment(
    String name,
    String description,
    Duration duration,
    Duration warmUp,
    Duration settle,
    ClusterSpec cluster,
    GraphSpec graph,
    LoadSpec load,
    List<FaultStep> faults,
    Config slo,
    Config expect,
    Config raw) {

  public record ClusterSpec(int nodes, String journal, String profile) {
    public boolean resilient() {
      return profile.equals("resilient");
    }
  }

  public record GraphSpec(int users, double meanFollowers, double skew, long seed, Path file, boolean symmetric, int loadConcurrency) {}

  public record LoadSpec(double rate, Map<OpType, Integer> mix, int maxInFlight, Duration requestTimeout,
                         Duration retryBudget, double lagSample, Duration lagPollInterval, Duration lagTimeout) {}

  /** One line of the fault schedule: at {@code at} after the run's start, run {@code verb}. */
  public record FaultStep(Duration at, String verb, List<Integer> nodes, List<Integer> other, Integer ms) {}

  static final List<String> VERBS = List.of("crash", "pause", "resume", "restart", "stop", "partition", "heal",
      "slow", "fast", "journal-stop", "journal-start", "journal-pause", "journal-resume");

  /** Reads {@code file} under {@code overrides} (e.g. --duration), with reference.conf below both. */
  public static Experiment load(Path file, Config overrides) {
    Config parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    Config c = overrides.withFallback(parsed).withFallback(ConfigFactory.defaultReference()).resolve().getConfig("experiment");
    return of(c);
  }

  static Experiment of(Config c) {
    Config cl = c.getConfig("cluster");
    ClusterSpec cluster = new ClusterSpec(cl.getInt("nodes"), cl.getString("journal"), cl.getString("profile"));
    require(cluster.nodes() >= 1 && cluster.nodes() <= 9, "cluster.nodes", "must be 1..9");
    require(List.of("h2", "postgres").contains(cluster.journal()), "cluster.journal", "must be h2 or postgres");
    require(List.of("resilient", "naive").contains(cluster.profile()), "cluster.profile", "must be resilient or naive");

    Config g = c.getConfig("graph");
    GraphSpec graph = new GraphSpec(g.getInt("users"), g.getDouble("mean-followers"), g.getDouble("skew"), g.getLong("seed"),
        g.getIsNull("file") ? null : Path.of(g.getString("file")), g.getBoolean("symmetric"), g.getInt("load-concurrency"));
    require(graph.file() != null || graph.users() >= 2, "graph.users", "must be at least 2");
    require(graph.meanFollowers() >= 0, "graph.mean-followers", "must not be negative");
    require(graph.skew() > 1, "graph.skew", "must be above 1 (a Pareto shape with a finite mean)");

    Config l = c.getConfig("load");
    Map<OpType, Integer> mix = new EnumMap<>(OpType.class);
    for (OpType type : OpType.values()) mix.put(type, l.getConfig("mix").getInt(type.name()));
    require(mix.values().stream().allMatch(v -> v >= 0) && mix.values().stream().mapToInt(Integer::intValue).sum() > 0,
        "load.mix", "parts must be non-negative and not all zero");
    LoadSpec load = new LoadSpec(l.getDouble("rate"), mix, l.getInt("max-in-flight"), l.getDuration("request-timeout"),
        l.getDuration("retry-budget"), l.getDouble("lag-sample"), l.getDuration("lag-poll-interval"), l.getDuration("lag-timeout"));
    require(load.rate() > 0, "load.rate", "must be positive");
    require(load.maxInFlight() > 0, "load.max-in-flight", "must be positive");

    List<FaultStep> faults = new ArrayList<>();
    for (Config f : c.getConfigList("faults")) {
      String verb = f.getString("do");
      require(VERBS.contains(verb), "faults.do", "'" + verb + "' is not one of " + VERBS);
      List<Integer> nodes = f.hasPath("nodes") ? f.getIntList("nodes") : f.hasPath("node") ? List.of(f.getInt("node")) : List.of();
      for (int n : nodes) require(n >= 1 && n <= cluster.nodes() + 1, "faults.node", n + " is not a node of this cluster");
      boolean needsNode = !verb.startsWith("journal") && !verb.equals("heal");
      require(!needsNode || !nodes.isEmpty(), "faults", verb + " needs node = N or nodes = [...]");
      Integer ms = f.hasPath("ms") ? f.getInt("ms") : null;
      require(!verb.equals("slow") || ms != null, "faults", "slow needs ms = <delay>");
      faults.add(new FaultStep(f.getDuration("at"), verb, nodes, f.hasPath("other") ? f.getIntList("other") : List.of(), ms));
    }
    faults.sort((a, b) -> a.at().compareTo(b.at()));

    Experiment e = new Experiment(c.getString("name"), c.getString("description"), c.getDuration("duration"),
        c.getDuration("warm-up"), c.getDuration("settle"), cluster, graph, load, faults, c.getConfig("slo"), c.getConfig("expect"), c);
    require(!e.duration().isNegative() && !e.duration().isZero(), "duration", "must be positive");
    try {
      dev.timeline.lab.check.Expectations.validate(e.expect());
    } catch (IllegalArgumentException unknown) {
      require(false, "expect", unknown.getMessage());
    }
    return e;
  }

  private static void require(boolean condition, String key, String message) {
    if (!condition) throw new ConfigException.BadValue("experiment." + key, message);
  }
}
