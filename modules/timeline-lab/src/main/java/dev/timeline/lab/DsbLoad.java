package dev.timeline.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Loads a social graph the way DeathStarBench's {@code init_social_graph.py} does, through the
 * {@code /wrk2-api} endpoints of one node: registers every user (id = node id, name
 * {@code username_<id>}), then follows both ways per edge, by name. A 503 is retried after its
 * Retry-After; any other failure stops the load with the request and the answer. A lab client,
 * like {@link GraphLoader} (which loads through the nodes' bulk import instead); both read edge
 * files with {@link Graph#fromEdgeFile}. It knows the node only by its URL.
 */
@Command(
    name = "dsb-load",
    mixinStandardHelpOptions = true,
    version = "dsb-load 0.1.0",
    description = "Loads a graph edge file into a running cluster through DeathStarBench's /wrk2-api endpoints.",
    footer = {
        "",
        "GRAPH_FILE: one edge 'u v' per line (more columns are ignored; lines starting with % or #",
        "are comments; a repeated edge or a self-loop adds no follow). If GRAPH.nodes sits next to",
        "GRAPH.edges and holds a count n, users 0..n-1 are registered too, as DeathStarBench does, so",
        "users without edges exist.",
        "Each user u is registered as user_id=u, username=username_u, first_name_u, last_name_u,",
        "password_u; each edge u v becomes two follows (u->v and v->u). Running it again changes nothing.",
        "Exit status: 0 when everything is loaded, 1 when a request failed, 2 for bad options."})
public final class DsbLoad implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "GRAPH_FILE", description = "Edge list, e.g. ../shared/data/social-graphs/socfb-Reed98/socfb-Reed98.edges")
  Path graphFile;

  @Option(names = "--node", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081",
      description = "HTTP address of the node to load through; must be on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  URI node;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "16",
      description = "Requests in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--retry-for", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long one request keeps being retried while the node answers 503 (default: ${DEFAULT-VALUE}).")
  int retryForSeconds;

  /**
   * The load as DeathStarBench's loader makes it: the users to register (ascending), then the
   * follows, both ways per edge, one after the other ({@code follows[i][0]} follows
   * {@code follows[i][1]}).
   */
  record Load(List<Long> users, List<long[]> follows) {}

  /** One form POST to make, described for a failure message. */
  record Call(String path, Map<String, String> form) {
    String describe() {
      return "POST " + path + " " + form;
    }
  }

  /** Why the load stopped. */
  static final class LoadFailure extends Exception {
    LoadFailure(String message) {
      super(message);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicLong retried = new AtomicLong();

  public static void main(String[] args) {
    System.exit(new CommandLine(new DsbLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!"127.0.0.1".equals(node.getHost()) || !"http".equals(node.getScheme())) {
      Console.error("dsb-load: --node must be http://127.0.0.1:PORT (this tool talks to the local cluster only), was " + node);
      return 2;
    }
    if (concurrency < 1) {
      Console.error("dsb-load: --concurrency must be at least 1");
      return 2;
    }
    Load load;
    try {
      load = readLoad(graphFile);
    } catch (IOException | IllegalArgumentException e) {
      Console.error("dsb-load: cannot read " + graphFile + ": " + e.getMessage());
      return 2;
    }
    Console.printf("%s: %d users, %d edges (%d follows) -> %s%n",
        graphFile, load.users().size(), load.follows().size() / 2, load.follows().size(), node);
    long started = System.nanoTime();
    try {
      run("register", load.users().stream().map(DsbLoad::registration).toList());
      run("follow", load.follows().stream().map(f -> follow(f[0], f[1])).toList());
    } catch (LoadFailure failure) {
      Console.error("dsb-load: stopped: " + failure.getMessage());
      return 1;
    }
    Console.printf("done in %.1f s (%d answers 503 retried)%n", (System.nanoTime() - started) / 1e9, retried.get());
    return 0;
  }

  /**
   * The edge file read by the lab's one edge-list reader ({@link Graph#fromEdgeFile}, symmetric:
   * a repeated edge or a self-loop adds no follow), plus the users of GRAPH.nodes.
   */
  static Load readLoad(Path edgesFile) throws IOException {
    Graph graph;
    try {
      graph = Graph.fromEdgeFile(edgesFile, true);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    TreeSet<Long> users = new TreeSet<>();
    List<long[]> follows = new ArrayList<>();
    // Each edge once, from its end seen first, as its two follows one after the other: the order of
    // a sorted edge file, as before the reader was shared (a user's follows spread over the load).
    for (int u = 0; u < graph.size(); u++) {
      users.add(graph.label(u));
      for (int v : graph.followers(u)) {
        if (v < u) continue;
        follows.add(new long[] {graph.label(u), graph.label(v)});
        follows.add(new long[] {graph.label(v), graph.label(u)});
      }
    }
    nodeCount(edgesFile).ifPresent(n -> {
      for (long id = 0; id < n; id++) users.add(id);
    });
    return new Load(List.copyOf(users), follows);
  }

  /** The count in GRAPH.nodes next to GRAPH.edges, as DeathStarBench's datasets have it. */
  private static Optional<Long> nodeCount(Path edgesFile) throws IOException {
    String name = edgesFile.getFileName().toString();
    if (!name.endsWith(".edges")) return Optional.empty();
    Path nodes = edgesFile.resolveSibling(name.substring(0, name.length() - ".edges".length()) + ".nodes");
    if (!Files.isRegularFile(nodes)) return Optional.empty();
    String text = Files.readString(nodes).strip();
    if (text.isEmpty()) return Optional.empty();
    try {
      return Optional.of(Long.parseLong(text.split("\\s+")[0]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(nodes + " should hold the number of users, holds '" + text + "'");
    }
  }

  static Call registration(long id) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("first_name", "first_name_" + id);
    form.put("last_name", "last_name_" + id);
    form.put("username", "username_" + id);
    form.put("password", "password_" + id);
    form.put("user_id", Long.toString(id));
    return new Call("/wrk2-api/user/register", form);
  }

  static Call follow(long follower, long followee) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("user_name", "username_" + follower);
    form.put("followee_name", "username_" + followee);
    return new Call("/wrk2-api/user/follow", form);
  }

  /** Makes every call with {@code concurrency} workers, printing progress every two seconds; the first failure stops all. */
  private void run(String phase, List<Call> calls) throws LoadFailure, InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    for (int w = 0; w < concurrency; w++)
      workers.execute(() -> {
        for (int i = next.getAndIncrement(); i < calls.size() && failure.get() == null; i = next.getAndIncrement()) {
          try {
            send(calls.get(i));
            done.incrementAndGet();
          } catch (LoadFailure e) {
            failure.compareAndSet(null, e.getMessage());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      });
    workers.shutdown();
    long started = System.nanoTime();
    while (!workers.awaitTermination(2, TimeUnit.SECONDS))
      progress(phase, done.get(), calls.size(), started);
    progress(phase, done.get(), calls.size(), started);
    if (failure.get() != null) throw new LoadFailure(failure.get());
  }

  private void progress(String phase, int done, int total, long startedNanos) {
    double seconds = Math.max((System.nanoTime() - startedNanos) / 1e9, 1e-3);
    Console.printf("%-8s %7d / %d (%3d %%)  %6.0f req/s  503 retried: %d%n",
        phase, done, total, total == 0 ? 100 : 100L * done / total, done / seconds, retried.get());
  }

  /** One call, retried while the node answers 503, within retry-for; no answer at all stops the load. */
  private void send(Call call) throws LoadFailure, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(node.resolve(call.path()))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(formBody(call.form())))
        .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(retryForSeconds);
    while (true) {
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new LoadFailure(call.describe() + ": no answer from " + node + ": " + e
            + " (is the cluster up? scripts/cluster status)");
      }
      if (response.statusCode() == 200) return;
      if (response.statusCode() != 503)
        throw new LoadFailure(call.describe() + " answered " + response.statusCode() + ": " + response.body().strip());
      long waitMillis = response.headers().firstValue("Retry-After").map(DsbLoad::seconds).orElse(1L) * 1000;
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis) > deadline)
        throw new LoadFailure(call.describe() + " still answered 503 after " + retryForSeconds + " s: " + response.body().strip());
      retried.incrementAndGet();
      Thread.sleep(waitMillis); // the node asked us to come back later
    }
  }

  private static long seconds(String retryAfter) {
    try {
      return Math.max(1, Math.min(10, Long.parseLong(retryAfter.strip())));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static String formBody(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
