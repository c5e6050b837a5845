package dev.timeline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.model.StatusCodes;
import akka.pattern.AskTimeoutException;
import akka.pattern.StatusReply;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.timeline.core.FanOut;
import dev.timeline.core.Journal;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import dev.timeline.core.Rejection;
import dev.timeline.core.TimelineSettings;
import dev.timeline.core.Tweet;
import dev.timeline.core.UserEntity;
import dev.timeline.core.UserProtocol;
import dev.timeline.core.Users;
import dev.timeline.node.lab.ImportRoutes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API against one real single-node cluster (in-memory H2 journal, real fan-out), driven
 * over loopback with the JDK's HTTP client, as a client of a running node would.
 */
class TimelineRoutesTest {
  private static final Duration AWAIT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger ids = new AtomicInteger();

  private static ActorSystem<Void> system;
  private static URI base;
  private static URI admin;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One node's config; overrides are resolved together with reference.conf (it refers to them). */
  static Config nodeConfig(String overrides) {
    return ConfigFactory.load(ConfigFactory.parseString(overrides + "\n"
        + "akka.remote.artery.canonical.port = 0\n"
        + "akka.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
        + "akka.actor.serialize-messages = on\n"
        + "timeline.journal.url = \"jdbc:h2:mem:routes-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1\"\n"));
  }

  /** A one-node cluster with users and the fan-out started: what a test's API runs against. */
  static ActorSystem<Void> singleNode() {
    ActorSystem<Void> node = ActorSystem.create(Behaviors.empty(), "timeline", nodeConfig(""));
    Cluster cluster = Cluster.get(node);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TimelineSettings settings = TimelineSettings.from(node.settings().config());
    Journal.createTablesIfMissing(node, settings.journal(), Duration.ofSeconds(30));
    UserEntity.init(node, settings);
    FanOut.init(node, settings);
    return node;
  }

  @BeforeAll
  static void startNode() throws Exception {
    system = singleNode();
    int port = HttpServer.start(system, NodeSettings.of(system.settings().config()), "127.0.0.1", 0).toCompletableFuture().get(10, TimeUnit.SECONDS)
        .localAddress().getPort();
    base = URI.create("http://127.0.0.1:" + port);
    int adminPort = HttpServer.start(system, "admin", "127.0.0.1", 0, new ImportRoutes(system, NodeSettings.of(system.settings().config()), new Users(system, TimelineSettings.from(system.settings().config()))).route())
        .toCompletableFuture().get(10, TimeUnit.SECONDS).localAddress().getPort();
    admin = URI.create("http://127.0.0.1:" + adminPort);
    awaitAssert(() -> assertEquals(200, get("/health").status()));
  }

  @AfterAll
  static void stopNode() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  // ---- users ----------------------------------------------------------------------------------

  @Test
  void registeringCreatesOnceThenIsIdempotentAndRefusesAnotherName() throws Exception {
    String id = newId("ann");
    Response created = register(id, "Ann");
    assertEquals(201, created.status());
    assertEquals(json(Map.of("id", id, "name", "Ann", "followers", 0, "following", 0, "tweets", 0)), created.body());
    assertEquals("/users/" + id, created.header("Location"));

    Response again = register(id, "Ann");
    assertEquals(200, again.status());
    assertEquals(created.body(), again.body());

    assertError(409, "conflict", register(id, "Anna"));
  }

  @Test
  void registeringRefusesBadInput() throws Exception {
    assertError(400, "bad_request", register("no spaces", "Bob"));
    assertError(400, "bad_request", register("x".repeat(65), "Bob"));
    assertError(400, "bad_request", post("/users", "{\"name\":\"Bob\"}"));
    assertError(400, "bad_request", post("/users", "{\"id\":\"" + newId("bob") + "\"}"));
    assertError(400, "bad_request", register(newId("bob"), "   "));
    assertError(400, "bad_request", post("/users", "{\"id\": \"bob\", "));
    assertError(400, "bad_request", post("/users", "null"));
    assertError(400, "bad_request", post("/users", ""));
  }

