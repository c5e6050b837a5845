package dev.timeline.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.ClusterEvent.CurrentClusterState;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.sharding.ShardRegion.ClusterShardingStats;
import akka.cluster.sharding.typed.ClusterShardingQuery;
import akka.cluster.sharding.typed.GetClusterShardingStats;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.marshalling.Marshaller;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timeline.core.Rejection;
import dev.timeline.core.TimelineMetrics;
import dev.timeline.core.Tweet;
import dev.timeline.core.UserEntity;
import dev.timeline.core.Users;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static akka.http.javadsl.server.PathMatchers.segment;

/**
 * The node's public HTTP API: maps requests to {@link Users} asks, and their outcomes to status
 * codes. Bodies are JSON both ways.
 *
 * <pre>
 * POST   /users                       {"id","name"}           201 profile (200 if already so)
 * GET    /users/{id}                                          200 {"id","name","followers","following","tweets"}
 * PUT    /users/{id}/following/{other}                        204
 * DELETE /users/{id}/following/{other}                        204
 * POST   /users/{id}/tweets           {"text","requestId"?}   201 {"tweetId","postedAt"}
 * GET    /users/{id}/tweets?limit=&amp;cursor=                    200 {"tweets":[...],"nextCursor"}
 * GET    /users/{id}/timeline?limit=&amp;cursor=                  200 the home timeline, same shape plus "partial"
 * GET    /health                                              200 {"status":"up"} or 503
 * GET    /metrics                                             200 strategy cost counters of this node
 * GET    /cluster[?sharding=off]                              200 members and shard counts
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
 */
public final class TimelineRoutes extends AllDirectives {

  // ---- the JSON documents of the API (kept apart from the domain's messages) ------------------

  public record NewUser(String id, String name) {}

  public record NewTweet(String text, String requestId) {}

  public record UserView(String id, String name, int followers, int following, long tweets) {
    static UserView of(UserEntity.Profile p) {
      return new UserView(p.id(), p.name(), p.followers(), p.following(), p.tweets());
    }
  }

  public record Posted(String tweetId, long postedAt) {}

  public record TweetView(String id, String authorId, String text, long postedAt) {
    static TweetView of(Tweet t) {
      return new TweetView(t.id(), t.authorId(), t.text(), t.postedAt());
    }
  }

  /** {@code partial}: a home timeline gathered at read time lacks followees that did not answer. */
  public record Page(List<TweetView> tweets, String nextCursor, boolean partial) {
    static Page of(UserEntity.TimelinePage page) {
      return new Page(page.tweets().stream().map(TweetView::of).toList(), page.nextCursor().orElse(null), page.partial());
    }
  }

  public record Health(String status) {}

  public record ClusterView(String self, List<MemberView> members, List<String> unreachable, ShardingView sharding) {}

  public record MemberView(String address, String status, List<String> roles) {
    static MemberView of(Member m) {
      return new MemberView(m.address().toString(), m.status().toString(), m.getRoles().stream().sorted().toList());
    }
  }

  /** Shard and entity counts per node; {@code available} is false when the statistics timed out. */
  public record ShardingView(boolean available, List<RegionView> nodes) {
    static final ShardingView UNAVAILABLE = new ShardingView(false, List.of());

    static ShardingView of(ClusterShardingStats stats) {
      return new ShardingView(true, stats.getRegions().entrySet().stream()
          .map(e -> new RegionView(e.getKey().toString(), e.getValue().getStats().size(),
              e.getValue().getStats().values().stream().mapToInt(n -> ((Number) n).intValue()).sum()))
          .sorted(Comparator.comparing(RegionView::address))
          .toList());
    }
  }

  public record RegionView(String address, int shards, int entities) {}

  public record ErrorBody(String error, String message) {}

  /** What a failure means to a client: a status, a stable error kind and a human message. */
  public record ApiError(StatusCode status, String error, String message) {
    static ApiError badRequest(String message) {
      return new ApiError(StatusCodes.BAD_REQUEST, "bad_request", message);
    }
  }

  // ---- routes ---------------------------------------------------------------------------------

  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 200;

  private static final Logger log = LoggerFactory.getLogger(TimelineRoutes.class);

  private final ActorSystem<?> system;
  private final Users users;
  private final ObjectMapper mapper;
  private final long maxBody;
  private final Duration statsTimeout;
  private final Capacity capacity;

  public TimelineRoutes(ActorSystem<?> system, Users users) {
    this.system = system;
    this.users = users;
    // Akka's mapper for the name "timeline-http" (configurable under akka.serialization.jackson)
    // already knows records, Optional and java.time, like the one the cluster messages use.
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("timeline-http", Optional.empty());
    this.maxBody = system.settings().config().getBytes("timeline.http.max-body");
    this.statsTimeout = system.settings().config().getDuration("timeline.http.cluster-stats-timeout");
    this.capacity = Capacity.of(system);
  }

