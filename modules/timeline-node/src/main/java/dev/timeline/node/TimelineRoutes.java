package dev.timeline.node;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.marshalling.Marshaller;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.timeline.core.Tweet;
import dev.timeline.core.UserEntity;
import dev.timeline.core.UserProtocol;
import dev.timeline.core.Users;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static akka.http.javadsl.server.PathMatchers.segment;

/**
 * The node's public HTTP API, the users and their tweets: maps requests to {@link Users} asks, and
 * their outcomes to status codes. Bodies are JSON both ways. The operator endpoints are
 * {@link OpsRoutes}, DeathStarBench's are {@link Wrk2Routes}; {@link NodeRoutes} puts them together.
 *
 * <pre>
 * POST   /users                       {"id","name"}           201 profile (200 if already so)
 * GET    /users/{id}                                          200 {"id","name","followers","following","tweets"}
 * PUT    /users/{id}/following/{other}                        204
 * DELETE /users/{id}/following/{other}                        204
 * POST   /users/{id}/tweets           {"text","requestId"?}   201 {"tweetId","postedAt"}
 * GET    /users/{id}/tweets?limit=&amp;cursor=                    200 {"tweets":[...],"nextCursor"}, each tweet with its "requestId" if it had one
 * GET    /users/{id}/timeline?limit=&amp;cursor=                  200 the home timeline, same shape plus "partial"
 * </pre>
 *
 * <p>Times ({@code postedAt}) are epoch milliseconds, UTC: the unit tweet ids are built from, so
 * a client can compute fan-out lag without parsing dates. Timelines are newest first;
 * {@code nextCursor} is the id of the last tweet of the page, or null on the last page.
 *
 * <p>Every error is {@code {"error","message"}}: 400 bad_request, 404 not_found, 405
 * method_not_allowed, 409 conflict, 413 payload_too_large, 415 unsupported_media_type, and 503
 * unavailable with {@code Retry-After: 1} when an entity did not answer in time. Only a bug in
 * this node answers 500 internal_error. Ids are checked against {@link UserEntity#VALID_ID} before
 * any entity is touched, so a bad id never starts (or journals) anything.
 *
 * <p>Input is strict: a body is one JSON object with only its documented fields, each a string
 * (a number, boolean, null, object or array is a 400 naming the field, see {@link JsonBody});
 * {@code limit} is digits, 1..200; {@code cursor} is empty or a tweet id.
 */
public final class TimelineRoutes extends AllDirectives {

  // ---- the JSON documents of the API (kept apart from the domain's messages) ------------------

  public record NewUser(String id, String name) {
    static NewUser read(String body) {
      Map<String, String> fields = JsonBody.strings(body, Set.of("id", "name"));
      return new NewUser(JsonBody.required(fields, "id"), JsonBody.required(fields, "name"));
    }
  }

  /** {@code requestId}: the client's idempotency key, optional. */
  public record NewTweet(String text, Optional<String> requestId) {
    static NewTweet read(String body) {
      Map<String, String> fields = JsonBody.strings(body, Set.of("text", "requestId"));
      return new NewTweet(JsonBody.required(fields, "text"), Optional.ofNullable(fields.get("requestId")));
    }
  }

  public record UserView(String id, String name, int followers, int following, long tweets) {
    static UserView of(UserProtocol.Profile p) {
      return new UserView(p.id(), p.name(), p.followers(), p.following(), p.tweets());
    }
  }

  public record Posted(String tweetId, long postedAt) {}

