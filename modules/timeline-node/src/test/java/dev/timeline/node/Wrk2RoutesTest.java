package dev.timeline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorSystem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timeline.core.Tweet;
import dev.timeline.core.UserEntity;
import dev.timeline.core.UserProtocol;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DeathStarBench's wrk2 contract against one real single-node cluster (in-memory H2 journal, real
 * fan-out), over loopback with form bodies as its scripts send them.
 */
class Wrk2RoutesTest {
  private static final Duration AWAIT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong ids = new AtomicLong(1000);
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static ActorSystem<Void> system;
  private static URI base;

  @BeforeAll
  static void startNode() throws Exception {
    system = TimelineRoutesTest.singleNode();
    int port = HttpServer.start(system, NodeSettings.of(system.settings().config()), "127.0.0.1", 0).toCompletableFuture().get(10, TimeUnit.SECONDS)
        .localAddress().getPort();
    base = URI.create("http://127.0.0.1:" + port);
    awaitAssert(() -> assertEquals(200, send("GET", "/health", null, null).status()));
  }

  @AfterAll
  static void stopNode() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  // ---- register -------------------------------------------------------------------------------

  @Test
  void registerAnswersSuccessOnceAndAgainForTheSameNameButNotAnother() throws Exception {
    long id = ids.incrementAndGet();
    Response first = register(id);
    assertEquals(200, first.status());
    assertEquals("Success!\n", first.body());
    assertTrue(first.header("Content-Type").startsWith("text/plain"), first.header("Content-Type"));
    JsonNode profile = JSON.readTree(send("GET", "/users/" + id, null, null).body());
    assertEquals("username_" + id, profile.get("name").asText());

    assertEquals("Success!\n", register(id).body(), "the same registration again changes nothing");
    Map<String, String> renamed = registration(id);
    renamed.put("username", "someone_else");
    assertError(409, form("/wrk2-api/user/register", renamed));
  }

  @Test
  void registerRefusesMissingFieldsAndBadIds() throws Exception {
    for (String field : List.of("first_name", "last_name", "username", "password", "user_id")) {
      Map<String, String> without = registration(ids.incrementAndGet());
      without.remove(field);
      assertError(400, form("/wrk2-api/user/register", without), field);
      without.put(field, "");
      assertError(400, form("/wrk2-api/user/register", without), "empty counts as missing");
    }
    for (String badId : List.of("abc", "-1", "1.5", "1".repeat(19))) {
      Map<String, String> bad = registration(1);
      bad.put("user_id", badId);
      assertError(400, form("/wrk2-api/user/register", bad), "user_id");
    }
    assertEquals(415, send("POST", "/wrk2-api/user/register", "application/json", "{\"user_id\":\"1\"}").status());
    assertEquals(405, send("GET", "/wrk2-api/user/register", null, null).status());
  }

  // ---- DeathStarBench's absolute-form targets -------------------------------------------------

  /**
   * DeathStarBench's Lua scripts send {@code GET http://localhost:8080/wrk2-api/...} while wrk's
   * Host header names the URL it was given: HTTP/1.1 takes the target, ignores Host. Akka HTTP
   * alone answers these 400 "'Host' header value ... doesn't match request target authority".
   * Three pipelined requests on one connection, a form body between them.
   */
  @Test
  void absoluteFormTargetsWithAnotherHostAreRoutedByTheirPath() throws Exception {
    long author = registered();
    String body = "username=username_" + author + "&user_id=" + author + "&text=GET+http%3A%2F%2Fx%2F+HTTP%2F1.1&post_type=0";
    String host = "Host: " + base.getHost() + ":" + base.getPort() + "\r\n";
    String requests =
        "POST http://localhost:8080/wrk2-api/post/compose HTTP/1.1\r\n" + host
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
            + "GET http://localhost:8080/wrk2-api/user-timeline/read?user_id=" + author + "&start=0&stop=10 HTTP/1.1\r\n" + host + "\r\n"
            + "GET http://elsewhere.example:9/wrk2-api/nowhere HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n";
    List<RawResponse> answers = raw(requests);
    assertEquals(3, answers.size(), answers.toString());
    assertEquals(200, answers.get(0).status(), answers.get(0).toString());
    assertEquals(200, answers.get(1).status(), answers.get(1).toString());
    assertEquals(List.of("GET http://x/ HTTP/1.1"), texts(JSON.readTree(answers.get(1).body())));
    assertEquals(404, answers.get(2).status(), "routed by its path: " + answers.get(2));
    assertEquals("not_found", JSON.readTree(answers.get(2).body()).get("error").asText());
  }

