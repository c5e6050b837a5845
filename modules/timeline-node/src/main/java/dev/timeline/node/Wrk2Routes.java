package dev.timeline.node;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.marshalling.Marshaller;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timeline.core.Tweet;
import dev.timeline.core.UserProtocol;
import dev.timeline.core.Users;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static akka.http.javadsl.server.PathMatchers.segment;

/**
 * DeathStarBench socialNetwork's wrk2 HTTP contract (its nginx {@code lua-scripts/wrk2-api/...}
 * handlers), so its load scripts and {@code init_social_graph.py} run against this cluster:
 *
 * <pre>
 * POST /wrk2-api/user/register          form first_name, last_name, username, password, user_id  200 "Success!"
 * POST /wrk2-api/user/follow            form user_id + followee_id, or user_name + followee_name  200 (empty body)
 * POST /wrk2-api/user/unfollow          same                                                      200 "Success!"
 * POST /wrk2-api/post/compose           form username, user_id, text, post_type[, media_ids, media_types]
 *                                                                                                  200 "Successfully upload post"
 * GET  /wrk2-api/home-timeline/read     ?user_id=&amp;start=&amp;stop=   200 JSON array of posts, newest first
 * GET  /wrk2-api/user-timeline/read     ?user_id=&amp;start=&amp;stop=   same
 * </pre>
 *
 * <p>Success bodies are DeathStarBench's own texts. Errors are this API's JSON document (see
 * {@link TimelineRoutes}) where DeathStarBench answers 400 "Incomplete arguments" or a 500 for any
 * backend failure: 400 for a missing or malformed parameter, 404 for an unknown user, 409 for a
 * user id registered under another name, 503 with {@code Retry-After} when an entity did not
 * answer in time.
 *
 * <p>What differs, because a user entity keeps less than DeathStarBench's services:
 * <ul>
 *   <li>User ids are non-negative integers; the entity id is their decimal form. Names resolve to
 *       ids only by DeathStarBench's convention {@code username_<id>} (what its init script
 *       registers): any other {@code user_name}/{@code followee_name} is 404, any other
 *       {@code @name} in a text is not a mention.</li>
 *   <li>first_name, last_name and password are required, as there, but not kept; compose's
 *       username is required but not checked against the user's registered name.</li>
 *   <li>post_type must be 0..3 (POST, REPOST, REPLY, DM) but is not kept: reads say 0.</li>
 *   <li>A read's {@code creator.username} and mentions' {@code username} follow the same
 *       convention from the ids (a tweet keeps ids, not names); {@code urls} is always empty (no
 *       URL shortener) and there is no {@code req_id}.</li>
 *   <li>{@code stop <= start} is 400 (DeathStarBench answers an empty list); stop is capped at
 *       {@link #MAX_STOP}, more than a timeline keeps (800 by default). A read follows the
 *       timeline's pages (a page may hold fewer tweets than asked, with a cursor to the rest)
 *       until it has {@code [start, stop)} or the timeline ends.</li>
 *   <li>Texts are at most {@link UserEntity#MAX_TEXT_LENGTH} code points (400 beyond), not the
 *       public API's 280: DeathStarBench's own scripts send 256 random characters plus mentions
 *       and URLs.</li>
 * </ul>
 */
public final class Wrk2Routes extends AllDirectives {

  /** DeathStarBench's naming convention for the users its scripts register. */
  static final Pattern CONVENTIONAL_NAME = Pattern.compile("username_(\\d{1,18})");
  /** A mention as DeathStarBench's text service finds it. */
  static final Pattern MENTION = Pattern.compile("@([A-Za-z0-9_-]+)");
  /** Media per post: DeathStarBench's scripts send at most 6; a bound keeps a tweet small. */
  static final int MAX_MEDIA = 16;
  static final int MAX_MEDIA_FIELD = 64;
  /** The highest {@code stop} a read serves; beyond it a read answers up to here. */
  static final int MAX_STOP = 1000;

  private static final String SUCCESS = "Success!\n";
  private static final String POSTED = "Successfully upload post\n";
  private static final String INCOMPLETE_FOLLOW =
      "Incomplete arguments: give user_id and followee_id, or user_name and followee_name";

  // ---- the JSON of a read, shaped like DeathStarBench's _LoadTimeline -------------------------

  public record UserRef(@JsonProperty("user_id") String userId, @JsonProperty("username") String username) {
    static UserRef of(String userId) {
      return new UserRef(userId, conventionalName(userId));
    }
  }

  public record MediaView(@JsonProperty("media_id") String mediaId, @JsonProperty("media_type") String mediaType) {}

  public record UrlView(@JsonProperty("shortened_url") String shortenedUrl, @JsonProperty("expanded_url") String expandedUrl) {}