  /** Jackson's data binding took {"text": 42} as the text "42"; a string field takes only a JSON string. */
  @Test
  void aStringFieldTakesOnlyAJsonString() throws Exception {
    String kay = registered("kay");
    for (String wrong : List.of("42", "4.2", "true", "null", "{}", "[\"x\"]")) {
      assertNamesField("text", post("/users/" + kay + "/tweets", "{\"text\": " + wrong + "}"));
      assertNamesField("requestId", post("/users/" + kay + "/tweets", "{\"text\": \"hi\", \"requestId\": " + wrong + "}"));
      assertNamesField("id", post("/users", "{\"id\": " + wrong + ", \"name\": \"Kay\"}"));
      assertNamesField("name", post("/users", "{\"id\": \"" + newId("kay") + "\", \"name\": " + wrong + "}"));
    }
    assertEquals(0, get("/users/" + kay).body().get("tweets").asInt(), "nothing refused was posted");
    assertError(404, "not_found", get("/users/42"), "no user '42' was registered from {\"id\": 42}");
  }

  @Test
  void aBodyIsOneObjectWithItsOwnFieldsEachOnce() throws Exception {
    String lee = registered("lee");
    String tweets = "/users/" + lee + "/tweets";
    // A misspelt requestId would silently lose the post's idempotency.
    assertNamesField("requestid", post(tweets, "{\"text\": \"hi\", \"requestid\": \"r-1\"}"));
    assertNamesField("text", post(tweets, "{\"text\": \"a\", \"text\": \"b\"}"));
    assertError(400, "bad_request", post(tweets, "{\"text\": \"a\"} {\"text\": \"b\"}"));
    assertError(400, "bad_request", post(tweets, "[\"text\"]"));
    assertError(400, "bad_request", post(tweets, "\"hi\""));
    assertNamesField("text", post(tweets, "{}"));
    assertEquals(0, get("/users/" + lee).body().get("tweets").asInt(), "nothing refused was posted");
    assertEquals(201, post(tweets, "{\"requestId\": \"r-2\", \"text\": \"in any order\"}").status());
  }

  @Test
  void aBodyMustBeJsonAndAtMost16KiB() throws Exception {
    assertError(415, "unsupported_media_type",
        send("POST", "/users", "text/plain", "{\"id\":\"" + newId("cy") + "\",\"name\":\"Cy\"}"));
    String huge = JSON.writeValueAsString(Map.of("id", newId("cy"), "name", "C".repeat(17 * 1024)));
    assertError(413, "payload_too_large", post("/users", huge));
  }

  @Test
  void aProfileShowsCountsAndUnknownOrBadIdsAreRefused() throws Exception {
    String id = registered("dee");
    Response profile = get("/users/" + id);
    assertEquals(200, profile.status());
    assertEquals(json(Map.of("id", id, "name", "dee", "followers", 0, "following", 0, "tweets", 0)), profile.body());

    assertError(404, "not_found", get("/users/" + newId("nobody")));
    assertError(400, "bad_request", get("/users/bad%21id"));
  }

  @Test
  void unknownPathsAre404AndWrongMethods405() throws Exception {
    assertError(404, "not_found", get("/nothing-here"));
    assertError(404, "not_found", get("/users/" + registered("eve") + "/nothing-here"));

    Response patch = send("PATCH", "/users/eve", "application/json", "{}");
    assertError(405, "method_not_allowed", patch);
    assertEquals("GET", patch.header("Allow"));
    assertError(405, "method_not_allowed", get("/users"));
    assertError(405, "method_not_allowed", send("POST", "/health", "application/json", "{}"));
  }

  // ---- following ------------------------------------------------------------------------------

  @Test
  void followingIsAcknowledgedOnceBothSidesHaveIt() throws Exception {
    String fan = registered("fan");
    String star = registered("star");

    assertEquals(204, put("/users/" + fan + "/following/" + star).status());
    assertEquals(1, get("/users/" + fan).body().get("following").asInt());
    assertEquals(1, get("/users/" + star).body().get("followers").asInt());

    assertEquals(204, put("/users/" + fan + "/following/" + star).status(), "following twice changes nothing");
    assertEquals(1, get("/users/" + fan).body().get("following").asInt());

    assertEquals(204, delete("/users/" + fan + "/following/" + star).status());
    assertEquals(0, get("/users/" + fan).body().get("following").asInt());
    assertEquals(0, get("/users/" + star).body().get("followers").asInt());
  }

