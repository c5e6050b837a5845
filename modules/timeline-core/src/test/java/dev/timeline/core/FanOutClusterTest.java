package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Push fan-out across a 3-node cluster: deliveries cross nodes, arrive once and in order. */
class FanOutClusterTest {
  static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(3, ConfigFactory.parseString("""
        akka.actor.serialize-messages = on
        timeline.home-timeline-size = 1000
        timeline.user-timeline-size = 1000
        """));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  @Test
  void followersOnOtherNodesReceiveATweet() {
    Users users = cluster.users(0);
    List<String> followers = register(users, "cross-follower-", 30);
    join(users.register("cross-author", "Author"));
    followAll(users, followers, "cross-author");

    Tweet tweet = join(users.post("cross-author", "hello from one node", Optional.empty()));

    int authorNode = cluster.nodeOfUser("cross-author").orElseThrow();
    Set<Integer> otherNodes = new HashSet<>();
    for (String f : followers) cluster.nodeOfUser(f).filter(n -> n != authorNode).ifPresent(otherNodes::add);
    assertEquals(2, otherNodes.size(), "followers live on both other nodes");

    for (String f : followers)
      LocalCluster.await(Duration.ofSeconds(20),
          () -> home(users, f, 10).contains(tweet.id()), f + " received " + tweet.id());
  }

  /**
   * Posts written at once share the journal's batches; BatchedJournalDao writes such a batch with
   * one JDBC batch of events and one of tags, and each tag must land on its own event's row.
   */
  @Test
  void tweetsWrittenInOneBatchKeepTheirOwnTags() throws Exception {
    assertEquals(BatchedJournalDao.class.getName(), cluster.node(0).settings().config().getString("jdbc-journal.dao"));
    Users users = cluster.users(0, Duration.ofSeconds(30));
    List<String> authors = register(users, "batch-author-", 40);
    CompletableFuture.allOf(authors.stream()
        .map(a -> users.post(a, "at once " + a, Optional.empty()).toCompletableFuture())
        .toArray(CompletableFuture[]::new)).join();

    int instances = cluster.settings(0).fanOut().instances();
    List<String> mismatches = new ArrayList<>();
    int posts = 0;
    try (var c = cluster.settings(0).journal().login().connect();
         var rs = c.createStatement().executeQuery("select j.\"persistence_id\", t.\"tag\" from \"event_journal\" j "
             + "left join \"event_tag\" t on t.\"event_id\" = j.\"ordering\" "
             + "where j.\"persistence_id\" like 'User|batch-author-%' and j.\"event_ser_manifest\" like '%TweetPosted'")) {
      while (rs.next()) {
        posts++;
        String pid = rs.getString(1);
        if (!FanOut.tagFor(pid, instances).equals(rs.getString(2))) mismatches.add(pid + " tagged " + rs.getString(2));
      }
    }
    assertEquals(authors.size(), posts, "one tweet row with one tag per author");
    assertTrue(mismatches.isEmpty(), "tags on another event's row: " + mismatches);
  }