  public record PostView(
      @JsonProperty("post_id") String postId,
      @JsonProperty("creator") UserRef creator,
      @JsonProperty("text") String text,
      @JsonProperty("user_mentions") List<UserRef> userMentions,
      @JsonProperty("media") List<MediaView> media,
      @JsonProperty("urls") List<UrlView> urls,
      @JsonProperty("timestamp") String timestamp,
      @JsonProperty("post_type") int postType) {
    static PostView of(Tweet t) {
      return new PostView(t.id(), UserRef.of(t.authorId()), t.text(),
          t.mentions().stream().map(UserRef::of).toList(),
          t.media().stream().map(m -> new MediaView(m.id(), m.type())).toList(),
          List.of(), Long.toString(t.postedAt()), 0);
    }
  }

  // ---- parsed requests ------------------------------------------------------------------------

  /** Either a value or the client error that explains why the request cannot have one. */
  record Parsed<T>(T value, ApiError problem) {
    static <T> Parsed<T> ok(T value) {
      return new Parsed<>(value, null);
    }

    static <T> Parsed<T> bad(String message) {
      return new Parsed<>(null, ApiError.badRequest(message));
    }

    static <T> Parsed<T> notFound(String message) {
      return new Parsed<>(null, ApiError.notFound(message));
    }

    <R> Parsed<R> then(Function<T, Parsed<R>> next) {
      return problem == null ? next.apply(value) : new Parsed<>(null, problem);
    }
  }

  record Registration(String userId, String username) {}

  record FollowPair(String followerId, String followeeId) {}

  record Compose(String userId, String text, List<String> mentions, List<Tweet.Media> media) {}

  record Slice(String userId, int start, int stop) {}

  // ---- routes ---------------------------------------------------------------------------------

  /** A page of a timeline, as {@link Users#homeTimeline} and {@link Users#userTimeline} read one. */
  interface TimelineRead {
    CompletionStage<UserProtocol.TimelinePage> read(String userId, int skip, int limit, Optional<String> cursor);
  }

  private final ActorSystem<?> system;
  /** The one JSON writer ({@link Replies#json}), made once: a reply reuses it. */
  private final Marshaller<Object, RequestEntity> json;
  private final Users users;
  private final Capacity capacity;

  /** {@code capacity}: this node's one admission queue, shared with {@link TimelineRoutes}. */
  Wrk2Routes(ActorSystem<?> system, Users users, Capacity capacity) {
    this.system = system;
    this.json = Replies.json(system);
    this.users = users;
    this.capacity = capacity;
  }

  /** Everything under {@code /wrk2-api}, each request admitted by the node's capacity once its path is known to be ours. */
  public Route route() {
    Route endpoints = concat(
        path(segment("user").slash("register"), () -> post(() -> form(form -> register(form)))),
        path(segment("user").slash("follow"), () -> post(() -> form(form -> follow(form, true)))),
        path(segment("user").slash("unfollow"), () -> post(() -> form(form -> follow(form, false)))),
        path(segment("post").slash("compose"), () -> post(() -> form(this::compose))),
        path(segment("home-timeline").slash("read"), () -> get(() -> parameterMap(query -> read(query, users::homeTimeline)))),
        path(segment("user-timeline").slash("read"), () -> get(() -> parameterMap(query -> read(query, users::userTimeline)))));
    return pathPrefix("wrk2-api", () -> capacity.admitted(() -> endpoints));
  }

