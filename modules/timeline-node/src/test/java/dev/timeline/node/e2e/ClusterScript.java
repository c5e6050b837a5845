package dev.timeline.node.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@code scripts/cluster} the way a user does, with its own run directory under
 * {@code target/e2e/NAME}, wiped when this is made (the script keeps a run directory's data from
 * one start to the next, an earlier test's users included). Every call waits for the script with
 * a deadline and fails with the script's output; {@link #close()} stops every node and the
 * journal, also after a failure. While it is open, {@link Api} reaches each node (and the front
 * door, node {@link Api#FRONT_DOOR}) where the cluster description says.
 */
final class ClusterScript implements AutoCloseable {
  static final Path ROOT = findRoot();

  final Path runDir;
  private final Path transcript;
  /** Extra environment of every call (e.g. TIMELINE_NODE_JAVA_OPTS for the nodes it starts). */
  private final java.util.Map<String, String> env = new java.util.concurrent.ConcurrentHashMap<>();
  private final Thread stopOnExit;
  /** Api's routing before this cluster's, restored by {@link #close()}. */
  private final AutoCloseable routed;
  /** The description as last read, and the modification time of its file then. */
  private com.typesafe.config.Config description;
  private long describedAt = -1;

  ClusterScript(String name) throws IOException {
    this.runDir = ROOT.resolve("modules/timeline-node/target/e2e/" + name).toAbsolutePath();
    Files.createDirectories(runDir.getParent());
    this.transcript = runDir.getParent().resolve(name + ".transcript.log");
    Files.deleteIfExists(transcript);
    // A test JVM killed by a timeout still runs its shutdown hooks: no node outlives the build.
    this.stopOnExit = new Thread(this::stopQuietly, "stop-cluster-" + name);
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    if (Files.exists(runDir)) run("reset");
    this.routed = Api.routeTo(node -> node == Api.FRONT_DOOR ? frontDoor() : http(node));
  }

  /** Every later call of the script gets {@code key=value} in its environment. */
  ClusterScript withEnv(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** How a run of the script ended: its exit code and its output (stdout and stderr). */
  record Result(int exitCode, String output) {}

  /** Runs {@code scripts/cluster ARGS}, returns its output; fails unless it exits 0 in time. */
  String run(Duration timeout, String... args) {
    Result result = tryRun(timeout, args);
    if (result.exitCode() != 0)
      throw new AssertionError("scripts/cluster " + String.join(" ", args) + " exited " + result.exitCode() + ":\n" + result.output());
    return result.output();
  }

  /** Runs {@code scripts/cluster ARGS} and returns how it ended; fails only if it does not end in time. */
  Result tryRun(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/cluster").toString()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("cluster", ".out");
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(ROOT.toFile())
          .redirectErrorStream(true)
          .redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(env);
      builder.environment().put("TIMELINE_RUN_DIR", runDir.toString());
      Process process = builder.start();
      boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) process.destroyForcibly().waitFor();
      String output = Files.readString(out);
      Files.delete(out);
      Files.writeString(transcript, "$ scripts/cluster " + String.join(" ", args) + "\n" + output,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (!done) throw new AssertionError("scripts/cluster " + String.join(" ", args) + " did not finish in " + timeout + ":\n" + output);
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  String run(String... args) {
    return run(Duration.ofMinutes(3), args);
  }

  /** The pid the script recorded for node {@code i}. */
  long pid(int node) {
    try {
      return Long.parseLong(Files.readString(runDir.resolve("node-" + node + ".pid")).trim());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  boolean alive(int node) {
    return alive(pid(node));
  }

  /** Whether a process runs; a zombie (killed, not yet reaped by its parent) does not, although ProcessHandle says it lives. */
  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException gone) {
      return false;
    }
  }

  /** The pid of the journal server (for PostgreSQL its postmaster), as the script recorded it. */
  long journalPid() {
    return Long.parseLong(file("journal.pid"));
  }

  /** The journal's JDBC URL, from the cluster description. */
  String journalUrl() {
    return description().getString("journal.url");
  }

  /**
   * The cluster description the script wrote (cluster.conf: every address of the cluster), read
   * again whenever its file changed: start, add and the front door rewrite it.
   */
  synchronized com.typesafe.config.Config description() {
    Path file = runDir.resolve("cluster.conf");
    try {
      long modified = Files.getLastModifiedTime(file).toMillis();
      if (description == null || modified != describedAt) {
        description = com.typesafe.config.ConfigFactory.parseFile(file.toFile());
        describedAt = modified;
      }
      return description;
    } catch (java.nio.file.NoSuchFileException none) {
      throw new AssertionError("no cluster description " + file + " (scripts/cluster start writes it)");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Node {@code i}'s public API, "http://HOST:PORT", as the description names it. */
  String http(int node) {
    var n = description().getConfig("node." + node);
    return "http://" + n.getString("host") + ":" + n.getInt("http-port");
  }

  /** Node {@code i}'s Artery address, HOST:PORT, as the description names it (and Akka addresses end with). */
  String artery(int node) {
    var n = description().getConfig("node." + node);
    return n.getString("host") + ":" + n.getInt("artery-port");
  }

  /** The front door's "http://HOST:PORT" while it runs, as the description names it. */
  String frontDoor() {
    var d = description();
    if (!d.hasPath("front-door")) throw new AssertionError("no front door in the cluster description (scripts/cluster start --front-door)");
    return "http://" + d.getString("front-door");
  }

  /** The journal's user and generated password, which the script gives its nodes. */
  String journalUser() {
    return file("journal.user");
  }

  String journalPassword() {
    return file("journal.password");
  }

  /** A JDBC connection to the journal with the cluster's credentials. */
  Connection journal() throws SQLException {
    return DriverManager.getConnection(journalUrl(), journalUser(), journalPassword());
  }

  private String file(String name) {
    try {
      return Files.readString(runDir.resolve(name)).trim();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stopQuietly();
    try {
      routed.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private void stopQuietly() {
    if (!Files.exists(runDir)) return;
    try {
      run(Duration.ofMinutes(2), "stop", "all");
    } catch (AssertionError | RuntimeException e) {
      System.err.println("stopping the e2e cluster failed: " + e.getMessage());
    }
  }

  private static Path findRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("scripts/cluster"))) dir = dir.getParent();
    if (dir == null) throw new IllegalStateException("scripts/cluster not found above " + Path.of("").toAbsolutePath());
    return dir;
  }
}
