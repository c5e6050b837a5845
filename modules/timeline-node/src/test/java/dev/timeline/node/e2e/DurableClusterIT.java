package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What scripts/cluster promises about data: the journal keeps every write it acknowledged when
 * its process is SIGKILLed right after the answers (H2 with WRITE_DELAY=0; PostgreSQL with fsync
 * and synchronous_commit on), a run directory keeps users and tweets across {@code stop all} and
 * {@code crash all}, only {@code --fresh} wipes it, and the journal admits only the cluster.
 * Run with {@code TIMELINE_H2_WRITE_DELAY=500} (H2's default) the H2 durability test fails.
 */
@org.junit.jupiter.api.extension.ExtendWith(NodeLogsOnFailure.class)
class DurableClusterIT {
  static final int POSTS = 300;
  /** Ten authors write in parallel (one entity persists one post at a time): the last posts land just before the kill. */
  static final List<String> AUTHORS = List.of("durable0", "durable1", "durable2", "durable3", "durable4",
      "durable5", "durable6", "durable7", "durable8", "durable9");

  @Test
  void h2KeepsEveryAcknowledgedPostThroughASigkill() throws Exception {
    journalSigkillRightAfterTheAnswers("h2");
  }

  @Test
  void postgresKeepsEveryAcknowledgedPostThroughASigkill() throws Exception {
    journalSigkillRightAfterTheAnswers("postgres");
  }

  /** The repro: 300 posts acknowledged, the journal SIGKILLed at once, started again; every post is there once. */
  private void journalSigkillRightAfterTheAnswers(String journal) throws Exception {
    try (ClusterScript cluster = new ClusterScript("durable-" + journal)) {
      cluster.run("start", "3", "--journal", journal);
      if (journal.equals("postgres")) assertOnlyThePasswordOpensTheJournal(cluster);
      for (String author : AUTHORS) assertEquals(201, Api.registerRetrying(1, author).status(), "register " + author);

      long journalPid = cluster.journalPid();
      Map<String, Set<String>> acked = new ConcurrentHashMap<>(); // author -> tweet ids
      AtomicLong lastAnswer = new AtomicLong();
      long firstPost = System.nanoTime();
      ExecutorService clients = Executors.newFixedThreadPool(2 * AUTHORS.size());
      try {
        List<Future<?>> posts = new ArrayList<>();
        for (int k = 0; k < POSTS; k++) {
          int node = 1 + k % 3;
          String author = AUTHORS.get(k % AUTHORS.size());
          String requestId = "durable-" + k;
          posts.add(clients.submit(() -> {
            // Repeated with the same request id while refused or unanswered: posted once.
            Api.Response r = Api.untilServed(() -> Api.post(node, author, "post " + requestId, requestId));
            assertEquals(201, r.status(), "post " + requestId + ": " + r.body());
            acked.computeIfAbsent(author, a -> ConcurrentHashMap.newKeySet()).add(r.body().get("tweetId").asText());
            lastAnswer.accumulateAndGet(System.nanoTime(), Math::max);
          }));
        }
        for (Future<?> post : posts) post.get(2, TimeUnit.MINUTES);
      } finally {
        clients.shutdownNow();
      }
      long killedAfterMs;
      if (journal.equals("h2")) {
        // Straight from the pid file: a script run would add tens of milliseconds.
        ProcessHandle server = ProcessHandle.of(journalPid).orElseThrow();
        server.destroyForcibly(); // SIGKILL
        killedAfterMs = (System.nanoTime() - lastAnswer.get()) / 1_000_000;
        server.onExit().get(10, TimeUnit.SECONDS);
        assertTrue(killedAfterMs < 100, "the journal died " + killedAfterMs + " ms after the last answer, not at once");
      } else {
        cluster.run("journal", "crash"); // the postmaster and every backend, which hold the commits
        killedAfterMs = (System.nanoTime() - lastAnswer.get()) / 1_000_000;
      }
      long postingMs = (lastAnswer.get() - firstPost) / 1_000_000;
      assertEquals(POSTS, acked.values().stream().mapToInt(Set::size).sum(), "distinct tweets acknowledged");
      cluster.run("journal", "start");
      for (int node = 1; node <= 3; node++) awaitWritable(node);

      long inJournal = 0;
      for (String author : AUTHORS) inJournal += tweetsInJournal(cluster, author);
      System.out.printf("[%s] %d posts acknowledged in %d ms, journal SIGKILL %d ms after the last answer: %d of them in the journal%n",
          journal, POSTS, postingMs, killedAfterMs, inJournal);
      assertEquals(POSTS, inJournal, "acknowledged posts in the journal after its SIGKILL");
      for (String author : AUTHORS) assertOwnTimelineIs(2, author, acked.get(author));

      // The authors' entities held the tweets in memory all along: read them once more from the journal alone.
      cluster.run("stop", "all");
      cluster.run("start");
      for (String author : AUTHORS) assertOwnTimelineIs(3, author, acked.get(author));
    }
  }

  @Test
  void aRunDirectoryKeepsItsDataUntilFresh() throws Exception {
    try (ClusterScript cluster = new ClusterScript("keep")) {
      cluster.run("start", "3");
      Workload users = new Workload("keep", 6, 2, 1);
      List<Workload.Acked> acked = new ArrayList<>();
      postOneEach(users, acked, "before");
      users.awaitDelivered(acked, 1, Duration.ofSeconds(60));

      cluster.run("stop", "all");
      assertTrue(cluster.run("start").contains("starting on its journal data"), "start says it reuses the data");
      assertAllThere(users, acked, 2);
      postOneEach(users, acked, "after-stop");

      cluster.run("crash", "all");
      for (int node = 1; node <= 3; node++) assertFalse(cluster.alive(node), "node " + node + " is dead after crash all");
      assertFalse(ClusterScript.alive(cluster.journalPid()), "the journal is dead after crash all");
      assertTrue(cluster.run("status").contains("crashed"), "status tells the journal crashed");
      cluster.run("start");
      assertAllThere(users, acked, 3);

      cluster.run("stop", "all");
      ClusterScript.Result refused = cluster.tryRun(Duration.ofMinutes(1), "start", "--strategy", "pull");
      assertNotEquals(0, refused.exitCode(), "a push run directory started with --strategy pull: " + refused.output());
      assertTrue(refused.output().contains("--strategy pull") && refused.output().contains("--strategy push")
          && refused.output().contains("--fresh"), "the refusal names both values and --fresh: " + refused.output());
      assertFalse(cluster.alive(1), "a refused start starts no node");

      String fresh = cluster.run("start", "1", "--fresh", "--strategy", "pull");
      assertTrue(fresh.contains("deleted") && fresh.contains("h2/"), "--fresh says what it deleted: " + fresh);
      assertEquals(404, Api.profile(1, users.users.get(0), Duration.ofSeconds(10)).status(), "a fresh cluster has no users");
    }
  }

  @Test
  void theH2ServerAdmitsOnlyTheClusterToItsDatabase() throws Exception {
    try (ClusterScript cluster = new ClusterScript("h2-locked")) {
      cluster.run("start", "1");
      String url = cluster.journalUrl();
      assertTrue(url.endsWith(";WRITE_DELAY=0"), "the H2 URL writes on commit: " + url);
      assertOnlyThePasswordOpensTheJournal(cluster);

      String other = url.replace("/timeline;", "/other;");
      SQLException refused = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(other, cluster.journalUser(), cluster.journalPassword()).close(),
          "a client creates another database on the server");
      System.out.println("[h2] another database: " + refused.getMessage().lines().findFirst().orElse(""));
      try (Stream<Path> files = Files.list(cluster.runDir.resolve("h2"))) {
        assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("other")).toList(),
            "files the refused client made");
      }

      for (String file : List.of("journal.user", "journal.password"))
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
            Files.getPosixFilePermissions(cluster.runDir.resolve(file)), file + " is for its owner only");
      String password = cluster.journalPassword();
      List<String> showing = ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().map(c -> c.contains(password)).orElse(false))
          .map(p -> p.pid() + " " + p.info().command().orElse("?")).toList();
      assertEquals(List.of(), showing, "processes whose command line shows the journal password");
    }
  }

  /** The cluster's credentials open the journal; none, another user's or a wrong password do not. */
  private static void assertOnlyThePasswordOpensTheJournal(ClusterScript cluster) throws SQLException {
    String url = cluster.journalUrl();
    try (Connection c = cluster.journal(); ResultSet rs = c.createStatement().executeQuery("select 1")) {
      assertTrue(rs.next());
    }
    for (String[] credentials : List.of(new String[] {"sa", ""}, new String[] {"postgres", ""},
        new String[] {cluster.journalUser(), ""}, new String[] {cluster.journalUser(), cluster.journalPassword() + "x"}))
      assertThrows(SQLException.class, () -> DriverManager.getConnection(url, credentials[0], credentials[1]).close(),
          "user '" + credentials[0] + "' with password '" + credentials[1] + "' opens the journal");
  }

  /** TweetPosted events of {@code author} in the journal, read with the cluster's credentials. */
  private static long tweetsInJournal(ClusterScript cluster, String author) throws SQLException {
    try (Connection c = cluster.journal();
         PreparedStatement q = c.prepareStatement("select count(*) from \"event_journal\" where \"persistence_id\" = ? "
             + "and \"event_ser_manifest\" like '%TweetPosted%'")) {
      q.setString(1, "User|" + author);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Waits until a write through {@code node} reaches the journal again (a registration: 201, or 409 if a retry found it done). */
  private static void awaitWritable(int node) {
    String probe = "probe-" + node + "-" + System.nanoTime();
    Cluster.await(Duration.ofSeconds(60), () -> {
      int status = Api.register(node, probe).status();
      return status == 201 || status == 409;
    }, "node " + node + " writes to the journal again");
  }

  private static void assertOwnTimelineIs(int node, String author, Set<String> expected) {
    AtomicReference<List<String>> read = new AtomicReference<>();
    Cluster.await(Duration.ofSeconds(60), () -> read.updateAndGet(r -> Api.ownTimeline(node, author)) != null,
        author + "'s timeline is readable through node " + node);
    List<String> timeline = read.get();
    assertEquals(timeline.size(), new HashSet<>(timeline).size(), author + "'s timeline has a tweet twice");
    Set<String> missing = new HashSet<>(expected);
    timeline.forEach(missing::remove);
    assertEquals(Set.of(), missing, missing.size() + " of " + expected.size() + " acknowledged tweets missing from " + author + "'s timeline");
    assertEquals(expected.size(), timeline.size(), author + "'s timeline has tweets nobody posted");
  }

  private static void postOneEach(Workload users, List<Workload.Acked> acked, String round) {
    for (String author : users.users) {
      Api.Response r = Api.post(1, author, round + " by " + author, round + "-" + author);
      assertEquals(201, r.status(), "post by " + author + ": " + r.body());
      acked.add(new Workload.Acked(author, r.body().get("tweetId").asText()));
    }
  }

  /** After a cold start: every user is there with their own tweets, and every follower has them. */
  private static void assertAllThere(Workload users, List<Workload.Acked> acked, int node) {
    Cluster.await(Duration.ofSeconds(60), () -> Api.profile(node, users.users.get(0), Duration.ofSeconds(5)).status() == 200,
        "the first user answers after the restart");
    for (String u : users.users) {
      assertEquals(200, Api.profile(node, u, Duration.ofSeconds(10)).status(), u + " is still registered");
      Set<String> own = new HashSet<>();
      acked.stream().filter(a -> a.author().equals(u)).forEach(a -> own.add(a.tweetId()));
      List<String> timeline = Api.ownTimeline(node, u);
      assertNotNull(timeline, u + "'s own timeline is readable");
      assertEquals(own, new HashSet<>(timeline), u + "'s own tweets after the restart");
    }
    users.awaitDelivered(acked, node, Duration.ofSeconds(60));
  }
}