  @Test
  void followingRefusesSelfUnknownUsersAndBadIds() throws Exception {
    String gus = registered("gus");
    assertError(400, "bad_request", put("/users/" + gus + "/following/" + gus));
    assertError(404, "not_found", put("/users/" + gus + "/following/" + newId("ghost")));
    assertError(404, "not_found", put("/users/" + newId("ghost") + "/following/" + gus));
    assertError(400, "bad_request", put("/users/" + gus + "/following/bad%20id"));
    assertError(400, "bad_request", delete("/users/bad%20id/following/" + gus));
  }

  // ---- tweets ---------------------------------------------------------------------------------

  @Test
  void postingAnswers201AndARetryWithTheSameRequestIdReturnsTheSameTweet() throws Exception {
    String hal = registered("hal");
    long before = System.currentTimeMillis();
    Response posted = tweet(hal, "hello", "req-1");
    assertEquals(201, posted.status());
    String tweetId = posted.body().get("tweetId").asText();
    assertTrue(tweetId.endsWith("-" + hal), tweetId);
    assertTrue(posted.body().get("postedAt").asLong() >= before);

    Response retried = tweet(hal, "hello", "req-1");
    assertEquals(201, retried.status());
    assertEquals(posted.body(), retried.body());
    assertNotEquals(tweetId, tweet(hal, "hello", "req-2").body().get("tweetId").asText());
    assertEquals(2, get("/users/" + hal).body().get("tweets").asInt());
  }

  @Test
  void textIsOneTo280CodePoints() throws Exception {
    String ivy = registered("ivy");
    assertError(400, "bad_request", tweet(ivy, "x".repeat(281), null));
    assertError(400, "bad_request", tweet(ivy, "", null));
    assertError(400, "bad_request", tweet(ivy, "   ", null));
    assertError(400, "bad_request", post("/users/" + ivy + "/tweets", "{}"));

    String emoji = "\uD83D\uDE00".repeat(280); // 280 code points, 560 UTF-16 chars
    assertEquals(560, emoji.length());
    Response posted = tweet(ivy, emoji, null);
    assertEquals(201, posted.status());
    assertEquals(emoji, get("/users/" + ivy + "/tweets").body().get("tweets").get(0).get("text").asText());

    assertError(404, "not_found", tweet(newId("ghost"), "boo", null));
    assertError(415, "unsupported_media_type", send("POST", "/users/" + ivy + "/tweets", "text/plain", "hi"));
  }

  @Test
  void aPostRightAfterAFollowReachesTheFollower() throws Exception {
    String reader = registered("reader");
    String writer = registered("writer");
    // No waiting in between: an acknowledged follow is already in the writer's follower set.
    assertEquals(204, put("/users/" + reader + "/following/" + writer).status());

    JsonNode posted = tweet(writer, "news", null).body();
    JsonNode expected = json(Map.of("id", posted.get("tweetId").asText(), "authorId", writer, "text", "news",
        "postedAt", posted.get("postedAt").asLong()));
    awaitAssert(() -> {
      JsonNode page = get("/users/" + reader + "/timeline").body();
      assertEquals(1, page.get("tweets").size());
      assertEquals(expected, page.get("tweets").get(0));
    });
  }

  @Test
  void timelinesArePagedNewestFirstWithLimitAndCursor() throws Exception {
    String joy = registered("joy");
    List<String> newestFirst = new ArrayList<>();
    for (int i = 1; i <= 5; i++) newestFirst.add(0, tweet(joy, "tweet " + i, null).body().get("tweetId").asText());

    for (String timeline : List.of("tweets", "timeline")) {
      String path = "/users/" + joy + "/" + timeline;
      List<String> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        Response page = get(path + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
        assertEquals(200, page.status());
        page.body().get("tweets").forEach(t -> seen.add(t.get("id").asText()));
        JsonNode next = page.body().path("nextCursor");
        cursor = next.isMissingNode() || next.isNull() ? null : next.asText();
        pages++;
      } while (cursor != null);
      assertEquals(newestFirst, seen, timeline);
      assertEquals(3, pages, timeline);

      Response all = get(path);
      assertEquals(5, all.body().get("tweets").size(), "the default limit is 20");
      assertTrue(all.body().get("nextCursor").isNull());

      for (String bad : List.of("0", "201", "-1", "ten", "", "+5", "1e2", "5.0", "%205", "99999999999", "0x10"))
        assertError(400, "bad_request", get(path + "?limit=" + bad));
    }
    assertEquals(200, get("/users/" + joy + "/tweets?limit=200").status());
    assertError(404, "not_found", get("/users/" + newId("ghost") + "/timeline"));
  }