  /**
   * The fan-out's tag query (TagRangeReadJournalDao) gives the rows the plugin's own would, from
   * any offset, while the database reads only the tag rows after the offset: the plugin's form,
   * bounded on the journal's ordering, scans the whole tag table on every poll.
   */
  @Test
  void tagQueriesAnswerAsThePluginsAndReadOnlyTheRowsAfterTheirOffset() throws Exception {
    var node = cluster.node(0);
    assertEquals(TagRangeReadJournalDao.class.getName(), node.settings().config().getString("jdbc-read-journal.dao"));
    Users users = cluster.users(0, Duration.ofSeconds(30));
    List<String> authors = register(users, "tagq-author-", 24);
    for (String a : authors) join(users.post(a, "tagged " + a, Optional.empty()));
    var journal = akka.persistence.query.PersistenceQuery.get(akka.actor.typed.javadsl.Adapter.toClassic(node))
        .getReadJournalFor(akka.persistence.jdbc.query.javadsl.JdbcReadJournal.class,
            akka.persistence.jdbc.query.javadsl.JdbcReadJournal.Identifier());
    String pluginsForm = "select j.\"ordering\", j.\"persistence_id\" from \"event_journal\" j join \"event_tag\" t "
        + "on j.\"ordering\" = t.\"event_id\" where t.\"tag\" = ? and j.\"ordering\" > ? and j.\"deleted\" = false order by j.\"ordering\"";
    long max;
    try (var c = cluster.settings(0).journal().login().connect()) {
      try (var rs = c.createStatement().executeQuery("select max(\"ordering\") from \"event_journal\"")) {
        rs.next();
        max = rs.getLong(1);
      }
      int instances = cluster.settings(0).fanOut().instances();
      for (int i = 0; i < instances; i++) {
        String tag = FanOut.tagFor("User|" + authors.get(i % authors.size()), instances);
        for (long offset : new long[] {0, max / 2, max - 5}) {
          List<String> expected = new ArrayList<>();
          try (var q = c.prepareStatement(pluginsForm)) {
            q.setString(1, tag);
            q.setLong(2, offset);
            try (var rs = q.executeQuery()) {
              while (rs.next()) expected.add(rs.getLong(1) + " " + rs.getString(2));
            }
          }
          List<String> read = join(journal.currentEventsByTag(tag, akka.persistence.query.Offset.sequence(offset))
              .map(e -> ((akka.persistence.query.Sequence) e.offset()).value() + " " + e.persistenceId())
              .runWith(akka.stream.javadsl.Sink.seq(), node));
          assertEquals(expected, read, tag + " after " + offset);
        }
      }

      // The plan depends on the table sizes: with a few hundred rows H2 read only the new rows in
      // every form, so the probe below has a journal of 20,000 events over 8 tags no projection
      // polls (their payloads are never read) and asks for the newest few of one tag.
      String ours = TagRangeReadJournalDao.eventsByTagSql(
          new akka.persistence.jdbc.config.ReadJournalConfig(node.settings().config().getConfig("jdbc-read-journal")));
      int probes = 20_000;
      try (var events = c.prepareStatement("insert into \"event_journal\" (\"deleted\", \"persistence_id\", \"sequence_number\", "
          + "\"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") "
          + "values (false, ?, 1, 'probe', 0, '', X'00', 0, '')")) {
        for (int k = 0; k < probes; k++) {
          events.setString(1, "scan-probe|" + k);
          events.addBatch();
        }
        events.executeBatch();
      }
      c.createStatement().executeUpdate("insert into \"event_tag\" (\"event_id\", \"tag\") select \"ordering\", "
          + "concat('scan-probe-', mod(\"ordering\", 8)) from \"event_journal\" where \"persistence_id\" like 'scan-probe|%'");
      long newest;
      try (var rs = c.createStatement().executeQuery("select max(\"ordering\") from \"event_journal\"")) {
        rs.next();
        newest = rs.getLong(1);
      }
      String probeTag = "scan-probe-" + (newest % 8);
      long offset = newest - 80; // 10 rows of the tag after it
      assertTrue(scanned(c, ours, probeTag, offset) <= 20, "the new rows of the tag only: " + scanned(c, ours, probeTag, offset));
      String insideTheJoin = "select j.\"ordering\" from \"event_tag\" t join \"event_journal\" j on j.\"ordering\" = t.\"event_id\" "
          + "where t.\"tag\" = ? and t.\"event_id\" > ? and t.\"event_id\" <= ? and j.\"deleted\" = false order by t.\"event_id\" limit ?";
      for (String former : List.of(pluginsForm + " limit ?", insideTheJoin))
        assertTrue(scanned(c, former, probeTag, offset) >= probes / 8, "a form that scans a table: " + former);
    }
  }

  /** The rows H2 reads for a tag query (its plan's largest scan count). */
  private static long scanned(java.sql.Connection c, String query, String tag, long offset) throws Exception {
    String sql = "explain analyze " + query.replaceFirst("\\?", "'" + tag + "'").replaceFirst("\\?", Long.toString(offset))
        .replaceFirst("\\?", Integer.toString(Integer.MAX_VALUE)).replaceFirst("\\?", "1000");
    try (var rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      var counts = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(rs.getString(1));
      long most = 0;
      while (counts.find()) most = Math.max(most, Long.parseLong(counts.group(1)));
      return most;
    }
  }

  @Test
  void thousandTweetsReachEveryFollowerOnceInOrder() {
    // 1000 posts at once queue up at one author, each waiting for the writes before it: longer
    // than the nodes' 2 s ask timeout on a busy machine.
    Users users = cluster.users(1, Duration.ofSeconds(30));
    List<String> followers = register(users, "bulk-follower-", 12);
    join(users.register("bulk-author", "Prolific"));
    followAll(users, followers, "bulk-author");
    Set<Integer> followerNodes = new HashSet<>();
    for (String f : followers) followerNodes.add(cluster.nodeOfUser(f).orElseThrow());
    assertEquals(3, followerNodes.size(), "followers on all nodes");

    List<CompletableFuture<Tweet>> posts = IntStream.range(0, 1000)
        .mapToObj(i -> users.post("bulk-author", "tweet " + i, Optional.of("bulk-" + i)).toCompletableFuture())
        .toList();
    List<String> expected = new ArrayList<>(posts.stream().map(p -> p.join().id()).toList());
    expected.sort((a, b) -> b.compareTo(a));

    for (String f : followers) {
      LocalCluster.await(Duration.ofSeconds(60), () -> home(users, f, 1000).size() == 1000, f + " has 1000 tweets");
      assertEquals(expected, home(users, f, 1000), f + "'s timeline is exactly the posted tweets, newest first");
    }
  }

  @Test
  void aFollowRecordedOnlyOnTheFollowerSideReachesTheFollowee() {
    Users users = cluster.users(2);
    join(users.register("half-follower", "Follower"));
    join(users.register("half-followee", "Followee"));
    // As if the node died between the two steps of Users.follow: only Followed is durable.
    join(users.ref("half-follower").<Long>askWithStatus(
        r -> new UserProtocol.Follow("half-followee", r), Duration.ofSeconds(5)));

    LocalCluster.await(Duration.ofSeconds(20),
        () -> join(users.profile("half-followee")).followers() == 1, "the fan-out adds the follower");
  }

  /**
   * The fan-out carries every Followed/Unfollowed to the followee again, at least once, possibly
   * much later (a slice restarting from an old offset). Replaying the old Unfollowed after a
   * newer follow, as the projection would, leaves the follower following and receiving.
   */
  @Test
  void aReplayedUnfollowDoesNotUndoANewerFollow() {
    Users users = cluster.users(0);
    join(users.register("again-follower", "Follower"));
    join(users.register("again-followee", "Followee"));
    join(users.follow("again-follower", "again-followee"));
    join(users.unfollow("again-follower", "again-followee"));
    join(users.follow("again-follower", "again-followee"));
    assertEquals(1, join(users.profile("again-followee")).followers());

    replay(cluster.node(1), "again-follower", UserEntity.Unfollowed.class);
    assertEquals(1, join(users.profile("again-followee")).followers(), "the old unfollow changed nothing");
    Tweet tweet = join(users.post("again-followee", "still there?", Optional.empty()));
    LocalCluster.await(Duration.ofSeconds(20),
        () -> home(users, "again-follower", 10).contains(tweet.id()), "the follower receives the next tweet");
  }

  /** The reverse: an old Followed replayed after the unfollow does not bring the follower back. */
  @Test
  void aReplayedFollowDoesNotUndoANewerUnfollow() {
    Users users = cluster.users(2);
    join(users.register("gone-follower", "Follower"));
    join(users.register("gone-followee", "Followee"));
    join(users.follow("gone-follower", "gone-followee"));
    join(users.unfollow("gone-follower", "gone-followee"));

    replay(cluster.node(0), "gone-follower", UserEntity.Followed.class);
    assertEquals(0, join(users.profile("gone-followee")).followers(), "the old follow changed nothing");
  }

  /** Hands the user's journaled events of that type to a fan-out handler, as its projection does. */
  static void replay(akka.actor.typed.ActorSystem<?> node, String userId, Class<? extends UserEntity.Event> type) {
    String pid = akka.persistence.typed.PersistenceId.of(UserEntity.ENTITY_TYPE_KEY.name(), userId).id();
    var journal = akka.persistence.query.PersistenceQuery.get(akka.actor.typed.javadsl.Adapter.toClassic(node))
        .getReadJournalFor(akka.persistence.jdbc.query.javadsl.JdbcReadJournal.class,
            akka.persistence.jdbc.query.javadsl.JdbcReadJournal.Identifier());
    List<akka.projection.eventsourced.EventEnvelope<UserEntity.Event>> envelopes =
        join(journal.currentEventsByPersistenceId(pid, 0, Long.MAX_VALUE)
            .filter(e -> type.isInstance(e.event()))
            .map(e -> akka.projection.eventsourced.EventEnvelope.create(
                e.offset(), e.persistenceId(), e.sequenceNr(), (UserEntity.Event) e.event(), e.timestamp()))
            .runWith(akka.stream.javadsl.Sink.seq(), node));
    assertEquals(1, envelopes.size(), "one " + type.getSimpleName() + " of " + userId + " in the journal");
    join(new FanOut.DeliveryHandler(node, cluster.settings(0), ShardHomes.unknown(node)).process(envelopes));
  }

  static List<String> register(Users users, String prefix, int count) {
    List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    CompletableFuture.allOf(ids.stream()
        .map(id -> users.register(id, "User " + id).toCompletableFuture())
        .toArray(CompletableFuture[]::new)).join();
    return ids;
  }

  /** Follows; an acknowledged follow is on both sides already. */
  static void followAll(Users users, List<String> followers, String followee) {
    CompletableFuture.allOf(followers.stream()
        .map(f -> users.follow(f, followee).toCompletableFuture())
        .toArray(CompletableFuture[]::new)).join();
    assertEquals(followers.size(), join(users.profile(followee)).followers(), followee + " knows its followers");
  }

  static List<String> home(Users users, String userId, int limit) {
    return join(users.homeTimeline(userId, limit, Optional.empty())).tweets().stream().map(Tweet::id).toList();
  }

  static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }
}
