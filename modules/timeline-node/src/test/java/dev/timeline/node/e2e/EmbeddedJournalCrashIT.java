package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The single-node set-up of scripts/quickstart: one node JVM started by scripts/node with its
 * journal in an embedded H2 file. 300 posts are acknowledged, the node is SIGKILLed right after
 * the last 201, and started again on the same file: every acknowledged post must be there, once.
 *
 * <p>{@code -Dtimeline.it.h2-options=";WRITE_DELAY=500"} runs it with H2's default write delay
 * instead of the node's WRITE_DELAY=0, to see what that loses. Binds node 1's default ports
 * ({@link dev.timeline.node.NodeMain.DefaultPorts}): run it under {@code flock /tmp/timeline-ports.lock}.
 */
@org.junit.jupiter.api.extension.ExtendWith(NodeLogsOnFailure.class)
class EmbeddedJournalCrashIT {
  private static final int POSTS = 300;
  private static final int NODE = 1;
  private static final Path DIR = ClusterScript.ROOT.resolve("modules/timeline-node/target/e2e/embedded-journal-crash");

  private final List<Process> started = new ArrayList<>();
  /** A test JVM killed by a timeout still runs its shutdown hooks: no node outlives the build. */
  private final Thread killOnExit = new Thread(this::killAll, "kill-embedded-node");
  /** A lone node started without port options listens on NodeMain's defaults. */
  private final AutoCloseable routed = Api.routeTo(Api::loneNode);

  @AfterEach
  void killNodes() throws Exception {
    killAll();
    Runtime.getRuntime().removeShutdownHook(killOnExit);
    routed.close();
  }

  @Test
  void everyAcknowledgedPostSurvivesASigkillOfTheNode() throws Exception {
    Runtime.getRuntime().addShutdownHook(killOnExit);
    deleteRecursively(DIR);
    Files.createDirectories(DIR);
    String url = "jdbc:h2:file:" + DIR.resolve("h2/timeline") + System.getProperty("timeline.it.h2-options", "");

    Process node = start(url, "node-1.log");
    assertEquals(201, Api.registerRetrying(NODE, "author").status(), "registered");
    Set<String> acknowledged = new TreeSet<>();
    long firstPost = System.nanoTime(), lastAnswer = 0;
    for (int i = 0; i < POSTS; i++) {
      Api.Response posted = Api.post(NODE, "author", "post " + i, "req-" + i);
      assertEquals(201, posted.status(), () -> "post " + acknowledged.size() + ": " + posted.body());
      lastAnswer = System.nanoTime();
      acknowledged.add(posted.body().get("tweetId").asText());
    }
    node.destroyForcibly(); // SIGKILL: the JVM runs nothing more, H2 included
    long killedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastAnswer);
    assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the node died");
    assertEquals(POSTS, acknowledged.size(), "distinct tweet ids acknowledged");
    // Later than this, H2's background writer may have saved the last commits by itself.
    assertTrue(killedAfterMs <= 50, "SIGKILL " + killedAfterMs + " ms after the last 201");

    start(url, "node-1-restarted.log");
    List<String> read = ownTweets("author");
    Set<String> distinct = new HashSet<>(read);
    Set<String> missing = new TreeSet<>(acknowledged);
    missing.removeAll(distinct);
    System.out.printf("EmbeddedJournalCrashIT (%s%s): %d acknowledged in %d ms, one at a time; SIGKILL %d ms after the last;"
            + " after the restart %d read, %d missing%n", url, url.contains("WRITE_DELAY") ? "" : ", NodeMain adds ;WRITE_DELAY=0",
        acknowledged.size(), TimeUnit.NANOSECONDS.toMillis(lastAnswer - firstPost), killedAfterMs, read.size(), missing.size());
    assertEquals(Set.of(), missing, "acknowledged posts missing after the restart (" + missing.size() + ")");
    assertEquals(read.size(), distinct.size(), "a tweet read twice");
    assertEquals(acknowledged, distinct, "tweets that were never acknowledged");
  }

  /** scripts/node, which execs the JVM: the process is the node, and a kill reaches it. */
  private Process start(String journalUrl, String log) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(ClusterScript.ROOT.resolve("scripts/node").toString(),
        "--index", "" + NODE, "--journal-url", journalUrl)
        .directory(ClusterScript.ROOT.toFile())
        .redirectErrorStream(true)
        .redirectOutput(DIR.resolve(log).toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().put("JAVA_OPTS", "-Xmx512m");
    builder.environment().remove("TIMELINE_JOURNAL_URL");
    Process node = builder.start();
    started.add(node);
    Cluster.await(Duration.ofSeconds(90), () -> {
      if (!node.isAlive()) throw new AssertionError("the node exited; see " + DIR.resolve(log));
      return Api.call(NODE, "GET", "/health", null, Duration.ofSeconds(2)).status() == 200;
    }, "node " + NODE + " healthy (log: " + DIR.resolve(log) + ")");
    return node;
  }

  /** Every tweet id of a user's own timeline, newest first, page after page. */
  private static List<String> ownTweets(String user) {
    List<String> ids = new ArrayList<>();
    String cursor = "";
    while (true) {
      Api.Response page = Api.call(NODE, "GET", "/users/" + user + "/tweets?limit=200&cursor=" + cursor, null, Duration.ofSeconds(10));
      assertEquals(200, page.status(), () -> "a page of " + user + "'s tweets: " + page.body());
      page.body().get("tweets").forEach(t -> ids.add(t.get("id").asText()));
      JsonNode next = page.body().get("nextCursor");
      if (next == null || next.isNull()) return ids;
      cursor = next.asText();
    }
  }

  private void killAll() {
    for (Process p : started) {
      p.destroyForcibly();
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    started.clear();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