  @Test
  void aCursorIsEmptyOrATweetId() throws Exception {
    String max = registered("max");
    String tweetId = tweet(max, "one", null).body().get("tweetId").asText();
    for (String timeline : List.of("tweets", "timeline")) {
      String path = "/users/" + max + "/" + timeline;
      for (String bad : List.of("%00%ff", "abc", "123-" + max, "0000000000001-", "0000000000001-bad%20id",
          "00000000000001-" + max, "0000000000001_" + max, "0000000000001-" + "x".repeat(65), tweetId + "%0A"))
        assertError(400, "bad_request", get(path + "?cursor=" + bad), bad);
      assertEquals(1, get(path + "?cursor=").body().get("tweets").size(), "empty: the first page");
      assertEquals(1, get(path + "?cursor=9999999999999-" + max).body().get("tweets").size(), "a tweet id, any author");
      assertEquals(0, get(path + "?cursor=" + tweetId).body().get("tweets").size());
    }
  }

  /** Contract C2: a post's requestId shows in its author's timeline, never in anyone's home timeline. */
  @Test
  void aTweetRendersItsRequestIdOnlyInAnOwnTimeline() throws Exception {
    Tweet with = new Tweet("0000000000002-ned", "ned", "with", 2, "req-9");
    Tweet without = new Tweet("0000000000001-ned", "ned", "without", 1, null);
    UserProtocol.TimelinePage page = new UserProtocol.TimelinePage(List.of(with, without), Optional.empty());
    var mapper = JacksonObjectMapperProvider.get(system).getOrCreate("timeline-http", Optional.empty());

    JsonNode own = JSON.readTree(mapper.writeValueAsBytes(TimelineRoutes.Page.of(page, true))).get("tweets");
    assertEquals(json(Map.of("id", with.id(), "authorId", "ned", "text", "with", "postedAt", 2, "requestId", "req-9")), own.get(0));
    assertEquals(json(Map.of("id", without.id(), "authorId", "ned", "text", "without", "postedAt", 1)), own.get(1),
        "no requestId: no key, not null");
    JsonNode home = JSON.readTree(mapper.writeValueAsBytes(TimelineRoutes.Page.of(page, false))).get("tweets");
    assertEquals(json(Map.of("id", with.id(), "authorId", "ned", "text", "with", "postedAt", 2)), home.get(0));

    String author = registered("ned"), reader = registered("nel");
    assertEquals(204, put("/users/" + reader + "/following/" + author).status());
    tweet(author, "unkeyed", null);
    tweet(author, "keyed", "req-10");
    JsonNode ownTweets = get("/users/" + author + "/tweets").body().get("tweets");
    assertEquals("req-10", ownTweets.get(0).path("requestId").asText(null), ownTweets.toString());
    assertFalse(ownTweets.get(1).has("requestId"), ownTweets.toString());
    awaitAssert(() -> assertEquals(2, get("/users/" + reader + "/timeline").body().get("tweets").size()));
    assertFalse(get("/users/" + reader + "/timeline").body().get("tweets").get(0).has("requestId"));
  }

  @Test
  void clusterTakesShardingOnOrOff() throws Exception {
    assertEquals(200, get("/cluster?sharding=on").status());
    assertError(400, "bad_request", get("/cluster?sharding=no"));
  }

  // ---- operations -----------------------------------------------------------------------------

  @Test
  void healthIsUpOnAnUpMember() throws Exception {
    Response health = get("/health");
    assertEquals(200, health.status());
    assertEquals(json(Map.of("status", "up")), health.body());
  }

