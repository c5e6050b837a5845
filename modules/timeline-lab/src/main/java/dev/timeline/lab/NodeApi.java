package dev.timeline.lab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.timeline.lab.history.Counters;
import dev.timeline.lab.history.JournalWriters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the lab knows of the nodes' HTTP API, in one place: the requests it sends (path,
 * method, body) and the replies it reads, as records. A reader is strict: a reply without a field
 * the lab relies on is a {@link BadReply} naming the request and the field, never a silent
 * default (an empty check must not pass).
 */
public final class NodeApi {
  private NodeApi() {}

  /** One request to a node: {@code body} is JSON, or null for none. */
  public record Request(String method, String path, String body) {
    /** "GET /path" without the query, for messages. */
    public String line() {
      int query = path.indexOf('?');
      return method + " " + (query < 0 ? path : path.substring(0, query));
    }
  }

  /** A reply that lacks what the contract promises. */
  public static final class BadReply extends IllegalStateException {
    BadReply(String message) {
      super(message);
    }
  }

  // ---- requests: the public API ---------------------------------------------------------------

  public static Request health() {
    return new Request("GET", "/health", null);
  }

  /** Members, unreachable members and the node's settings; {@code sharding}: with shard counts (slower). */
  public static Request cluster(boolean sharding) {
    return new Request("GET", sharding ? "/cluster" : "/cluster?sharding=off", null);
  }

  public static Request metrics() {
    return new Request("GET", "/metrics", null);
  }

  public static Request prometheus() {
    return new Request("GET", "/metrics/prometheus", null);
  }

  public static Request register(String user, String name) {
    return new Request("POST", "/users", Http.json(Map.of("id", user, "name", name)));
  }

  public static Request follow(String follower, String followee) {
    return new Request("PUT", "/users/" + follower + "/following/" + followee, null);
  }

  /** A post; {@code requestId} (null for none) makes a retried post idempotent. */
  public static Request post(String author, String text, String requestId) {
    return new Request("POST", "/users/" + author + "/tweets",
        Http.json(requestId == null ? Map.of("text", text) : Map.of("text", text, "requestId", requestId)));
  }

  /** A page of a home timeline, newest first, from {@code cursor} ("" or null: the newest). */
  public static Request homeTimeline(String user, int limit, String cursor) {
    return page("/users/" + user + "/timeline", limit, cursor);
  }

  /** A page of a user's own timeline, newest first, from {@code cursor} ("" or null: the newest). */
  public static Request ownTimeline(String user, int limit, String cursor) {
    return page("/users/" + user + "/tweets", limit, cursor);
  }

  private static Request page(String path, int limit, String cursor) {
    return new Request("GET", path + "?limit=" + limit + (cursor == null || cursor.isEmpty() ? "" : "&cursor=" + cursor), null);
  }

  // ---- requests: the admin port (lab-only endpoints) --------------------------------------------

  /** The bulk import's three phases, in order; each takes a JSON object keyed by user id. */
  public enum Import {
    users("/admin/import/users"), following("/admin/import/following"), followers("/admin/import/followers");

    public final String path;

    Import(String path) {
      this.path = path;
    }

    public Request request(String jsonObject) {
      return new Request("POST", path, jsonObject);
    }
  }

  public static Request journalWriters() {
    return new Request("GET", "/admin/journal/writers", null);
  }

  // ---- replies ---------------------------------------------------------------------------------

  /** The reply to a post (201). */
  public record Posted(String tweetId) {
    public static Posted read(Request request, JsonNode body) {
      return new Posted(text(request, body, "tweetId"));
    }
  }

  /** A tweet of a timeline page; {@code requestId} null when the post carried none. */
  public record Tweet(String id, String requestId) {}

  /**
   * A timeline page (200): its tweets newest first, the cursor of the next page (null on the
   * last), and whether a home timeline gathered at read time lacks followees that did not answer.
   */
  public record Page(List<Tweet> tweets, String nextCursor, boolean partial) {
    public static Page read(Request request, JsonNode body) {
      JsonNode tweets = field(request, body, "tweets");
      if (!tweets.isArray()) throw bad(request, "'tweets' is not a list");
      List<Tweet> list = new ArrayList<>(tweets.size());
      for (JsonNode t : tweets) {
        JsonNode requestId = t.get("requestId");
        list.add(new Tweet(text(request, t, "id"), requestId == null || requestId.isNull() ? null : requestId.asText()));
      }
      JsonNode next = field(request, body, "nextCursor");
      JsonNode partial = field(request, body, "partial");
      if (!partial.isBoolean()) throw bad(request, "'partial' is not a boolean");
      return new Page(List.copyOf(list), next.isNull() ? null : next.asText(), partial.asBoolean());
    }

