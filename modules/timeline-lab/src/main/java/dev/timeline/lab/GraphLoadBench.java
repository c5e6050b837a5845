package dev.timeline.lab;

import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/bench-graph-load USERS MEAN}: how fast a generated graph goes into a running
 * cluster through the bulk import. Starts nothing: run it against {@code scripts/cluster start}.
 */
@Command(
    name = "bench-graph-load",
    mixinStandardHelpOptions = true,
    description = {
        "Generates a power-law follower graph and imports it into the cluster that is already running",
        "(scripts/cluster start N), through the admin port's bulk import; prints users/s and follows/s."},
    footer = {"", "Example: scripts/cluster start 3 && scripts/bench-graph-load 100000 100 && scripts/cluster stop all",
        "Exit status: 0 when the graph was loaded, 1 when the import failed, 2 for a bad option."})
public final class GraphLoadBench implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "USERS", description = "Users to generate, e.g. 100000.")
  int users;

  @Parameters(index = "1", paramLabel = "MEAN", description = "Mean followers per user, e.g. 100 (10M follows for 100k users).")
  double mean;

  @Option(names = "--nodes", description = "Nodes of the running cluster to import through (default: all of its description).")
  Integer nodes;

  @Option(names = "--run-dir", required = true, description = "The running cluster's run directory, whose cluster.conf names its addresses.")
  java.nio.file.Path runDir;

  @Option(names = "--celebrities", defaultValue = "0", description = "Users followed by --celebrity-followers of everyone (default: ${DEFAULT-VALUE}).")
  int celebrities;

  @Option(names = "--celebrity-followers", defaultValue = "0.1", description = "Fraction of all users following each celebrity (default: ${DEFAULT-VALUE}).")
  double celebrityFollowers;

  @Option(names = "--skew", defaultValue = "1.5", description = "Pareto shape of the follower counts (default: ${DEFAULT-VALUE}).")
  double skew;

  @Option(names = "--seed", defaultValue = "42", description = "Graph seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch-ids", defaultValue = "50000", description = "Ids per import batch (default: ${DEFAULT-VALUE}).")
  int batchIds;

  @Option(names = "--in-flight", defaultValue = "6", description = "Batches in flight (default: ${DEFAULT-VALUE}).")
  int inFlight;

  public static void main(String[] args) {
    System.exit(new CommandLine(new GraphLoadBench()).execute(args));
  }

  @Override
  public Integer call() {
    ClusterDescription description;
    try {
      description = ClusterDescription.read(runDir);
    } catch (IllegalStateException e) {
      Console.error("bench-graph-load: " + e.getMessage());
      return 1;
    }
    if (nodes == null) nodes = description.nodes().size();
    if (users < 2 || mean < 0 || nodes < 1 || batchIds < 1 || inFlight < 1 || skew <= 1 || celebrities < 0 || celebrities > users
        || celebrityFollowers < 0 || celebrityFollowers > 1) {
      Console.error("bench-graph-load: USERS >= 2, MEAN >= 0, --skew > 1, --celebrity-followers in 0..1, the rest positive");
      return 2;
    }
    long t0 = System.nanoTime();
    Graph graph = Graph.generate(users, mean, skew, seed, celebrities, celebrityFollowers);
    Console.printf(Locale.ROOT, "generated %,d users and %,d follows in %.1f s%n", graph.size(), graph.follows(), (System.nanoTime() - t0) / 1e9);
    try (Http admin = Http.admin(() -> description)) {
      var times = new GraphLoader(admin, nodes, batchIds, inFlight).load(graph);
      Console.printf(Locale.ROOT, "users:   %,d in %.1f s = %,.0f users/s%n", times.users(), times.usersSeconds(), times.usersPerSecond());
      Console.printf(Locale.ROOT, "follows: %,d in %.1f s = %,.0f follows/s (both sides imported)%n", times.follows(),
          times.followsSeconds(), times.followsPerSecond());
      return 0;
    } catch (IllegalStateException e) {
      Console.error("bench-graph-load: " + e.getMessage());
      return 1;
    }
  }
}
