package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * DeathStarBench's own client tools, unchanged, against one node (scripts/node, embedded H2 file
 * journal), as its users run them: {@code init_social_graph.py --compose} loads socfb-Reed98
 * (users 0..961, 37,624 follows, about 9,400 posts), then each of its four wrk2 Lua scripts runs
 * through Debian's wrk for 3 s. The scripts send absolute-form targets
 * ({@code http://localhost:8080/wrk2-api/...}) with wrk's Host of the node's URL; every answer
 * must be 2xx, with no socket errors.
 *
 * <p>The tools and the graph are the repository's unchanged copies in {@code testdata/} (of
 * ../shared/data; {@code -Dtimeline.it.shared-data=DIR} to point elsewhere), so that a clean
 * clone runs it. Skipped when wrk is not installed;
 * needs Debian's {@code python3-aiohttp} and {@code lua-socket} (.ci/run installs all three).
 * Binds node 1's ports (Artery 2551, HTTP 8081): run it under {@code flock /tmp/timeline-ports.lock}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DsbToolsIT {
  private static final int NODE = 1;
  private static final Path DIR = ClusterScript.ROOT.resolve("modules/timeline-node/target/e2e/dsb-tools");
  static final String GRAPH = "socfb-Reed98";
  private static final Duration WRK_RUN = Duration.ofSeconds(3);

  private static Path shared;
  private static Process node;
  /** A test JVM killed by a timeout still runs its shutdown hooks: no node outlives the build. */
  private static final Thread killOnExit = new Thread(DsbToolsIT::killNode, "kill-dsb-node");

  @BeforeAll
  static void startNode() throws Exception {
    assumeTrue(onPath("wrk"), "DsbToolsIT skipped: wrk is not installed (Debian: apt-get install wrk lua-socket; .ci/run installs it)");
    shared = sharedData();
    Runtime.getRuntime().addShutdownHook(killOnExit);
    deleteRecursively(DIR);
    Path graphDir = Files.createDirectories(DIR.resolve("datasets/social-graph/" + GRAPH));
    // The init script reads datasets/social-graph/<graph>/<graph>.{nodes,edges} from its working directory.
    for (String ext : List.of(".nodes", ".edges"))
      Files.createSymbolicLink(graphDir.resolve(GRAPH + ext), shared.resolve("social-graphs/" + GRAPH + "/" + GRAPH + ext));

    String url = "jdbc:h2:file:" + DIR.resolve("h2/timeline");
    ProcessBuilder builder = new ProcessBuilder(ClusterScript.ROOT.resolve("scripts/node").toString(),
        "--index", "" + NODE, "--journal-url", url)
        .directory(ClusterScript.ROOT.toFile())
        .redirectErrorStream(true)
        .redirectOutput(DIR.resolve("node-1.log").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().put("JAVA_OPTS", "-Xmx512m");
    builder.environment().put("TIMELINE_CLASSPATH", snapshotBuild());
    builder.environment().remove("TIMELINE_JOURNAL_URL");
    node = builder.start();
    Cluster.await(Duration.ofSeconds(90), () -> {
      if (!node.isAlive()) throw new AssertionError("the node exited; see " + DIR.resolve("node-1.log"));
      return Api.call(NODE, "GET", "/health", null, Duration.ofSeconds(2)).status() == 200;
    }, "node " + NODE + " healthy (log: " + DIR.resolve("node-1.log") + ")");
  }

  @AfterAll
  static void stopNode() {
    killNode();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException | IllegalArgumentException notAdded) {
      // skipped before it was added, or the JVM is shutting down
    }
  }

  /**
   * Every registration and follow succeeds. DeathStarBench's {@code --compose} posts as users 1..n
   * (its {@code i+1}) while it registered 0..n-1, so the posts of user n (962) are answered 404
   * here, where a post needs a registered author; every other post succeeds.
   */
  @Test
  @Order(1)
  void initSocialGraphLoadsReed98WithPosts() throws Exception {
    long started = System.nanoTime();
    Run init = run(Duration.ofMinutes(5), DIR, "/usr/bin/python3", shared.resolve("deathstarbench/scripts/init_social_graph.py").toString(),
        "--graph", GRAPH, "--ip", "127.0.0.1", "--port", "" + (8080 + NODE), "--compose");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    String summary = assertInitLoadedReed98(init);
    System.out.printf("DsbToolsIT: init_social_graph.py --compose on %s took %d s:%n%s", GRAPH, seconds, summary);
  }

  /**
   * The init script's summary (its output without the progress counts), after asserting that it
   * registered all 962 users of Reed98, made all 37,624 follows, and that only the posts of the
   * user it never registered failed.
   */
  static String assertInitLoadedReed98(Run init) {
    String summary = init.output().lines().filter(l -> !l.matches("\\d+")).reduce("", (a, b) -> a + b + "\n");
    assertTrue(!init.output().contains("ModuleNotFoundError"), "init_social_graph.py needs Debian's python3-aiohttp:\n" + init.output());
    assertEquals(0, init.exitCode(), init.output());

    List<String> sections = List.of(summary.split("(?m)^(?=Registering Users|Adding follows|Composing posts)"));
    String registering = section(sections, "Registering Users"), follows = section(sections, "Adding follows"),
        composing = section(sections, "Composing posts");
    assertEquals("Registering Users...\nSucceeded: 962\n", registering, "every registration succeeds");
    assertEquals("Adding follows...\nSucceeded: 37624\n", follows, "every follow succeeds");
    Matcher ok = Pattern.compile("(?m)^Succeeded: (\\d+)$").matcher(composing);
    assertTrue(ok.find() && Integer.parseInt(ok.group(1)) > 9000, composing);
    for (String line : composing.lines().toList())
      if (line.startsWith("Failed"))
        assertTrue(line.contains("\"not_found\"") && line.contains("user 962 is not registered"),
            "only the posts of the user DeathStarBench never registered may fail: " + line);
    return summary;
  }

  @Test
  @Order(2)
  void composePost() throws Exception {
    wrk("compose-post.lua", "/wrk2-api/post/compose");
  }

  @Test
  @Order(3)
  void readHomeTimeline() throws Exception {
    wrk("read-home-timeline.lua", "/wrk2-api/home-timeline/read");
  }

  @Test
  @Order(4)
  void readUserTimeline() throws Exception {
    wrk("read-user-timeline.lua", "/wrk2-api/user-timeline/read");
  }

  @Test
  @Order(5)
  void mixedWorkload() throws Exception {
    wrk("mixed-workload.lua", "/wrk2-api/home-timeline/read");
  }

  /** {@code wrk -t1 -c4 -d3s -s SCRIPT URL}, as DeathStarBench documents it minus wrk2's rate options. */
  private static void wrk(String script, String path) throws Exception {
    String url = Api.base(NODE) + path;
    Run run = run(Duration.ofSeconds(60), DIR, "wrk", "-t1", "-c4", "-d" + WRK_RUN.toSeconds() + "s",
        "-s", shared.resolve("deathstarbench/wrk2-scripts/" + script).toString(), url);
    assertEquals(0, run.exitCode(), run.output());
    WrkOutput out = WrkOutput.parse(run.output());
    System.out.printf("DsbToolsIT: %s against %s: %d requests, %.1f req/s, %d non-2xx, %d socket errors%n",
        script, url, out.requests(), out.requestsPerSecond(), out.non2xx(), out.socketErrors());
    assertTrue(out.requests() > 0, run.output());
    assertEquals(0, out.non2xx(), "non-2xx answers to " + script + ":\n" + run.output());
    assertEquals(0, out.socketErrors(), "socket errors under " + script + ":\n" + run.output());
  }

  static String section(List<String> sections, String title) {
    return sections.stream().filter(s -> s.startsWith(title)).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + title + "' in the init script's output: " + sections));
  }

  record Run(int exitCode, String output) {}

  /** Runs {@code command} in {@code dir} (its output in a temporary file there), with a deadline. */
  static Run run(Duration timeout, Path dir, String... command) throws Exception {
    Path out = Files.createTempFile(dir, "run", ".out");
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!done) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout + ":\n" + Files.readString(out));
    }
    return new Run(process.exitValue(), Files.readString(out));
  }

  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(java.io.File.pathSeparator))
      if (Files.isExecutable(Path.of(dir, program))) return true;
    return false;
  }

  /** The repository's copy of ../shared/data (testdata/), or -Dtimeline.it.shared-data=DIR. */
  static Path sharedData() {
    Path data = Path.of(System.getProperty("timeline.it.shared-data", ClusterScript.ROOT.resolve("testdata").toString()));
    if (Files.isDirectory(data.resolve("deathstarbench")) && Files.isDirectory(data.resolve("social-graphs/" + GRAPH)))
      return data;
    throw new AssertionError("DeathStarBench's tools and " + GRAPH + " not found in " + data
        + " (deathstarbench/ and social-graphs/); set -Dtimeline.it.shared-data=DIR");
  }

  /**
   * The node's classpath with this checkout's own classes copied under {@link #DIR}, as
   * scripts/cluster does: a JVM loads classes lazily from its jars, and a {@code mvn install}
   * meanwhile (another build sharing ~/.m2) rewrites timeline-core's jar under it (seen here:
   * NoClassDefFoundError dev/timeline/core/Tweet$Media, and the node exits). The project's modules
   * come from their target/classes in this checkout, not from ~/.m2.
   */
  private static String snapshotBuild() throws IOException {
    Path module = ClusterScript.ROOT.resolve("modules/timeline-node");
    Path lib = Files.createDirectories(DIR.resolve("lib"));
    List<String> entries = new ArrayList<>();
    copyTree(module.resolve("target/classes"), lib.resolve("timeline-node-classes"));
    entries.add(lib.resolve("timeline-node-classes").toString());
    for (String jar : Files.readString(module.resolve("target/classpath.txt")).trim().split(":")) {
      Matcher own = Pattern.compile(".*/dev/timeline/([^/]+)/[^/]+/[^/]+\\.jar$").matcher(jar);
      Path classes = own.matches() ? ClusterScript.ROOT.resolve("modules/" + own.group(1) + "/target/classes") : null;
      if (classes != null && Files.isDirectory(classes)) {
        copyTree(classes, lib.resolve(own.group(1) + "-classes"));
        entries.add(lib.resolve(own.group(1) + "-classes").toString());
      } else entries.add(jar);
    }
    return String.join(":", entries);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
  }

  private static void killNode() {
    if (node == null) return;
    node.destroyForcibly();
    try {
      node.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    node = null;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