    public List<String> ids() {
      return tweets.stream().map(Tweet::id).toList();
    }
  }

  /** A member as a node sees it: its Artery address ({@code akka://timeline@HOST:PORT}) and status (Up, Down, ...). */
  public record Member(String address, String status) {}

  /** What a node says of the cluster's membership (GET /cluster): its members and those it sees unreachable. */
  public record ClusterView(List<Member> members, List<String> unreachable) {
    public static ClusterView read(Request request, JsonNode body) {
      List<Member> members = new ArrayList<>();
      for (JsonNode m : list(request, body, "members")) members.add(new Member(text(request, m, "address"), text(request, m, "status")));
      List<String> unreachable = new ArrayList<>();
      for (JsonNode a : list(request, body, "unreachable")) unreachable.add(a.asText());
      return new ClusterView(List.copyOf(members), List.copyOf(unreachable));
    }
  }

  /**
   * The settings a node runs with, which the checkers must judge by (GET /cluster's
   * {@code settings}): the bounds of home and own timelines, the fan-out strategy and its
   * threshold.
   */
  public record NodeSettings(int homeTimelineSize, int userTimelineSize, String strategy, int hybridThreshold) {
    public static NodeSettings read(Request request, JsonNode body) {
      JsonNode s = field(request, body, "settings");
      return new NodeSettings(count(request, s, "homeTimelineSize"), count(request, s, "userTimelineSize"),
          text(request, s, "strategy"), count(request, s, "hybridThreshold"));
    }
  }

  /** A node's strategy cost counters since it started (GET /metrics). */
  public static Counters counters(Request request, JsonNode body) {
    return new Counters(number(request, body, "posts"), number(request, body, "timelineWrites"), number(request, body, "homeReads"),
        number(request, body, "entitiesAsked"), number(request, body, "partialReads"));
  }

  /** The journal's writer runs by persistence id (GET /admin/journal/writers). */
  public static JournalWriters journalWriters(Request request, JsonNode body) {
    JsonNode runs = field(request, body, "writerRuns");
    if (!runs.isObject()) throw bad(request, "'writerRuns' is not an object");
    Map<String, List<String>> byId = new LinkedHashMap<>();
    runs.fields().forEachRemaining(e -> {
      List<String> writers = new ArrayList<>();
      e.getValue().forEach(w -> writers.add(w.asText()));
      byId.put(e.getKey(), writers);
    });
    return new JournalWriters(number(request, body, "persistenceIds"), number(request, body, "events"), byId);
  }

  /** The "error" of a JSON error body, or null when the body has none. */
  public static String error(JsonNode body) {
    return body != null && body.has("error") ? body.get("error").asText() : null;
  }

  // ---- strict field access ----------------------------------------------------------------------

  private static JsonNode field(Request request, JsonNode body, String name) {
    if (body == null || !body.isObject()) throw bad(request, "no JSON object in the reply");
    JsonNode v = body.get(name);
    if (v == null) throw bad(request, "the reply has no '" + name + "'");
    return v;
  }

  private static String text(Request request, JsonNode body, String name) {
    JsonNode v = field(request, body, name);
    if (!v.isTextual()) throw bad(request, "'" + name + "' is not a string");
    return v.asText();
  }

  private static long number(Request request, JsonNode body, String name) {
    JsonNode v = field(request, body, name);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) throw bad(request, "'" + name + "' is not a whole number");
    return v.asLong();
  }

  private static int count(Request request, JsonNode body, String name) {
    long n = number(request, body, name);
    if (n < 0 || n > Integer.MAX_VALUE) throw bad(request, "'" + name + "' is " + n + ", not a count");
    return (int) n;
  }

  private static JsonNode list(Request request, JsonNode body, String name) {
    JsonNode v = field(request, body, name);
    if (!v.isArray()) throw bad(request, "'" + name + "' is not a list");
    return v;
  }

  private static BadReply bad(Request request, String why) {
    return new BadReply(request.line() + ": " + why);
  }
}