  @Test
  void clusterShowsMembersAndShardCounts() throws Exception {
    registered("kim");
    Response cluster = get("/cluster");
    assertEquals(200, cluster.status());
    JsonNode body = cluster.body();
    String self = body.get("self").asText();
    assertTrue(self.startsWith("akka://timeline@127.0.0.1:"), self);

    assertEquals(1, body.get("members").size());
    JsonNode member = body.get("members").get(0);
    assertEquals(self, member.get("address").asText());
    assertEquals("Up", member.get("status").asText());
    assertTrue(member.get("roles").isArray());
    assertEquals(0, body.get("unreachable").size());

    JsonNode sharding = body.get("sharding");
    assertTrue(sharding.get("available").asBoolean());
    assertEquals(1, sharding.get("nodes").size());
    JsonNode node = sharding.get("nodes").get(0);
    assertEquals(self, node.get("address").asText());
    assertTrue(node.get("shards").asInt() >= 1, node.toString());
    assertTrue(node.get("entities").asInt() >= 1, node.toString());

    JsonNode membersOnly = get("/cluster?sharding=off").body();
    assertEquals(body.get("members"), membersOnly.get("members"));
    assertFalse(membersOnly.get("sharding").get("available").asBoolean());
  }

  /**
   * The lab reads these four names (and judges deliveries by the timeline sizes), so they are
   * this node's configuration, not constants: a node configured otherwise says so.
   */
  @Test
  void clusterDescribesThisNodesSettings() throws Exception {
    var config = system.settings().config();
    assertEquals(json(Map.of(
            "homeTimelineSize", config.getInt("timeline.home-timeline-size"),
            "userTimelineSize", config.getInt("timeline.user-timeline-size"),
            "strategy", config.getString("timeline.fan-out.strategy"),
            "hybridThreshold", config.getInt("timeline.fan-out.hybrid-threshold"))),
        get("/cluster?sharding=off").body().get("settings"));

    ActorSystem<Void> other = ActorSystem.create(Behaviors.empty(), "timeline",
        nodeConfig("timeline.home-timeline-size = 50\n"
            + "timeline.user-timeline-size = 60\n"
            + "timeline.fan-out.strategy = HYBRID\n"
            + "timeline.fan-out.hybrid-threshold = 7\n"));
    try {
      int port = HttpServer.start(other, NodeSettings.of(other.settings().config()), "127.0.0.1", 0).toCompletableFuture()
          .get(10, TimeUnit.SECONDS).localAddress().getPort();
      Response cluster = send(URI.create("http://127.0.0.1:" + port), "GET", "/cluster?sharding=off", null, null);
      assertEquals(200, cluster.status());
      assertEquals(json(Map.of("homeTimelineSize", 50, "userTimelineSize", 60, "strategy", "hybrid", "hybridThreshold", 7)),
          cluster.body().get("settings"));
    } finally {
      other.terminate();
      other.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * A node that never joined a cluster has a shard region but no coordinator: the region buffers
   * every command, so asks time out, deterministically.
   */
  @Test
  void aNodeOutsideTheClusterAnswers503WithRetryAfter() throws Exception {
    ActorSystem<Void> lonely = ActorSystem.create(Behaviors.empty(), "timeline",
        nodeConfig("timeline.ask-timeout = 300ms\n"
            + "timeline.http.cluster-stats-timeout = 300ms\n"
            // Its region would wait the phase's 10 s for a hand-off that cannot happen.
            + "akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 1s"));
    try {
      UserEntity.init(lonely, TimelineSettings.from(lonely.settings().config()));
      int port = HttpServer.start(lonely, NodeSettings.of(lonely.settings().config()), "127.0.0.1", 0).toCompletableFuture().get(10, TimeUnit.SECONDS)
          .localAddress().getPort();
      URI lonelyBase = URI.create("http://127.0.0.1:" + port);

      Response profile = send(lonelyBase, "GET", "/users/" + newId("lee"), null, null);
      assertError(503, "unavailable", profile);
      assertEquals("1", profile.header("Retry-After"));
      assertError(503, "unavailable", send(lonelyBase, "GET", "/health", null, null));
      Response cluster = send(lonelyBase, "GET", "/cluster", null, null);
      assertEquals(200, cluster.status());
      assertEquals(0, cluster.body().get("members").size());
    } finally {
      lonely.terminate();
      lonely.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Akka HTTP answers a request past its request timeout itself; the node's handling makes that the document too. */
  @Test
  void aRequestTimeoutIsAnUnavailableDocumentWithRetryAfter() throws Exception {
    var never = akka.http.javadsl.server.Directives.withRequestTimeout(
        scala.concurrent.duration.FiniteDuration.create(200, TimeUnit.MILLISECONDS),
        () -> akka.http.javadsl.server.Directives.onSuccess(new java.util.concurrent.CompletableFuture<String>(),
            akka.http.javadsl.server.Directives::complete));
    int port = HttpServer.start(system, "never answers", "127.0.0.1", 0, never).toCompletableFuture()
        .get(10, TimeUnit.SECONDS).localAddress().getPort();
    Response timedOut = send(URI.create("http://127.0.0.1:" + port), "GET", "/anything", null, null);
    assertError(503, "unavailable", timedOut);
    assertEquals("1", timedOut.header("Retry-After"));
  }

  @Test
  void failuresOfAnAskMapToStatuses() {
    assertEquals(StatusCodes.BAD_REQUEST, ApiError.of(error(Rejection.INVALID.reply("no"))).status());
    assertEquals(StatusCodes.NOT_FOUND, ApiError.of(error(Rejection.NOT_FOUND.reply("who"))).status());
    ApiError conflict = ApiError.of(new CompletionException(error(Rejection.CONFLICT.reply("taken"))));
    assertEquals(StatusCodes.CONFLICT, conflict.status());
    assertEquals("taken", conflict.message());

    for (Throwable other : List.of(new TimeoutException("late"), new AskTimeoutException("late"),
        new CompletionException(new IllegalStateException("shard unreachable")), error(StatusReply.error("no kind")))) {
      ApiError mapped = ApiError.of(other);
      assertEquals(StatusCodes.SERVICE_UNAVAILABLE, mapped.status(), other.toString());
      assertEquals("unavailable", mapped.error());
    }
  }

  // ---- bulk import and metrics ---------------------------------------------------------------

  @Test
  void importWritesBothSidesOfEveryFollowOnceAndTheFanOutUsesThem() throws Exception {
    String star = newId("star"), fan1 = newId("fan"), fan2 = newId("fan");
    Response users = send(admin, "POST", "/admin/import/users", "application/json",
        JSON.writeValueAsString(Map.of(star, "Star", fan1, "Fan", fan2, "Fan")));
    assertEquals(200, users.status(), String.valueOf(users.body()));
    assertEquals(json(Map.of("users", 3, "ids", 0)), users.body());
    String following = JSON.writeValueAsString(Map.of(fan1, List.of(star), fan2, List.of(star, fan1)));
    String followers = JSON.writeValueAsString(Map.of(star, List.of(fan1, fan2), fan1, List.of(fan2)));
    for (int round = 0; round < 2; round++) { // the second round changes nothing
      assertEquals(json(Map.of("users", 2, "ids", 3)), send(admin, "POST", "/admin/import/following", "application/json", following).body());
      assertEquals(json(Map.of("users", 2, "ids", 3)), send(admin, "POST", "/admin/import/followers", "application/json", followers).body());
    }
    assertEquals(2, get("/users/" + star).body().get("followers").asInt());
    assertEquals(2, get("/users/" + fan2).body().get("following").asInt());

    String tweetId = tweet(star, "to my imported fans", null).body().get("tweetId").asText();
    for (String fan : List.of(fan1, fan2))
      awaitAssert(() -> assertEquals(tweetId, get("/users/" + fan + "/timeline").body().get("tweets").get(0).get("id").asText()));
  }

  @Test
  void importRefusesUnknownUsersBadIdsAndBadBodies() throws Exception {
    String known = registered("known");
    Response missing = send(admin, "POST", "/admin/import/followers", "application/json",
        JSON.writeValueAsString(Map.of(known, List.of("x"), "nobody-here", List.of(known))));
    assertError(404, "not_found", missing);
    assertTrue(missing.body().get("message").asText().contains("nobody-here"), missing.body().toString());
    assertEquals(1, get("/users/" + known).body().get("followers").asInt(), "the registered user's part was written");
    assertError(400, "bad_request", send(admin, "POST", "/admin/import/following", "application/json",
        JSON.writeValueAsString(Map.of("bad id", List.of(known)))));
    assertError(400, "bad_request", send(admin, "POST", "/admin/import/following", "application/json", "{\"a\": "));
    assertError(400, "bad_request", send(admin, "POST", "/admin/import/following", "application/json", "[1,2]"));
    assertError(400, "bad_request", send(admin, "POST", "/admin/import/followers", "application/json",
        JSON.writeValueAsString(Map.of(known, List.of(newId("fan"), "bad id")))));
    assertEquals(1, get("/users/" + known).body().get("followers").asInt(), "a bad id anywhere in a batch: nothing written");
    assertError(404, "not_found", send(base, "POST", "/admin/import/users", "application/json", "{}"));
  }

  @Test
  void metricsCountFanOutWritesAndHomeReads() throws Exception {
    String author = registered("counted"), reader = registered("counter");
    assertEquals(204, put("/users/" + reader + "/following/" + author).status());
    JsonNode before = get("/metrics").body();
    tweet(author, "counted once", null);
    // Other tests' fan-outs may still be running: posts and writes only grow by at least ours.
    awaitAssert(() -> assertTrue(get("/metrics").body().get("posts").asLong() > before.get("posts").asLong()));
    awaitAssert(() -> assertEquals(1, get("/users/" + reader + "/timeline").body().get("tweets").size()));
    JsonNode beforeRead = get("/metrics").body();
    JsonNode page = get("/users/" + reader + "/timeline").body();
    assertFalse(page.get("partial").asBoolean());
    JsonNode after = get("/metrics").body();
    assertTrue(after.get("timelineWrites").asLong() > before.get("timelineWrites").asLong(), "push: a write for the follower");
    assertEquals(1, after.get("homeReads").asLong() - beforeRead.get("homeReads").asLong());
    assertEquals(1, after.get("entitiesAsked").asLong() - beforeRead.get("entitiesAsked").asLong(), "push: only the reader");
  }

  // ---- a small client -------------------------------------------------------------------------

  record Response(int status, JsonNode body, java.net.http.HttpHeaders headers) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  private static String newId(String name) {
    return name + "-" + ids.incrementAndGet();
  }

  /** A registered user whose id starts with {@code name} and whose name is {@code name}. */
  private static String registered(String name) throws Exception {
    String id = newId(name);
    assertEquals(201, register(id, name).status());
    return id;
  }

  private static Response register(String id, String name) throws Exception {
    return post("/users", JSON.writeValueAsString(Map.of("id", id, "name", name)));
  }

  private static Response tweet(String userId, String text, String requestId) throws Exception {
    Map<String, String> body = requestId == null ? Map.of("text", text) : Map.of("text", text, "requestId", requestId);
    return post("/users/" + userId + "/tweets", JSON.writeValueAsString(body));
  }

  private static Response get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  private static Response put(String path) throws Exception {
    return send("PUT", path, null, null);
  }

  private static Response delete(String path) throws Exception {
    return send("DELETE", path, null, null);
  }

  private static Response post(String path, String json) throws Exception {
    return send("POST", path, "application/json", json);
  }

  private static Response send(String method, String path, String contentType, String body) throws Exception {
    return send(base, method, path, contentType, body);
  }

  private static Response send(URI base, String method, String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) request.header("Content-Type", contentType);
    HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
    JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
    return new Response(response.statusCode(), json, response.headers());
  }

  /** A 400 whose message names {@code field} in quotes. */
  private static void assertNamesField(String field, Response response) {
    assertError(400, "bad_request", response);
    String message = response.body().get("message").asText();
    assertTrue(message.contains("'" + field + "'"), message);
  }

  private static void assertError(int status, String error, Response response, String why) {
    assertEquals(status, response.status(), () -> why + ": " + response.body());
    assertError(status, error, response);
  }

  private static void assertError(int status, String error, Response response) {
    assertEquals(status, response.status(), () -> String.valueOf(response.body()));
    assertEquals("application/json", response.header("Content-Type"));
    assertEquals(error, response.body().get("error").asText(), response.body().toString());
    assertFalse(response.body().get("message").asText().isBlank(), response.body().toString());
  }

  private static JsonNode json(Map<String, ?> value) {
    return JSON.valueToTree(value);
  }

  private static Throwable error(StatusReply<?> reply) {
    return reply.getError();
  }

  private static void awaitAssert(ThrowingRunnable assertion) {
    TestProbe.create(system).awaitAssert(AWAIT, () -> {
      assertion.run();
      return null;
    });
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