  /**
   * {@code requestId}: only in the author's own timeline, and only when the post had one, so a
   * client that never learnt a post's outcome can look for it there.
   */
  public record TweetView(String id, String authorId, String text, long postedAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) String requestId) {
    static TweetView of(Tweet t, boolean withRequestId) {
      return new TweetView(t.id(), t.authorId(), t.text(), t.postedAt(), withRequestId ? t.requestId() : null);
    }
  }

  /** {@code partial}: a home timeline gathered at read time lacks followees that did not answer. */
  public record Page(List<TweetView> tweets, String nextCursor, boolean partial) {
    /** Request ids only in an own timeline: in a home timeline they are other authors' business. */
    static Page of(UserProtocol.TimelinePage page, boolean ownTweets) {
      return new Page(page.tweets().stream().map(t -> TweetView.of(t, ownTweets)).toList(),
          page.nextCursor().orElse(null), page.partial());
    }
  }

  // ---- routes ---------------------------------------------------------------------------------

  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 200;
  /** A cursor is a tweet id, as {@link Tweet#idFor} makes them: 13 digits of millis, '-', the author's id. */
  static final Pattern TWEET_ID = Pattern.compile("\\d{13}-" + UserEntity.VALID_ID.pattern());

  private final ActorSystem<?> system;
  /** The one JSON writer ({@link Replies#json}), made once: a reply reuses it. */
  private final Marshaller<Object, RequestEntity> json;
  private final Users users;
  private final Capacity capacity;

  /** {@code capacity}: this node's one admission queue, shared with {@link Wrk2Routes}. */
  TimelineRoutes(ActorSystem<?> system, Users users, Capacity capacity) {
    this.system = system;
    this.json = Replies.json(system);
    this.users = users;
    this.capacity = capacity;
  }

  /** Everything under {@code /users}, each request admitted by the node's capacity once its path is known to be ours. */
  public Route route() {
    return pathPrefix("users", () -> capacity.admitted(() -> concat(
        pathEnd(() -> post(() -> JsonBody.entity(NewUser::read, this::register))),
        pathPrefix(segment(), this::user))));
  }

  private Route user(String id) {
    return concat(
        pathEnd(() -> get(() -> validIds(() -> ApiError.answer(users.profile(id), p -> completeOK(UserView.of(p), json)), id))),
        path(segment("following").slash(segment()), other -> concat(
            put(() -> validIds(() -> ApiError.answer(users.follow(id, other), done -> complete(StatusCodes.NO_CONTENT)), id, other)),
            delete(() -> validIds(() -> ApiError.answer(users.unfollow(id, other), done -> complete(StatusCodes.NO_CONTENT)), id, other)))),
        path("tweets", () -> concat(
            get(() -> validIds(() -> page(true, (limit, cursor) -> users.userTimeline(id, limit, cursor)), id)),
            post(() -> JsonBody.entity(NewTweet::read, tweet -> validIds(() -> postTweet(id, tweet), id))))),
        path("timeline", () ->
            get(() -> validIds(() -> page(false, (limit, cursor) -> users.homeTimeline(id, limit, cursor)), id))));
  }

  private Route register(NewUser user) {
    return validIds(() -> ApiError.answer(users.register(user.id(), user.name()), registration -> {
      UserView view = UserView.of(registration.profile());
      return registration.created()
          ? complete(StatusCodes.CREATED, List.of(Location.create("/users/" + view.id())), view, json)
          : completeOK(view, json);
    }), user.id());
  }

  private Route postTweet(String userId, NewTweet tweet) {
    String text = tweet.text();
    int length = text.codePointCount(0, text.length());
    if (text.isBlank() || length > UserEntity.MAX_TWEET_LENGTH)
      return ApiError.badRequest(
          "text must be 1.." + UserEntity.MAX_TWEET_LENGTH + " characters, not blank (was " + length + ")").route();
    return ApiError.answer(users.post(userId, text, tweet.requestId()),
        posted -> complete(StatusCodes.CREATED, new Posted(posted.id(), posted.postedAt()), json));
  }

  private interface PageRead {
    CompletionStage<UserProtocol.TimelinePage> read(int limit, Optional<String> cursor);
  }

  /** {@code cursor=} (empty) is the first page, as clients that loop over pages send it. */
  private Route page(boolean ownTweets, PageRead read) {
    return parameterOptional("limit", limitParam -> parameterOptional("cursor", cursorParam -> {
      Optional<Integer> limit = limitParam.map(TimelineRoutes::parseLimit).orElse(Optional.of(DEFAULT_LIMIT));
      if (limit.isEmpty())
        return ApiError.badRequest("limit must be a number from 1 to " + MAX_LIMIT).route();
      Optional<String> cursor = cursorParam.filter(c -> !c.isEmpty());
      if (cursor.isPresent() && !TWEET_ID.matcher(cursor.get()).matches())
        return ApiError.badRequest("cursor must be the nextCursor of a page (a tweet id), not '"
            + ApiError.abbreviate(cursor.get()) + "'").route();
      return ApiError.answer(read.read(limit.get(), cursor), page -> completeOK(Page.of(page, ownTweets), json));
    }));
  }

  /** Digits only: Integer.parseInt would also take "+5". */
  private static Optional<Integer> parseLimit(String text) {
    if (!text.matches("\\d{1,3}")) return Optional.empty();
    int limit = Integer.parseInt(text);
    return limit >= 1 && limit <= MAX_LIMIT ? Optional.of(limit) : Optional.empty();
  }

  // ---- helpers --------------------------------------------------------------------------------

  private Route validIds(Supplier<Route> inner, String... ids) {
    for (String id : ids)
      if (!UserEntity.VALID_ID.matcher(id).matches()) return ApiError.badUserId(id).route();
    return inner.get();
  }

}