  public Route route() {
    return handleExceptions(exceptionHandler(), () ->
        handleRejections(rejectionHandler(), () ->
            withSizeLimit(maxBody, () -> concat(
                path("health", () -> get(this::health)),
                path("metrics", () -> get(() -> completeOK(TimelineMetrics.get(system).counts(), json()))),
                path("cluster", () -> get(() -> parameterOptional("sharding", sharding ->
                    cluster(!sharding.filter("off"::equals).isPresent())))),
                new Wrk2Routes(system, users).route(this::admitted),
                pathPrefix("users", () -> admitted(() -> concat(
                    pathEnd(() -> post(() -> body(NewUser.class, this::register))),
                    pathPrefix(segment(), this::user))))))));
  }

  /** Waits for this node's configured capacity (see {@link Capacity}); 503 when the queue is full. */
  public Route admitted(Supplier<Route> inner) {
    return onSuccess(capacity.admit(), admitted -> admitted.isPresent()
        ? inner.get()
        : error(unavailable("over this node's configured capacity, try again")));
  }

  private Route user(String id) {
    return concat(
        pathEnd(() -> get(() -> validIds(() -> ask(users.profile(id), p -> completeOK(UserView.of(p), json())), id))),
        path(segment("following").slash(segment()), other -> concat(
            put(() -> validIds(() -> ask(users.follow(id, other), done -> complete(StatusCodes.NO_CONTENT)), id, other)),
            delete(() -> validIds(() -> ask(users.unfollow(id, other), done -> complete(StatusCodes.NO_CONTENT)), id, other)))),
        path("tweets", () -> concat(
            get(() -> validIds(() -> page((limit, cursor) -> users.userTimeline(id, limit, cursor)), id)),
            post(() -> body(NewTweet.class, tweet -> validIds(() -> postTweet(id, tweet), id))))),
        path("timeline", () ->
            get(() -> validIds(() -> page((limit, cursor) -> users.homeTimeline(id, limit, cursor)), id))));
  }

  private Route register(NewUser user) {
    return validIds(() -> ask(users.register(user.id(), user.name()), registration -> {
      UserView view = UserView.of(registration.profile());
      return registration.created()
          ? complete(StatusCodes.CREATED, List.of(Location.create("/users/" + view.id())), view, json())
          : completeOK(view, json());
    }), user.id());
  }

  private Route postTweet(String userId, NewTweet tweet) {
    String text = tweet.text() == null ? "" : tweet.text();
    int length = text.codePointCount(0, text.length());
    if (text.isBlank() || length > UserEntity.MAX_TWEET_LENGTH)
      return error(ApiError.badRequest(
          "text must be 1.." + UserEntity.MAX_TWEET_LENGTH + " characters, not blank (was " + length + ")"));
    return ask(users.post(userId, tweet.text(), Optional.ofNullable(tweet.requestId())),
        posted -> complete(StatusCodes.CREATED, new Posted(posted.id(), posted.postedAt()), json()));
  }

  private interface PageRead {
    CompletionStage<UserEntity.TimelinePage> read(int limit, Optional<String> cursor);
  }

  private Route page(PageRead read) {
    return parameterOptional("limit", limitParam -> parameterOptional("cursor", cursor -> {
      Optional<Integer> limit = limitParam.map(TimelineRoutes::parseLimit).orElse(Optional.of(DEFAULT_LIMIT));
      if (limit.isEmpty())
        return error(ApiError.badRequest("limit must be a number from 1 to " + MAX_LIMIT));
      return ask(read.read(limit.get(), cursor.filter(c -> !c.isEmpty())), page -> completeOK(Page.of(page), json()));
    }));
  }

