package dev.timeline.lab.dash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.timeline.lab.Console;
import dev.timeline.lab.Http;
import dev.timeline.lab.NodeApi;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The live dashboard over a cluster of scripts/cluster: one page and a JSON feed on 127.0.0.1.
 * Once a second it reads the run directory (process states, like {@code status}) and asks every
 * running node for {@code /cluster?sharding=off} (members as that node sees them) and {@code
 * /metrics/prometheus} (traffic, shards and entities hosted); the fault buttons run
 * {@code scripts/cluster} verbs, one after the other; the load button runs a {@link SteadyLoad}.
 * While an experiment runs, the feed also carries its load generator's own view ({@link ClientView}).
 * All of its state lives in this object; {@link #close} stops the server, the load and every
 * executor.
 */
final class Dashboard implements AutoCloseable {
  static final Duration POLL = Duration.ofSeconds(1);
  static final Duration NODE_TIMEOUT = Duration.ofMillis(2500);
  /** Points kept for the charts: five minutes of one per second. */
  static final int HISTORY = 300;
  static final int FAULT_LOG = 100;
  static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.4.7/dist/chart.umd.js";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final RunDir runDir;
  private final HttpServer server;
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(named("dash-poll"));
  private final ExecutorService io = Executors.newFixedThreadPool(4, named("dash-io"));
  private final ExecutorService faults = Executors.newSingleThreadExecutor(named("dash-fault"));
  private final ScheduledExecutorService loadTimer = Executors.newSingleThreadScheduledExecutor(named("dash-load"));
  private final ExecutorService requests = Executors.newFixedThreadPool(2, named("dash-http"));
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).executor(io).build();
  private final SteadyLoad load;
  private final Traffic traffic = new Traffic();
  /** The experiment's load generator's view, a fresh copy per call; null when no experiment feeds the page. */
  private final Supplier<ClientView> clients;

  /** The latest answers of each node, written by its polls. */
  private final Map<Integer, NodePoll> polls = new ConcurrentHashMap<>();
  /** Nodes with a poll in flight: a slow node is not asked again before it answers or times out. */
  private final Map<Integer, Boolean> asking = new ConcurrentHashMap<>();
  /** Written by the poll thread only. */
  private final Deque<Map<String, Object>> series = new ArrayDeque<>();
  private long lastLoadOk, lastLoadFailed, lastStepNanos;
  private final List<Map<String, Object>> faultLog = new ArrayList<>();  // guarded by itself
  private final AtomicInteger faultIds = new AtomicInteger();
  private volatile byte[] state = "{}".getBytes(StandardCharsets.UTF_8);
  private volatile long seq;
  /** The nodes whose process ran at the last poll (all known ones if none did): where the load goes. */
  private volatile int[] loadTargets = {};

  /** What a node answered lately; {@code error} when it did not. */
  record NodePoll(long atNanos, JsonNode cluster, Traffic.Scrape scrape, Map<String, Double> shards,
      Map<String, Double> entities, boolean shardsComplete, String error) {}

  Dashboard(Path root, Path runDir, int port) throws IOException {
    this(root, runDir, port, null);
  }

  Dashboard(Path root, Path runDir, int port, Supplier<ClientView> clients) throws IOException {
    this.root = root;
    this.clients = clients;
    this.runDir = new RunDir(runDir);
    this.load = new SteadyLoad(new Http(node -> this.runDir.description().node(node).http(), io), loadTimer, () -> loadTargets);
    // Without TCP_NODELAY the JDK's server holds each small answer ~40 ms for the browser's delayed ACK.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    server.setExecutor(requests);
    server.createContext("/", this::handle);
  }

  int port() {
    return server.getAddress().getPort();
  }

  void start() {
    server.start();
    lastStepNanos = System.nanoTime();
    poller.scheduleAtFixedRate(this::tick, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    load.stop();
    server.stop(0);
    poller.shutdownNow();
    loadTimer.shutdownNow();
    faults.shutdownNow();
    requests.shutdownNow();
    io.shutdownNow();
    for (ExecutorService e : List.of(poller, loadTimer, faults, requests, io)) {
      try {
        e.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ---- polling ------------------------------------------------------------------------------

  private void tick() {
    try {
      List<RunDir.NodeProcess> nodes = runDir.nodes();
      for (RunDir.NodeProcess n : nodes) {
        if (n.state() == RunDir.Process.running) ask(n.index());
        else polls.remove(n.index());  // a paused or crashed node answers nothing: no stale view
      }
      polls.keySet().removeIf(i -> nodes.stream().noneMatch(n -> n.index() == i));
      int[] running = nodes.stream().filter(n -> n.state() == RunDir.Process.running).mapToInt(RunDir.NodeProcess::index).toArray();
      loadTargets = running.length > 0 ? running : nodes.stream().mapToInt(RunDir.NodeProcess::index).toArray();
      publish(nodes);
    } catch (RuntimeException e) {
      Console.error("dashboard: poll failed: " + e);
    }
  }

  private void ask(int node) {
    if (asking.putIfAbsent(node, true) != null) return;
    long t0 = System.nanoTime();
    CompletableFuture<String> cluster = get(node, NodeApi.cluster(false).path());
    CompletableFuture<String> metrics = get(node, NodeApi.prometheus().path());
    cluster.thenCombine(metrics, (c, m) -> {
      List<PromText.Sample> samples = PromText.parse(m);
      Map<String, Double> shards = new LinkedHashMap<>(), entities = new LinkedHashMap<>();
      boolean complete = false;
      for (PromText.Sample s : samples) {
        if (s.name().equals("akka_sharding_shards")) shards.merge(s.label("entity_type"), s.value(), Double::sum);
        if (s.name().equals("akka_sharding_entities")) entities.merge(s.label("entity_type"), s.value(), Double::sum);
        if (s.name().equals("akka_sharding_state_available")) complete = s.value() == 1;
      }
      try {
        return new NodePoll(System.nanoTime(), JSON.readTree(c), new Traffic.Scrape(Traffic.counts(samples), System.nanoTime()),
            shards, entities, complete, null);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).whenComplete((poll, e) -> {
      asking.remove(node);
      if (poll != null) polls.put(node, poll);
      else {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        polls.put(node, new NodePoll(t0, null, null, Map.of(), Map.of(), false, t.getClass().getSimpleName()));
      }
    });
  }

  private CompletableFuture<String> get(int node, String path) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(runDir.description().node(node).http() + path)).timeout(NODE_TIMEOUT).GET().build();
    } catch (RuntimeException noAddress) { // no cluster description (yet), or one without this node
      return CompletableFuture.failedFuture(noAddress);
    }
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
      return r.body();
    });
  }

  /** Builds the feed's document from the latest polls, the traffic since the last tick, the logs. */
  private void publish(List<RunDir.NodeProcess> nodes) {
    long now = System.nanoTime();
    Map<Integer, Traffic.Scrape> scrapes = new LinkedHashMap<>();
    polls.forEach((i, p) -> {
      if (p.scrape() != null) scrapes.put(i, p.scrape());
    });
    Map<String, Traffic.Op> ops = traffic.step(scrapes);
    double seconds = Math.max(1e-3, (now - lastStepNanos) / 1e9);
    lastStepNanos = now;
    SteadyLoad.Answers answers = load.answers();
    long ok = answers.ok(), failed = answers.failed();
    Map<String, Object> point = new LinkedHashMap<>();
    point.put("t", System.currentTimeMillis());
    Map<String, Object> byOp = new LinkedHashMap<>();
    ops.forEach((op, o) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rps", o.perSecond());
      m.put("errors", o.errorsPerSecond());
      m.put("p50", o.p50Ms());
      m.put("p99", o.p99Ms());
      m.put("n", o.requests());
      if (op.equals(Traffic.LAG)) point.put("lag", m);  // deliveries/s and their lag, not requests
      else byOp.put(op, m);
    });
    point.put("ops", byOp);
    point.put("loadOk", (ok - lastLoadOk) / seconds);
    point.put("loadFailed", (failed - lastLoadFailed) / seconds);
    // A failed second, as users saw it: some request got a 5xx, or the load button's none at all.
    point.put("failed", failed > lastLoadFailed || ops.entrySet().stream()
        .anyMatch(o -> !o.getKey().equals(Traffic.LAG) && o.getValue().errorsPerSecond() > 0));
    lastLoadOk = ok;
    lastLoadFailed = failed;
    series.addLast(point);
    while (series.size() > HISTORY) series.removeFirst();

    List<Map<String, Object>> nodeViews = new ArrayList<>();
    for (RunDir.NodeProcess n : nodes) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("index", n.index());
      v.put("pid", n.pid());
      v.put("process", n.state().name());
      runDir.findDescription().map(d -> d.nodes().get(n.index())).ifPresent(d -> {
        v.put("http", d.http());
        v.put("artery", d.artery());
      });
      NodePoll p = polls.get(n.index());
      boolean fresh = p != null && p.error() == null && now - p.atNanos() < 3 * POLL.toNanos() + NODE_TIMEOUT.toNanos();
      v.put("answers", p == null ? (n.state() == RunDir.Process.running ? "asking" : "no") : fresh ? "yes" : "no");
      if (p != null && p.error() != null) v.put("error", p.error());
      if (p != null && p.cluster() != null) {
        v.put("self", p.cluster().path("self").asText());
        v.put("members", p.cluster().path("members"));
        v.put("unreachable", p.cluster().path("unreachable"));
        v.put("shards", p.shards());
        v.put("entities", p.entities());
        v.put("shardsComplete", p.shardsComplete());
        v.put("ageMs", (now - p.atNanos()) / 1_000_000);
      }
      nodeViews.add(v);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("seq", ++seq);
    doc.put("time", Instant.now().toString());
    doc.put("runDir", runDir.path().toString());
    doc.put("faultInjection", runDir.faultInjection(nodes));
    doc.put("nodes", nodeViews);
    doc.put("series", series);
    synchronized (faultLog) {
      doc.put("faults", List.copyOf(faultLog));
      // Finished commands are in faults.log, which scripts/cluster writes whoever ran them; of
      // this page's, only those still queued or running are added (the log is newest first).
      List<Shading.Logged> oldestFirst = new ArrayList<>(Shading.parse(runDir.faultsLog()));
      List<Shading.Logged> pending = new ArrayList<>(faultLog.stream().map(Dashboard::logged).filter(l -> l.endedAtMs() == null).toList());
      java.util.Collections.reverse(pending);
      oldestFirst.addAll(pending);
      doc.put("shading", Shading.of(oldestFirst).stream().map(Dashboard::json).toList());
    }
    doc.put("load", load.state());
    if (clients != null) {
      try {
        doc.put("clients", clientsJson(clients.get()));
      } catch (RuntimeException e) {
        Console.error("dashboard: the clients' view failed: " + e);
      }
    }
    try {
      state = JSON.writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---- faults -------------------------------------------------------------------------------

  /** Queues the command and logs it; it runs after those queued before it. */
  private Map<String, Object> runFault(FaultCommand command) {
    Map<String, Object> entry = new ConcurrentHashMap<>();
    entry.put("id", faultIds.incrementAndGet());
    entry.put("at", Instant.now().toString());
    entry.put("atMs", System.currentTimeMillis());
    entry.put("args", command.args());
    entry.put("command", command.line());
    entry.put("state", "queued");
    synchronized (faultLog) {
      faultLog.add(0, entry);
      while (faultLog.size() > FAULT_LOG) faultLog.remove(faultLog.size() - 1);
    }
    faults.submit(() -> {
      entry.put("state", "running");
      entry.put("startedAt", Instant.now().toString());
      List<String> args = new ArrayList<>(List.of(root.resolve("scripts/cluster").toString()));
      args.addAll(command.args());
      try {
        Path out = Files.createTempFile("dash-fault", ".out");
        try {
          ProcessBuilder builder = new ProcessBuilder(args).directory(root.toFile()).redirectErrorStream(true)
              .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
          builder.environment().put("TIMELINE_RUN_DIR", runDir.path().toString());
          Process process = builder.start();
          boolean done = process.waitFor(5, TimeUnit.MINUTES);
          String output = Files.readString(out).strip();
          entry.put("output", output.length() > 4000 ? "..." + output.substring(output.length() - 4000) : output);
          entry.put("exit", done ? process.exitValue() : -1);
          entry.put("state", done && process.exitValue() == 0 ? "done" : done ? "failed" : "timed out");
        } finally {
          Files.deleteIfExists(out);
        }
      } catch (IOException e) {
        entry.put("state", "failed");
        entry.put("output", e.toString());
      } catch (InterruptedException e) {
        entry.put("state", "interrupted (the dashboard stopped)");
        Thread.currentThread().interrupt();
      }
      entry.put("endedAtMs", System.currentTimeMillis());
      entry.put("endedAt", Instant.now().toString());
    });
    return entry;
  }

  /** An interval for the feed (Jackson 2.11, Akka's, knows no records). */
  private static Map<String, Object> json(Shading.Interval i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", i.kind());
    m.put("node", i.node());
    m.put("label", i.label());
    m.put("fromMs", i.fromMs());
    m.put("toMs", i.toMs());
    return m;
  }

  /** The clients' view for the feed: per second its start {@code t}, counts, and per operation n, p50, p99. */
  static Map<String, Object> clientsJson(ClientView view) {
    List<Map<String, Object>> seconds = new ArrayList<>();
    for (ClientView.Second s : view.seconds()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("t", s.startMs());
      m.put("open", s.open());
      m.put("ok", s.ok());
      m.put("fail", s.fail());
      m.put("info", s.info());
      Map<String, Object> ops = new TreeMap<>();
      s.ops().forEach((op, l) -> ops.put(op.name(), Map.of("n", l.count(), "p50", l.p50Ms(), "p99", l.p99Ms())));
      m.put("ops", ops);
      seconds.add(m);
    }
    return Map.of("seconds", seconds, "late", view.late());
  }

  /** A fault log entry as {@link Shading} reads it. */
  @SuppressWarnings("unchecked")
  private static Shading.Logged logged(Map<String, Object> entry) {
    Object state = entry.get("state");
    boolean ok = !(state.equals("failed") || state.equals("timed out") || String.valueOf(state).startsWith("interrupted"));
    return new Shading.Logged((List<String>) entry.get("args"), (Long) entry.get("atMs"), (Long) entry.get("endedAtMs"), ok);
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath(), method = x.getRequestMethod();
      switch (method + " " + path) {
        case "GET /", "GET /index.html" -> resource(x, "dev/timeline/lab/dash/index.html", "text/html; charset=utf-8");
        case "GET /dashboard.js" -> resource(x, "dev/timeline/lab/dash/dashboard.js", "text/javascript; charset=utf-8");
        case "GET /chart.umd.js" -> resource(x, CHART_JS, "text/javascript; charset=utf-8");
        case "GET /favicon.ico" -> send(x, 204, null, new byte[0]);
        case "GET /api/state" -> send(x, 200, "application/json", state);
        case "POST /api/faults" -> fault(x);
        case "POST /api/load" -> {
          JsonNode body = body(x);
          try {
            load.start(body == null ? 0 : body.path("rate").asDouble());
          } catch (IllegalArgumentException e) {
            error(x, 400, "bad_request", e.getMessage());
            return;
          }
          send(x, 200, "application/json", JSON.writeValueAsBytes(load.state()));
        }
        case "DELETE /api/load" -> {
          load.stop();
          send(x, 200, "application/json", JSON.writeValueAsBytes(load.state()));
        }
        default -> error(x, path.startsWith("/api/") || path.equals("/") ? 405 : 404, "not_found", method + " " + path + " is not served here");
      }
    } catch (RuntimeException e) {
      Console.error("dashboard: " + x.getRequestURI() + ": " + e);
    }
  }

  private void fault(HttpExchange x) throws IOException {
    if (!runDir.faultInjection(runDir.nodes())) {
      error(x, 403, "forbidden", "fault injection is off: no node of " + runDir.path() + " runs with --fault-injection");
      return;
    }
    JsonNode body = body(x);
    FaultCommand command;
    try {
      if (body == null) throw new IllegalArgumentException("the body must be a JSON object {\"verb\", \"node\"?, \"ms\"?}");
      command = FaultCommand.of(body.path("verb").asText(null), body.hasNonNull("node") ? body.get("node").asInt() : null,
          body.hasNonNull("ms") ? body.get("ms").asInt() : null);
    } catch (IllegalArgumentException e) {
      error(x, 400, "bad_request", e.getMessage());
      return;
    }
    send(x, 202, "application/json", JSON.writeValueAsBytes(runFault(command)));
  }

  private static JsonNode body(HttpExchange x) throws IOException {
    byte[] bytes = x.getRequestBody().readNBytes(16 * 1024);
    try {
      JsonNode node = JSON.readTree(bytes);
      return node != null && node.isObject() ? node : null;
    } catch (IOException malformed) {
      return null;
    }
  }

  private static void error(HttpExchange x, int status, String error, String message) throws IOException {
    send(x, status, "application/json", JSON.writeValueAsBytes(Map.of("error", error, "message", message)));
  }

  private static void resource(HttpExchange x, String name, String type) throws IOException {
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) error(x, 404, "not_found", name + " is missing from the build");
      else send(x, 200, type, in.readAllBytes());
    }
  }

  private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
    if (type != null) x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) x.getResponseBody().write(body);
  }

  private static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