  /**
   * The fields of a form body. DeathStarBench's wrk2 scripts send theirs unencoded (spaces,
   * quotes, brackets), which nginx accepts and Akka's strict form parser refuses, so an
   * urlencoded body is decoded leniently here; other forms (multipart) go to Akka's parser.
   */
  private Route form(Function<Map<String, String>, Route> inner) {
    return extractRequest(request ->
        request.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_X_WWW_FORM_URLENCODED)
            ? entity(Unmarshaller.entityToString(), body -> inner.apply(lenientForm(body)))
            : formFieldMap(inner));
  }

  private Route register(Map<String, String> form) {
    return handle(parseRegistration(form), r -> ApiError.answer(users.register(r.userId(), r.username()), done -> Replies.text(SUCCESS)));
  }

  private Route follow(Map<String, String> form, boolean follow) {
    return handle(parseFollowPair(form), pair -> ApiError.answer(
        follow ? users.follow(pair.followerId(), pair.followeeId()) : users.unfollow(pair.followerId(), pair.followeeId()),
        // DeathStarBench's follow handler says nothing on success; its unfollow says "Success!".
        done -> follow ? complete(HttpResponse.create()) : Replies.text(SUCCESS)));
  }

  private Route compose(Map<String, String> form) {
    return handle(parseCompose(form), post -> ApiError.answer(
        users.post(post.userId(), post.text(), Optional.empty(), post.mentions(), post.media()),
        tweet -> Replies.text(POSTED)));
  }

  private Route read(Map<String, String> query, TimelineRead timeline) {
    return handle(parseSlice(query), slice -> ApiError.answer(range(timeline, slice),
        tweets -> completeOK(tweets.stream().map(PostView::of).toList(), json)));
  }

  /**
   * Tweets {@code [start, stop)} of a timeline, newest first: the first page skips {@code start}
   * where the timeline is, then pages of at most {@link TimelineRoutes#MAX_LIMIT} are read, each
   * after the previous one's cursor, until {@code stop - start} tweets are in hand or the timeline
   * has no more.
   */
  static CompletionStage<List<Tweet>> range(TimelineRead timeline, Slice slice) {
    if (slice.start() >= slice.stop()) return CompletableFuture.completedFuture(List.of()); // start beyond MAX_STOP
    return rangeFrom(timeline, slice, List.of(), slice.start(), Optional.empty());
  }

  private static CompletionStage<List<Tweet>> rangeFrom(TimelineRead timeline, Slice slice, List<Tweet> newestFirst,
                                                        int skip, Optional<String> cursor) {
    int count = slice.stop() - slice.start();
    int wanted = Math.min(count - newestFirst.size(), TimelineRoutes.MAX_LIMIT);
    return timeline.read(slice.userId(), skip, wanted, cursor).thenCompose(page -> {
      List<Tweet> read = new ArrayList<>(newestFirst);
      read.addAll(page.tweets());
      // An empty page or a cursor that does not move would never end; neither is a timeline's.
      boolean more = page.nextCursor().isPresent() && !page.tweets().isEmpty() && !page.nextCursor().equals(cursor);
      if (more && read.size() < count) return rangeFrom(timeline, slice, List.copyOf(read), 0, page.nextCursor());
      return CompletableFuture.completedFuture(List.copyOf(read.subList(0, Math.min(count, read.size()))));
    });
  }

  // ---- parsing: pure functions of the request's fields, tested through the routes -------------

  static Parsed<Registration> parseRegistration(Map<String, String> form) {
    Optional<String> missing = firstMissing(form, "first_name", "last_name", "username", "password", "user_id");
    if (missing.isPresent()) return incomplete(missing.get());
    return userId(form, "user_id").then(id -> Parsed.ok(new Registration(id, form.get("username"))));
  }

  static Parsed<FollowPair> parseFollowPair(Map<String, String> form) {
    if (present(form, "user_id") && present(form, "followee_id"))
      return userId(form, "user_id").then(follower -> userId(form, "followee_id")
          .then(followee -> Parsed.ok(new FollowPair(follower, followee))));
    if (present(form, "user_name") && present(form, "followee_name"))
      return userIdOfName(form.get("user_name")).then(follower -> userIdOfName(form.get("followee_name"))
          .then(followee -> Parsed.ok(new FollowPair(follower, followee))));
    return Parsed.bad(INCOMPLETE_FOLLOW);
  }

  /** 404 for a name outside the convention: this cluster keeps no index from names to ids. */
  private static Parsed<String> userIdOfName(String name) {
    String id = idOfName(name);
    return id != null ? Parsed.ok(id) : Parsed.notFound("no user named '" + ApiError.abbreviate(name)
        + "': only DeathStarBench's names username_<id> resolve here (to user id <id>)");
  }

  static Parsed<Compose> parseCompose(Map<String, String> form) {
    Optional<String> missing = firstMissing(form, "username", "user_id", "text", "post_type");
    if (missing.isPresent()) return incomplete(missing.get());
    return postType(form.get("post_type"))
        .then(type -> userId(form, "user_id"))
        .then(id -> media(form.get("media_ids"), form.get("media_types"))
            .then(media -> Parsed.ok(new Compose(id, form.get("text"), mentions(form.get("text")), media))));
  }

  static Parsed<Slice> parseSlice(Map<String, String> query) {
    Optional<String> missing = firstMissing(query, "user_id", "start", "stop");
    if (missing.isPresent()) return incomplete(missing.get());
    return userId(query, "user_id").then(id -> offset(query, "start").then(start -> offset(query, "stop").then(stop ->
        stop > start
            ? Parsed.ok(new Slice(id, start, Math.min(stop, MAX_STOP)))
            : Parsed.bad("stop must be greater than start (was start=" + start + ", stop=" + stop + ")"))));
  }

  /** Fields of {@code a=1&b=2}; the first of repeated names wins; '+' and valid %XX are decoded, anything else kept. */
  static Map<String, String> lenientForm(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String name = lenientDecode(eq < 0 ? pair : pair.substring(0, eq));
      fields.putIfAbsent(name, eq < 0 ? "" : lenientDecode(pair.substring(eq + 1)));
    }
    return fields;
  }

  private static String lenientDecode(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
      int lo = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
      if (c == '%' && hi >= 0 && lo >= 0) {
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Ids of {@code @username_<id>} mentions, in order, once each; other names are not users here. */
  static List<String> mentions(String text) {
    Set<String> ids = new LinkedHashSet<>();
    Matcher m = MENTION.matcher(text);
    while (m.find()) {
      String id = idOfName(m.group(1));
      if (id != null) ids.add(id);
    }
    return List.copyOf(ids);
  }

  /** The id a DeathStarBench name stands for, or null when the name does not follow the convention. */
  static String idOfName(String name) {
    Matcher m = CONVENTIONAL_NAME.matcher(name);
    return m.matches() ? Long.toString(Long.parseLong(m.group(1))) : null;
  }

  static String conventionalName(String userId) {
    return userId.chars().allMatch(Character::isDigit) ? "username_" + userId : userId;
  }

  /**
   * Both lists or neither (DeathStarBench sends {@code media_ids=} empty for no media): JSON
   * arrays of the same length, ids numbers or strings, types strings.
   */
  static Parsed<List<Tweet.Media>> media(String idsField, String typesField) {
    boolean noIds = idsField == null || idsField.isEmpty();
    boolean noTypes = typesField == null || typesField.isEmpty();
    if (noIds && noTypes) return Parsed.ok(List.of());
    if (noIds || noTypes) return Parsed.bad("media_ids and media_types go together: give both or neither");
    return jsonScalars("media_ids", idsField, true).then(ids -> jsonScalars("media_types", typesField, false).then(types -> {
      if (ids.size() != types.size())
        return Parsed.bad("media_ids and media_types must be the same length (were " + ids.size() + " and " + types.size() + ")");
      if (ids.size() > MAX_MEDIA) return Parsed.bad("at most " + MAX_MEDIA + " media per post");
      List<Tweet.Media> media = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) media.add(new Tweet.Media(ids.get(i), types.get(i)));
      return Parsed.ok(List.copyOf(media));
    }));
  }

  private static final ObjectMapper PLAIN_JSON = new ObjectMapper();

  private static Parsed<List<String>> jsonScalars(String field, String text, boolean numbersToo) {
    String expected = field + " must be a JSON array of " + (numbersToo ? "numbers or strings" : "strings")
        + ", like " + (numbersToo ? "[123,456] or [\"123\",\"456\"]" : "[\"png\",\"png\"]");
    JsonNode array;
    try {
      array = PLAIN_JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return Parsed.bad(expected + " (not JSON: '" + ApiError.abbreviate(text) + "')");
    }
    if (array == null || !array.isArray()) return Parsed.bad(expected);
    List<String> values = new ArrayList<>();
    for (JsonNode element : array) {
      boolean fits = element.isTextual() || (numbersToo && element.isIntegralNumber());
      String value = element.asText();
      if (!fits || value.isEmpty() || value.length() > MAX_MEDIA_FIELD) return Parsed.bad(expected);
      values.add(value);
    }
    return Parsed.ok(values);
  }

  private static Parsed<Integer> postType(String text) {
    // DeathStarBench's PostType enum: POST, REPOST, REPLY, DM.
    return text.matches("[0-3]") ? Parsed.ok(Integer.parseInt(text)) : Parsed.bad("post_type must be 0..3, was '" + ApiError.abbreviate(text) + "'");
  }

  /** A DeathStarBench user id (int64, not negative) as the entity id: its canonical decimal form. */
  private static Parsed<String> userId(Map<String, String> fields, String name) {
    String text = fields.get(name);
    if (!text.matches("\\d{1,18}"))
      return Parsed.bad(name + " must be a non-negative integer, was '" + ApiError.abbreviate(text) + "'");
    return Parsed.ok(Long.toString(Long.parseLong(text)));
  }

  private static Parsed<Integer> offset(Map<String, String> fields, String name) {
    String text = fields.get(name);
    if (!text.matches("\\d{1,9}"))
      return Parsed.bad(name + " must be a non-negative integer, was '" + ApiError.abbreviate(text) + "'");
    return Parsed.ok(Integer.parseInt(text));
  }

  private static Optional<String> firstMissing(Map<String, String> fields, String... names) {
    for (String name : names) if (!present(fields, name)) return Optional.of(name);
    return Optional.empty();
  }

  /** Empty counts as missing, as in DeathStarBench's {@code _StrIsEmpty}. */
  private static boolean present(Map<String, String> fields, String name) {
    String value = fields.get(name);
    return value != null && !value.isEmpty();
  }

  private static <T> Parsed<T> incomplete(String missing) {
    return Parsed.bad("Incomplete arguments: " + missing + " is missing");
  }


  // ---- helpers --------------------------------------------------------------------------------

  private <T> Route handle(Parsed<T> parsed, Function<T, Route> inner) {
    return parsed.problem() == null ? inner.apply(parsed.value()) : parsed.problem().route();
  }

}