  private static Optional<Integer> parseLimit(String text) {
    try {
      int limit = Integer.parseInt(text);
      return limit >= 1 && limit <= MAX_LIMIT ? Optional.of(limit) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Up means: this member is Up and the user entities' shard region is running here. */
  private Route health() {
    MemberStatus status = Cluster.get(system).selfMember().status();
    if (status != MemberStatus.up())
      return error(unavailable("this node is " + status + ", not Up"));
    boolean shardingReady = akka.cluster.sharding.ClusterSharding.get(Adapter.toClassic(system))
        .getShardTypeNames().contains(UserEntity.ENTITY_TYPE_KEY.name());
    if (!shardingReady)
      return error(unavailable("the user shard region is not started"));
    return completeOK(new Health("up"), json());
  }

  /**
   * Members as this node sees them, with shard and entity counts per node unless {@code
   * ?sharding=off}: the counts wait up to cluster-stats-timeout for every region, which a
   * watcher polling membership during a failure does not want.
   */
  private Route cluster(boolean withSharding) {
    CompletionStage<ShardingView> sharding = !withSharding
        ? java.util.concurrent.CompletableFuture.completedFuture(ShardingView.UNAVAILABLE)
        : AskPattern.<ClusterShardingQuery, ClusterShardingStats>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetClusterShardingStats(UserEntity.ENTITY_TYPE_KEY, statsTimeout, replyTo),
            // The query answers by itself after statsTimeout; this only guards a lost reply.
            statsTimeout.plusSeconds(1),
            system.scheduler())
        .thenApply(ShardingView::of)
        .exceptionally(failure -> ShardingView.UNAVAILABLE);
    return onSuccess(sharding, stats -> {
      CurrentClusterState state = Cluster.get(system).state();
      List<MemberView> members = StreamSupport.stream(state.getMembers().spliterator(), false)
          .map(MemberView::of).toList();
      List<String> unreachable = state.getUnreachable().stream()
          .map(m -> m.address().toString()).sorted().toList();
      String self = Cluster.get(system).selfMember().address().toString();
      return completeOK(new ClusterView(self, members, unreachable, stats), json());
    });
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Completes with the ask's value, or with the error its failure stands for. */
  private <T> Route ask(CompletionStage<T> reply, Function<T, Route> onSuccess) {
    return onComplete(reply, result -> result.isSuccess() ? onSuccess.apply(result.get()) : error(errorFor(result.failed().get())));
  }

  private <T> Route body(Class<T> type, Function<T, Route> inner) {
    // "null" is valid JSON but not a document of ours.
    return entity(Jackson.unmarshaller(mapper, type), value ->
        value == null ? error(ApiError.badRequest("the body must be a JSON object")) : inner.apply(value));
  }

  private Route validIds(Supplier<Route> inner, String... ids) {
    for (String id : ids)
      if (id == null || !UserEntity.VALID_ID.matcher(id).matches())
        return error(ApiError.badRequest(
            "bad user id " + (id == null ? "(missing)" : "'" + id + "'") + ": must match " + UserEntity.VALID_ID));
    return inner.get();
  }

  /**
   * A refused command maps to its client error; any other failure of an ask (a timeout, a shard
   * that cannot be reached) says nothing about the request, so the client may retry shortly.
   */
  public static ApiError errorFor(Throwable failure) {
    return Rejection.of(failure).map(rejection -> {
      String message = Rejection.messageOf(failure);
      return switch (rejection) {
        case INVALID -> ApiError.badRequest(message);
        case NOT_FOUND -> new ApiError(StatusCodes.NOT_FOUND, "not_found", message);
        case CONFLICT -> new ApiError(StatusCodes.CONFLICT, "conflict", message);
      };
    }).orElseGet(() -> unavailable("no answer in time, try again: " + rootCause(failure)));
  }

  private static ApiError unavailable(String message) {
    return new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", message);
  }

  private static String rootCause(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null) t = t.getCause();
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private Route error(ApiError error) {
    return complete(errorResponse(error));
  }

  private HttpResponse errorResponse(ApiError error) {
    HttpResponse response = HttpResponse.create()
        .withStatus(error.status())
        .withEntity(ContentTypes.APPLICATION_JSON, toJson(new ErrorBody(error.error(), error.message())));
    return error.status().equals(StatusCodes.SERVICE_UNAVAILABLE)
        ? response.addHeader(RetryAfter.create(1L))
        : response;
  }

  private <T> Marshaller<T, RequestEntity> json() {
    return Jackson.marshaller(mapper);
  }

  private byte[] toJson(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Akka's default handler knows the right status for every built-in rejection (405 with an
   * Allow header, 413 for an entity over the size limit, 415, 404 when nothing matched, ...);
   * only its plain-text bodies are rewritten into the API's error document.
   */
  private RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
      if (response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) return response;
      String text = response.entity() instanceof HttpEntity.Strict strict
          ? strict.getData().decodeString(StandardCharsets.UTF_8)
          : response.status().reason();
      return errorResponse(new ApiError(response.status(), errorKind(response.status()), text.strip()))
          .addHeaders(response.getHeaders()); // e.g. Allow on 405
    });
  }

  static String errorKind(StatusCode status) {
    return switch (status.intValue()) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 503 -> "unavailable";
      default -> status.reason().toLowerCase().replaceAll("[^a-z0-9]+", "_");
    };
  }

  /** Reached only by a bug here: every failure of an ask is mapped where it is awaited. */
  private ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(Throwable.class, failure -> {
          log.error("request failed", failure);
          return error(new ApiError(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error", failure.toString()));
        })
        .build();
  }
}