  /** Requests Akka's parser refuses before any route also get the JSON error document. */
  @Test
  void requestsRefusedByTheParserAnswerJson() throws Exception {
    for (String bad : List.of("GET /wrk2-api/user-timeline/read HTTP/1.1\r\n\r\n", // no Host
        "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /" + "x".repeat(3000) + " HTTP/1.1\r\nHost: x\r\n\r\n")) {
      List<RawResponse> answers = raw(bad);
      assertEquals(1, answers.size(), bad);
      RawResponse answer = answers.get(0);
      assertTrue(answer.status() >= 400, answer.toString());
      assertTrue(answer.head().toLowerCase().contains("content-type: application/json"), answer.toString());
      JsonNode error = JSON.readTree(answer.body());
      assertTrue(error.hasNonNull("error") && error.hasNonNull("message"), answer.toString());
    }
  }

  record RawResponse(int status, String head, String body) {}

  /** Writes {@code requests} as they are on a fresh connection and reads answers until it closes. */
  private static List<RawResponse> raw(String requests) throws Exception {
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
      List<RawResponse> answers = new ArrayList<>();
      while (true) {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
          head.append((char) c);
          if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) break;
        }
        if (c < 0) return answers;
        int length = 0;
        for (String line : head.toString().split("\r\n"))
          if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
        byte[] body = new byte[length];
        in.readFully(body);
        answers.add(new RawResponse(Integer.parseInt(head.substring(9, 12)), head.toString(), new String(body, StandardCharsets.UTF_8)));
        if (head.toString().toLowerCase().contains("connection: close")) return answers;
      }
    }
  }

  // ---- follow / unfollow ----------------------------------------------------------------------

  @Test
  void followAndUnfollowByIdWriteBothSides() throws Exception {
    long fan = registered(), star = registered();
    Response followed = form("/wrk2-api/user/follow", Map.of("user_id", "" + fan, "followee_id", "" + star));
    assertEquals(200, followed.status());
    assertEquals("", followed.body(), "DeathStarBench's follow says nothing on success");
    assertEquals(1, profile(fan).get("following").asInt());
    assertEquals(1, profile(star).get("followers").asInt());

    Response unfollowed = form("/wrk2-api/user/unfollow", Map.of("user_id", "" + fan, "followee_id", "" + star));
    assertEquals(200, unfollowed.status());
    assertEquals("Success!\n", unfollowed.body());
    assertEquals(0, profile(fan).get("following").asInt());
    assertEquals(0, profile(star).get("followers").asInt());
  }

  @Test
  void followAndUnfollowByDeathStarBenchName() throws Exception {
    long fan = registered(), star = registered();
    Map<String, String> byName = Map.of("user_name", "username_" + fan, "followee_name", "username_" + star);
    assertEquals(200, form("/wrk2-api/user/follow", byName).status());
    assertEquals(1, profile(star).get("followers").asInt());
    assertEquals("Success!\n", form("/wrk2-api/user/unfollow", byName).body());
    assertEquals(0, profile(star).get("followers").asInt());
  }

  @Test
  void followRefusesIncompleteBadUnknownAndSelf() throws Exception {
    long fan = registered();
    String path = "/wrk2-api/user/follow";
    assertError(400, form(path, Map.of("user_id", "" + fan)), "followee_id");
    assertError(400, form(path, Map.of("user_id", "" + fan, "followee_name", "username_1")), "id and name mixed");
    assertError(400, form(path, Map.of()), "nothing");
    assertError(400, form(path, Map.of("user_id", "" + fan, "followee_id", "x1")), "followee_id");
    assertError(400, form(path, Map.of("user_id", "" + fan, "followee_id", "" + fan)), "self");

    long ghost = ids.incrementAndGet();
    assertError(404, form(path, Map.of("user_id", "" + fan, "followee_id", "" + ghost)), "not registered");
    assertError(404, form(path, Map.of("user_id", "" + ghost, "followee_id", "" + fan)), "not registered");
    assertError(404, form(path, Map.of("user_name", "username_" + fan, "followee_name", "username_" + ghost)), "not registered");
    assertError(404, form(path, Map.of("user_name", "username_" + fan, "followee_name", "alice")), "only DeathStarBench's names");
    assertError(404, form("/wrk2-api/user/unfollow", Map.of("user_name", "bob", "followee_name", "username_" + fan)), "only DeathStarBench's names");
    assertError(400, form("/wrk2-api/user/unfollow", Map.of("followee_id", "" + fan)), "user_id");
  }

  // ---- compose and reads ----------------------------------------------------------------------

  @Test
  void composeKeepsMediaAndDeliversToMentionedUsers() throws Exception {
    long author = registered(), mentioned = registered(), follower = registered();
    assertEquals(200, form("/wrk2-api/user/follow", Map.of("user_id", "" + follower, "followee_id", "" + author)).status());

    String text = "hello @username_" + mentioned + " and @nobody_special";
    Response posted = compose(author, text, "[123,\"456\"]", "[\"png\",\"jpg\"]");
    assertEquals(200, posted.status(), posted.body());
    assertEquals("Successfully upload post\n", posted.body());

    JsonNode post = readArray("/wrk2-api/user-timeline/read", author, 0, 10).get(0);
    assertEquals(text, post.get("text").asText());
    assertEquals(JSON.readTree("{\"user_id\":\"" + author + "\",\"username\":\"username_" + author + "\"}"), post.get("creator"));
    assertEquals(JSON.readTree("[{\"user_id\":\"" + mentioned + "\",\"username\":\"username_" + mentioned + "\"}]"),
        post.get("user_mentions"));
    assertEquals(JSON.readTree("[{\"media_id\":\"123\",\"media_type\":\"png\"},{\"media_id\":\"456\",\"media_type\":\"jpg\"}]"),
        post.get("media"));
    assertEquals(0, post.get("urls").size());
    assertEquals(0, post.get("post_type").asInt());
    assertTrue(post.get("post_id").asText().endsWith("-" + author), post.toString());
    assertTrue(Long.parseLong(post.get("timestamp").asText()) > 0);

    String postId = post.get("post_id").asText();
    for (long reader : List.of(mentioned, follower))
      awaitAssert(() -> assertEquals(postId, readArray("/wrk2-api/home-timeline/read", reader, 0, 10).get(0).get("post_id").asText(),
          "reaches " + (reader == mentioned ? "the mentioned user" : "the follower")));
  }

  /** DeathStarBench's mixed-workload.lua sends the text, quotes and brackets without encoding them. */
  @Test
  void composeAcceptsDeathStarBenchsUnencodedBody() throws Exception {
    long author = registered();
    String body = "username=username_" + author + "&user_id=" + author + "&text=abc def http://x.io/y @username_1"
        + "&media_ids=[\"123456789012345678\",\"2\"]&media_types=[\"png\",\"png\"]&post_type=0";
    Response posted = send("POST", "/wrk2-api/post/compose", "application/x-www-form-urlencoded", body);
    assertEquals(200, posted.status(), posted.body());
    JsonNode post = readArray("/wrk2-api/user-timeline/read", author, 0, 1).get(0);
    assertEquals("abc def http://x.io/y @username_1", post.get("text").asText());
    assertEquals("123456789012345678", post.get("media").get(0).get("media_id").asText());

    long other = registered();
    Response noMedia = send("POST", "/wrk2-api/post/compose", "application/x-www-form-urlencoded",
        "username=username_" + other + "&user_id=" + other + "&text=plain&media_ids=&post_type=0");
    assertEquals(200, noMedia.status(), noMedia.body());
    assertEquals(0, readArray("/wrk2-api/user-timeline/read", other, 0, 1).get(0).get("media").size());
  }

  @Test
  void composeRefusesMissingFieldsBadMediaBadTypesAndUnknownUsers() throws Exception {
    long author = registered();
    for (String field : List.of("username", "user_id", "text", "post_type")) {
      Map<String, String> without = composition(author, "hi", null, null);
      without.remove(field);
      assertError(400, form("/wrk2-api/post/compose", without), field);
    }
    assertError(400, compose(author, "hi", "[1,2]", "[\"png\"]"), "same length");
    assertError(400, compose(author, "hi", "[1,2", "[\"png\",\"png\"]"), "not JSON");
    assertError(400, compose(author, "hi", "{\"a\":1}", "[\"png\"]"), "JSON array");
    assertError(400, compose(author, "hi", "[1]", "[2]"), "types are strings");
    assertError(400, compose(author, "hi", "[[1]]", "[\"png\"]"), "ids are scalars");
    assertError(400, compose(author, "hi", "[1]", null), "both or neither");
    assertError(400, compose(author, "x".repeat(UserEntity.MAX_TEXT_LENGTH + 1), null, null), "1024 code points");

    Map<String, String> badType = composition(author, "hi", null, null);
    badType.put("post_type", "7");
    assertError(400, form("/wrk2-api/post/compose", badType), "post_type");
    Map<String, String> badId = composition(author, "hi", null, null);
    badId.put("user_id", "me");
    assertError(400, form("/wrk2-api/post/compose", badId), "user_id");
    assertError(404, compose(ids.incrementAndGet(), "hi", null, null), "not registered");
    assertEquals(0, profile(author).get("tweets").asInt(), "nothing refused was posted");
    // DeathStarBench's longest text is taken: 256 random characters, six mentions and six URLs.
    String longest = "y".repeat(256) + " @username_1".repeat(6) + (" http://" + "z".repeat(64)).repeat(6);
    assertEquals(200, compose(author, longest, null, null).status());
  }

  @Test
  void userTimelineReadsNewestFirstOffsets() throws Exception {
    long author = registered();
    List<String> newestFirst = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      assertEquals(200, compose(author, "post " + i, null, null).status());
      newestFirst.add(0, "post " + i);
    }
    String path = "/wrk2-api/user-timeline/read";
    assertEquals(newestFirst.subList(0, 2), texts(readArray(path, author, 0, 2)));
    assertEquals(newestFirst.subList(2, 5), texts(readArray(path, author, 2, 5)));
    assertEquals(newestFirst.subList(4, 5), texts(readArray(path, author, 4, 100)), "stop beyond the end");
    assertEquals(List.of(), texts(readArray(path, author, 10, 20)), "start beyond the end");
    assertEquals(newestFirst, texts(readArray(path, author, 0, 1_000_000)), "stop is capped, not refused");
    assertError(400, get(path + "?user_id=" + author + "&start=0&stop=9999999999"), "an offset past int");
  }

  @Test
  void homeTimelineReadsTheFolloweesPostsNewestFirstOffsets() throws Exception {
    long reader = registered(), author = registered();
    assertEquals(200, form("/wrk2-api/user/follow", Map.of("user_id", "" + reader, "followee_id", "" + author)).status());
    for (int i = 1; i <= 4; i++) assertEquals(200, compose(author, "news " + i, null, null).status());

    String path = "/wrk2-api/home-timeline/read";
    awaitAssert(() -> assertEquals(List.of("news 4", "news 3", "news 2", "news 1"), texts(readArray(path, reader, 0, 10))));
    assertEquals(List.of("news 3", "news 2"), texts(readArray(path, reader, 1, 3)));
    assertEquals(List.of(), texts(readArray(path, registered(), 0, 10)), "a new user's home timeline is empty");
  }

  @Test
  void readsRefuseMissingAndBadParametersAndUnknownUsers() throws Exception {
    long user = registered();
    for (String path : List.of("/wrk2-api/home-timeline/read", "/wrk2-api/user-timeline/read")) {
      assertError(400, get(path + "?user_id=" + user + "&start=0"), "stop");
      assertError(400, get(path + "?start=0&stop=10"), "user_id");
      assertError(400, get(path + "?user_id=" + user + "&start=&stop=10"), "start");
      assertError(400, get(path + "?user_id=" + user + "&start=5&stop=5"), "stop must be greater than start");
      assertError(400, get(path + "?user_id=" + user + "&start=6&stop=5"), "stop must be greater than start");
      assertError(400, get(path + "?user_id=" + user + "&start=-1&stop=5"), "start");
      assertError(400, get(path + "?user_id=" + user + "&start=0&stop=ten"), "stop");
      assertError(400, get(path + "?user_id=username_1&start=0&stop=10"), "user_id");
      assertError(404, get(path + "?user_id=" + ids.incrementAndGet() + "&start=0&stop=10"), "not registered");
      assertEquals(405, send("POST", path, "application/x-www-form-urlencoded", "user_id=1&start=0&stop=1").status());
    }
  }

  /**
   * Core may answer a page with fewer tweets than asked and a cursor to the rest (a byte budget
   * per page); a read skips to start where the timeline is, then follows the cursors until
   * [start, stop) is filled or the timeline ends.
   */
  @Test
  void aReadSkipsToItsStartThenFollowsShortPagesUntilItsRangeIsFilled() throws Exception {
    List<Tweet> timeline = new ArrayList<>();
    for (int i = 450; i > 0; i--) timeline.add(new Tweet(Tweet.idFor(i, "7"), "7", "t" + i, i, null));
    List<String> asked = new ArrayList<>();
    AtomicInteger handedOver = new AtomicInteger();
    Wrk2Routes.TimelineRead shortPages = (userId, skip, limit, cursor) -> {
      asked.add(limit + (skip > 0 ? " skip " + skip : "") + (cursor.isPresent() ? " after " + cursor.get() : ""));
      int after = cursor.map(c -> timeline.indexOf(timeline.stream().filter(t -> t.id().equals(c)).findFirst().get()) + 1).orElse(0);
      int from = Math.min(timeline.size(), after + skip);
      int to = Math.min(timeline.size(), from + Math.min(limit, 3)); // at most 3 tweets fit the budget
      List<Tweet> page = timeline.subList(from, to);
      handedOver.addAndGet(page.size());
      Optional<String> next = to < timeline.size() && !page.isEmpty() ? Optional.of(page.get(page.size() - 1).id()) : Optional.empty();
      return CompletableFuture.completedFuture(new UserProtocol.TimelinePage(List.copyOf(page), next));
    };

    assertEquals(timeline.subList(4, 11), range(shortPages, 4, 11));
    assertEquals(List.of("7 skip 4", "4 after " + timeline.get(6).id(), "1 after " + timeline.get(9).id()),
        asked, "the first page skips to start, each next asks for what is still missing after the last cursor");
    assertEquals(7, handedOver.get(), "the tweets before start are not handed over");
    assertEquals(timeline.subList(440, 450), range(shortPages, 440, 460), "the timeline ends first");
    assertEquals(List.of(), range(shortPages, 450, 460), "start beyond the timeline's end");
    asked.clear();
    assertEquals(timeline.subList(0, 450), range(shortPages, 0, 1_000_000));
    assertTrue(asked.stream().allMatch(a -> Integer.parseInt(a.split(" ")[0]) <= TimelineRoutes.MAX_LIMIT), asked.toString());
    assertEquals(List.of(), range(shortPages, 2000, 2010), "start beyond the cap");

    Wrk2Routes.TimelineRead stuck = (userId, skip, limit, cursor) -> CompletableFuture.completedFuture(
        new UserProtocol.TimelinePage(List.of(timeline.get(0)), Optional.of(timeline.get(0).id())));
    assertEquals(List.of(timeline.get(0), timeline.get(0)), range(stuck, 0, 10), "a cursor that does not move ends the read");
  }

  private static List<Tweet> range(Wrk2Routes.TimelineRead read, int start, int stop) throws Exception {
    Wrk2Routes.Slice slice = Wrk2Routes.parseSlice(Map.of("user_id", "7", "start", "" + start, "stop", "" + stop)).value();
    return Wrk2Routes.range(read, slice).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void parsingHelpers() {
    assertEquals(List.of("12", "7"), Wrk2Routes.mentions("@username_12 hi @username_007 @username_12 @bob @username_x"));
    assertEquals("5", Wrk2Routes.idOfName("username_05"));
    assertEquals(null, Wrk2Routes.idOfName("username_"));
    assertEquals("username_42", Wrk2Routes.conventionalName("42"));
    assertEquals("alice-1", Wrk2Routes.conventionalName("alice-1"));
    assertEquals(Map.of("a", "b c", "x", "A%zz 1\u00e9%4", "flag", ""),
        Wrk2Routes.lenientForm("a=b c&x=%41%zz+1%C3%A9%4&a=2&&flag"), "the first of repeated names wins");
  }

  // ---- a small client -------------------------------------------------------------------------

  record Response(int status, String body, java.net.http.HttpHeaders headers) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  private static long registered() throws Exception {
    long id = ids.incrementAndGet();
    assertEquals(200, register(id).status());
    return id;
  }

  /** DeathStarBench's registration form, as its init script and the lab's DsbLoad send it; a copy the test may change. */
  private static Map<String, String> registration(long id) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("first_name", "first_name_" + id);
    form.put("last_name", "last_name_" + id);
    form.put("username", "username_" + id);
    form.put("password", "password_" + id);
    form.put("user_id", Long.toString(id));
    return form;
  }

  private static Response register(long id) throws Exception {
    return form("/wrk2-api/user/register", registration(id));
  }

  private static Map<String, String> composition(long userId, String text, String mediaIds, String mediaTypes) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("username", "username_" + userId);
    form.put("user_id", Long.toString(userId));
    form.put("text", text);
    if (mediaIds != null) form.put("media_ids", mediaIds);
    if (mediaTypes != null) form.put("media_types", mediaTypes);
    form.put("post_type", "0");
    return form;
  }

  private static Response compose(long userId, String text, String mediaIds, String mediaTypes) throws Exception {
    return form("/wrk2-api/post/compose", composition(userId, text, mediaIds, mediaTypes));
  }

  private static JsonNode profile(long id) throws Exception {
    return JSON.readTree(send("GET", "/users/" + id, null, null).body());
  }

  private static JsonNode readArray(String path, long userId, int start, int stop) throws Exception {
    Response read = get(path + "?user_id=" + userId + "&start=" + start + "&stop=" + stop);
    assertEquals(200, read.status(), read.body());
    JsonNode array = JSON.readTree(read.body());
    assertTrue(array.isArray(), read.body());
    return array;
  }

  private static List<String> texts(JsonNode posts) {
    List<String> texts = new ArrayList<>();
    posts.forEach(p -> texts.add(p.get("text").asText()));
    return texts;
  }

  private static Response get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  private static Response form(String path, Map<String, String> fields) throws Exception {
    String body = fields.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
    return send("POST", path, "application/x-www-form-urlencoded", body);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static Response send(String method, String path, String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) request.header("Content-Type", contentType);
    HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body(), response.headers());
  }

  /** A JSON error of this API with the status and a message; {@code why} names the case for a failure. */
  private static void assertError(int status, Response response, String why) throws Exception {
    assertEquals(status, response.status(), () -> why + ": " + response.body());
    assertEquals("application/json", response.header("Content-Type"), why);
    JsonNode error = JSON.readTree(response.body());
    assertEquals(ApiError.kind(akka.http.javadsl.model.StatusCodes.get(status)), error.get("error").asText(), why);
    assertTrue(!error.get("message").asText().isBlank(), why);
  }

  private static void assertError(int status, Response response) throws Exception {
    assertError(status, response, "");
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
