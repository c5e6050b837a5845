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

  /**
   * @param strategy        push, pull or hybrid: how tweets reach home timelines
   * @param hybridThreshold under hybrid, authors with at least this many followers are pulled
   * @param nodeCapacity    requests/s one node serves on its public API, 0 for no limit
   * @param frontDoor       whether the cluster runs with its front door (haproxy, scripts/cluster start --front-door)
   * @param frontDoorPort   the front door's port on 127.0.0.1
   * @param hosts           loopback (every process on 127.0.0.1) or netns (each node and the journal in its own
   *                        network namespace: scripts/cluster start --hosts netns)
   */
  public record ClusterSpec(int nodes, String journal, String profile, String strategy, int hybridThreshold, int nodeCapacity,
                            boolean frontDoor, int frontDoorPort, String hosts) {
    public boolean resilient() {
      return profile.equals("resilient");
    }

    /**
     * The options of {@code scripts/cluster start} that make this cluster; {@code fresh}: on an
     * emptied run directory (otherwise on the journal data already there, as after a power loss).
     */
    List<String> startArgs(boolean fresh) {
      List<String> args = new ArrayList<>(List.of("start", String.valueOf(nodes)));
      if (fresh) args.add("--fresh");
      args.addAll(List.of("--journal", journal, "--profile", profile, "--strategy", strategy,
          "--hybrid-threshold", String.valueOf(hybridThreshold), "--node-capacity", String.valueOf(nodeCapacity)));
      if (frontDoor) args.addAll(List.of("--front-door-port", String.valueOf(frontDoorPort)));
      if (!hosts.equals("loopback")) args.addAll(List.of("--hosts", hosts));
      args.add("--no-dashboard");  // the lab serves its own, in its JVM (experiment.dashboard)
      return List.copyOf(args);
    }
  }

  /**
   * A generated graph (power-law followers with optional celebrities, or a fixed number of
   * followees per user when {@code followees} is above 0) or an edge-list file; and how it is
   * imported: batches of about {@code importBatchIds} ids, {@code importInFlight} at a time.
   */
  public record GraphSpec(int users, double meanFollowers, double skew, long seed, int celebrities, double celebrityFollowers,
                          int followees, Path file, boolean symmetric, int importBatchIds, int importInFlight) {}

  /**
   * @param celebrityPosts  fraction of posts written by the graph's celebrities (u0, u1, ...)
   * @param throughFrontDoor the load goes to the front door, by a client without retries, instead
   *                        of to the nodes themselves
   */
  public record LoadSpec(double rate, Map<OpType, Integer> mix, int maxInFlight, Duration requestTimeout,
                         Duration retryBudget, double lagSample, Duration lagPollInterval, Duration lagTimeout, double celebrityPosts,
                         boolean throughFrontDoor) {
    public LoadSpec(double rate, Map<OpType, Integer> mix, int maxInFlight, Duration requestTimeout,
                    Duration retryBudget, double lagSample, Duration lagPollInterval, Duration lagTimeout, double celebrityPosts) {
      this(rate, mix, maxInFlight, requestTimeout, retryBudget, lagSample, lagPollInterval, lagTimeout, celebrityPosts, false);
    }

    /** Posts by authors picked uniformly. */
    public LoadSpec(double rate, Map<OpType, Integer> mix, int maxInFlight, Duration requestTimeout,
                    Duration retryBudget, double lagSample, Duration lagPollInterval, Duration lagTimeout) {
      this(rate, mix, maxInFlight, requestTimeout, retryBudget, lagSample, lagPollInterval, lagTimeout, 0);
    }
  }

  /** One line of the fault schedule: at {@code at} after the run's start, {@code fault}. */
  public record FaultStep(Duration at, Fault fault) {}

  /** Reads {@code file} under {@code overrides} (e.g. --duration), with reference.conf below both. */
  public static Experiment load(Path file, Config overrides) {
    Config parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    Config c = overrides.withFallback(parsed).withFallback(ConfigFactory.defaultReference()).resolve().getConfig("experiment");
    return of(c);
  }

  /**
   * An experiment from a config rooted at {@code experiment} (as a sweep builds its points), with
   * reference.conf below it.
   */
  public static Experiment fromConfig(Config rootedAtExperiment) {
    return of(rootedAtExperiment.withFallback(ConfigFactory.defaultReference()).resolve().getConfig("experiment"));
  }

  static Experiment of(Config c) {
    Config cl = c.getConfig("cluster");
    ClusterSpec cluster = new ClusterSpec(cl.getInt("nodes"), cl.getString("journal"), cl.getString("profile"),
        cl.getString("strategy"), cl.getInt("hybrid-threshold"), cl.getInt("node-capacity"), cl.getBoolean("front-door"),
        cl.getInt("front-door-port"), cl.getString("hosts"));
    require(cluster.nodes() >= 1 && cluster.nodes() <= 9, "cluster.nodes", "must be 1..9");
    require(List.of("h2", "postgres").contains(cluster.journal()), "cluster.journal", "must be h2 or postgres");
    require(List.of("resilient", "naive").contains(cluster.profile()), "cluster.profile", "must be resilient or naive");
    require(List.of("push", "pull", "hybrid").contains(cluster.strategy()), "cluster.strategy", "must be push, pull or hybrid");
    require(cluster.hybridThreshold() >= 1, "cluster.hybrid-threshold", "must be at least 1");
    require(cluster.nodeCapacity() >= 0, "cluster.node-capacity", "must not be negative (0: no limit)");
    require(cluster.frontDoorPort() >= 1 && cluster.frontDoorPort() <= 65535, "cluster.front-door-port", "must be a TCP port");
    require(List.of("loopback", "netns").contains(cluster.hosts()), "cluster.hosts", "must be loopback or netns");

    Config g = c.getConfig("graph");
    GraphSpec graph = new GraphSpec(g.getInt("users"), g.getDouble("mean-followers"), g.getDouble("skew"), g.getLong("seed"),
        g.getInt("celebrities"), g.getDouble("celebrity-followers"), g.getInt("followees"),
        g.getIsNull("file") ? null : Path.of(g.getString("file")), g.getBoolean("symmetric"),
        g.getInt("import-batch-ids"), g.getInt("import-in-flight"));
    require(graph.file() != null || graph.users() >= 2, "graph.users", "must be at least 2");
    require(graph.meanFollowers() >= 0, "graph.mean-followers", "must not be negative");
    require(graph.skew() > 1, "graph.skew", "must be above 1 (a Pareto shape with a finite mean)");
    require(graph.celebrities() >= 0 && graph.celebrities() <= graph.users(), "graph.celebrities", "must be 0..users");
    require(graph.celebrityFollowers() >= 0 && graph.celebrityFollowers() <= 1, "graph.celebrity-followers",
        "must be a fraction of all users, 0..1");
    require(graph.followees() >= 0 && graph.followees() < graph.users(), "graph.followees", "must be 0 (off) .. users - 1");
    require(graph.importBatchIds() >= 1, "graph.import-batch-ids", "must be positive");
    require(graph.importInFlight() >= 1, "graph.import-in-flight", "must be positive");

    Config l = c.getConfig("load");
    Map<OpType, Integer> mix = new EnumMap<>(OpType.class);
    for (OpType type : OpType.values()) mix.put(type, l.getConfig("mix").getInt(type.name()));
    require(mix.values().stream().allMatch(v -> v >= 0) && mix.values().stream().mapToInt(Integer::intValue).sum() > 0,
        "load.mix", "parts must be non-negative and not all zero");
    LoadSpec load = new LoadSpec(l.getDouble("rate"), mix, l.getInt("max-in-flight"), l.getDuration("request-timeout"),
        l.getDuration("retry-budget"), l.getDouble("lag-sample"), l.getDuration("lag-poll-interval"), l.getDuration("lag-timeout"),
        l.getDouble("celebrity-posts"), switch (l.getString("through")) {
          case "nodes" -> false;
          case "front-door" -> true;
          default -> throw new ConfigException.BadValue("experiment.load.through", "must be nodes or front-door, not '" + l.getString("through") + "'");
        });
    require(!load.throughFrontDoor() || cluster.frontDoor(), "load.through", "front-door needs cluster.front-door = true");
    require(load.celebrityPosts() >= 0 && load.celebrityPosts() <= 1, "load.celebrity-posts", "must be a fraction, 0..1");
    require(load.rate() > 0, "load.rate", "must be positive");
    require(load.maxInFlight() > 0, "load.max-in-flight", "must be positive");

    List<FaultStep> faults = new ArrayList<>();
    for (Config f : c.getConfigList("faults")) {
      String verb = f.getString("do");
      require(Fault.VERBS.contains(verb), "faults.do", "'" + verb + "' is not one of " + Fault.VERBS);
      List<Integer> nodes = f.hasPath("nodes") ? f.getIntList("nodes") : f.hasPath("node") ? List.of(f.getInt("node")) : List.of();
      for (int n : nodes) require(n >= 1 && n <= cluster.nodes() + 1, "faults.node", n + " is not a node of this cluster");
      Fault.Storm storm = null;
      if (verb.equals("pause-storm")) {
        require(f.hasPath("count") && f.hasPath("pause") && f.hasPath("gap"), "faults",
            "pause-storm needs count = N, pause = <duration>, gap = <duration>");
        storm = new Fault.Storm(f.getInt("count"), f.getDuration("pause"), f.getDuration("gap"));
        require(storm.count() >= 1, "faults.count", "must be at least 1");
        require(storm.pause().toMillis() >= 1, "faults.pause", "must be at least 1ms");
        require(!storm.gap().isNegative(), "faults.gap", "must not be negative");
      }
      try {
        faults.add(new FaultStep(f.getDuration("at"), Fault.of(verb, nodes, f.hasPath("other") ? f.getIntList("other") : List.of(),
            f.hasPath("ms") ? f.getInt("ms") : null, storm)));
      } catch (IllegalArgumentException incomplete) {
        require(false, "faults", incomplete.getMessage());
      }
    }
    faults.sort((a, b) -> a.at().compareTo(b.at()));

    Experiment e = new Experiment(c.getString("name"), c.getString("description"), c.getDuration("duration"),
        c.getDuration("warm-up"), c.getDuration("settle"), cluster, graph, load, faults, c.getConfig("slo"), c.getConfig("expect"), c);
    require(!e.duration().isNegative() && !e.duration().isZero(), "duration", "must be positive");
    require(e.dashboardPort().orElse(1) >= 1 && e.dashboardPort().orElse(1) <= 65535, "dashboard.port", "must be a TCP port");
    try {
      dev.timeline.lab.check.Expectations.validate(e.expect());
    } catch (IllegalArgumentException unknown) {
      require(false, "expect", unknown.getMessage());
    }
    return e;
  }

  /** The port of the live dashboard the lab serves during the run (experiment.dashboard); empty when off. */
  java.util.OptionalInt dashboardPort() {
    return raw.getBoolean("dashboard.enabled") ? java.util.OptionalInt.of(raw.getInt("dashboard.port")) : java.util.OptionalInt.empty();
  }

  private static void require(boolean condition, String key, String message) {
    if (!condition) throw new ConfigException.BadValue("experiment." + key, message);
  }
}
