package dev.timeline.node.lab;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.marshalling.Marshaller;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.timeline.core.Rejection;
import dev.timeline.core.UserEntity;
import dev.timeline.core.Users;
import dev.timeline.node.ApiError;
import dev.timeline.node.JsonBody;
import dev.timeline.node.NodeSettings;
import dev.timeline.node.Replies;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Bulk loading of a social graph for the lab, served on the admin port only when a node runs with
 * {@code --bulk-import}. One follow through the public API costs four entity round trips and two
 * events; here each entity gets one command (and writes one event) per batch, so 10M follows
 * become about two events per user. The caller must import both sides of every follow.
 *
 * <pre>
 * POST /admin/import/users      {"u1":"name",...}             register each (same name again: no-op)
 * POST /admin/import/following  {"u1":["u2","u3"],...}        u1 follows u2 and u3
 * POST /admin/import/followers  {"u2":["u1"],...}             u2 is followed by u1
 * </pre>
 *
 * Each answers 200 {"users","ids"} once all of it is durable; 400 for a body that is not such an
 * object of strings (or lists of strings) or holds a bad user id, before anything is written; 404
 * naming users that are not registered (the rest was written); 503 with {@code Retry-After} when
 * the cluster could not take it now. Importing the same batch again changes nothing, so a failed
 * batch is simply sent again.
 */
public final class ImportRoutes extends AllDirectives {
  /** Ids per entity command: a celebrity's 100k followers must fit Artery's 256 KiB frames. */
  static final int IDS_PER_COMMAND = 5000;
  /** Entity commands in flight per request. */
  private static final int PARALLELISM = 64;

  public record Imported(int users, long ids) {}

  private final ActorSystem<?> system;
  /** The one JSON writer ({@link Replies#json}), made once: a reply reuses it. */
  private final Marshaller<Object, RequestEntity> json;
  private final Users users;
  private final long maxBody;

  public ImportRoutes(ActorSystem<?> system, NodeSettings settings, Users users) {
    this.system = system;
    this.json = Replies.json(system);
    this.users = users;
    this.maxBody = settings.maxImportBody();
  }

  public Route route() {
    return withSizeLimit(maxBody, () -> pathPrefix("admin", () -> pathPrefix("import", () -> concat(
        path("users", () -> post(() -> JsonBody.entity(body -> JsonBody.strings(body, Set.of()), this::importUsers))),
        path("following", () -> post(() -> JsonBody.entity(JsonBody::stringLists,
            batch -> importSide(batch, users::importFollowing)))),
        path("followers", () -> post(() -> JsonBody.entity(JsonBody::stringLists,
            batch -> importSide(batch, users::importFollowers))))))));
  }

  private Route importUsers(Map<String, String> batch) {
    return run(batch.entrySet().stream()
        .map(e -> new Step(e.getKey(), () -> users.register(e.getKey(), e.getValue()).thenApply(r -> Done.getInstance())))
        .toList(), batch.keySet(), batch.size(), 0);
  }

  private Route importSide(Map<String, List<String>> batch, BiFunction<String, List<String>, CompletionStage<Done>> write) {
    List<Step> steps = new ArrayList<>();
    List<String> ids = new ArrayList<>(batch.keySet());
    for (var entry : batch.entrySet()) {
      List<String> all = entry.getValue();
      ids.addAll(all);
      for (int from = 0; from < all.size(); from += IDS_PER_COMMAND) {
        List<String> chunk = List.copyOf(all.subList(from, Math.min(all.size(), from + IDS_PER_COMMAND)));
        steps.add(new Step(entry.getKey(), () -> write.apply(entry.getKey(), chunk)));
      }
    }
    return run(steps, ids, batch.size(), ids.size() - batch.size());
  }

  private record Step(String userId, Supplier<CompletionStage<Done>> write) {}

  private record Outcome(String userId, Optional<Throwable> failure) {}

  /** Checks every id in the batch, then runs the writes, a bounded number at a time, and answers for all of them. */
  private Route run(List<Step> steps, Collection<String> ids, int userCount, long idCount) {
    for (String id : ids)
      if (!UserEntity.VALID_ID.matcher(id).matches()) return ApiError.badUserId(id).route();
    CompletionStage<List<Outcome>> outcomes = Source.from(steps)
        .mapAsyncUnordered(PARALLELISM, step -> step.write().get()
            .thenApply(done -> new Outcome(step.userId(), Optional.empty()))
            .exceptionally(failure -> new Outcome(step.userId(), Optional.of(failure))))
        .runWith(Sink.seq(), system);
    return onSuccess(outcomes, all -> {
      TreeSet<String> missing = new TreeSet<>();
      Optional<Throwable> unavailable = Optional.empty();
      for (Outcome o : all) {
        if (o.failure().isEmpty()) continue;
        if (Rejection.of(o.failure().get()).filter(r -> r == Rejection.NOT_FOUND).isPresent()) missing.add(o.userId());
        else if (unavailable.isEmpty()) unavailable = o.failure();
      }
      if (unavailable.isPresent()) return ApiError.of(unavailable.get()).route();
      if (!missing.isEmpty())
        return ApiError.notFound(missing.size() + " users are not registered: "
            + String.join(",", missing.stream().limit(20).toList()) + (missing.size() > 20 ? ",..." : "")).route();
      return completeOK(new Imported(userCount, idCount), json);
    });
  }
}
