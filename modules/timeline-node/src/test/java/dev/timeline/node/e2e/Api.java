package dev.timeline.node.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The public HTTP API of node {@code i}, as a client sees it, at the address its test routes it
 * to: a {@link ClusterScript} routes every node to its cluster description, a test of a lone node
 * to {@link #loneNode}. No address is computed here.
 */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A status and a parsed body; status 0 when there was no answer, and then {@code noAnswer} says why (refused, timed out). */
  record Response(int status, JsonNode body, String noAnswer) {
    Response(int status, JsonNode body) {
      this(status, body, null);
    }

    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** For a failure message: the status and body, or why nothing came. */
    @Override
    public String toString() {
      return status == 0 ? "no answer (" + noAnswer + ")" : status + " " + body;
    }
  }

  /** Node "0" of a cluster stands for its front door (while it runs). */
  static final int FRONT_DOOR = 0;

  /** Where node i answers, "http://HOST:PORT"; nowhere until a test routes it. */
  private static volatile java.util.function.IntFunction<String> bases = node -> {
    throw new IllegalStateException("no address for node " + node + ": route Api to a cluster (ClusterScript) or a lone node first");
  };

  static String base(int node) {
    return bases.apply(node);
  }

  /** Node i started alone by scripts/node without port options: NodeMain's default port for it, on loopback. */
  static String loneNode(int node) {
    return "http://127.0.0.1:" + (dev.timeline.node.NodeMain.DefaultPorts.HTTP + node);
  }

  /** Until closed, node i is at {@code where.apply(i)} ("http://HOST:PORT"). */
  static AutoCloseable routeTo(java.util.function.IntFunction<String> where) {
    var before = bases;
    bases = where;
    return () -> bases = before;
  }

  static Response call(int node, String method, String path, Object body, Duration timeout) {
    return call(base(node), method, path, body, timeout);
  }

  /** A call to the node at {@code base} ("http://HOST:PORT"), wherever Api is routed. */
  static Response call(String base, String method, String path, Object body, Duration timeout) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
      if (body == null) request.method(method, HttpRequest.BodyPublishers.noBody());
      else request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json = response.body().length == 0 ? null : JSON.readTree(response.body());
      return new Response(response.statusCode(), json);
    } catch (IOException e) {
      return new Response(0, null, e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Response(0, null, "interrupted");
    }
  }

  static Response call(int node, String method, String path, Object body) {
    return call(node, method, path, body, Duration.ofSeconds(8));
  }

  static Response register(int node, String id) {
    return call(node, "POST", "/users", Map.of("id", id, "name", "User " + id));
  }

  /**
   * Registers {@code id} as a client honouring 503 and Retry-After does: repeats while refused or
   * unanswered, for up to 60 s (a cluster just started may still be allocating its first shards).
   * 201 when this call created the user, also when an attempt whose answer was lost did (then
   * the repeat answers 200, "already so").
   */
  static Response registerRetrying(int node, String id) {
    Response first = register(node, id);
    if (first.status() != 503 && first.status() != 0) return first;
    Response r = untilServed(() -> register(node, id));
    return r.status() == 200 ? new Response(201, r.body()) : r;
  }

  /** Repeats an idempotent call while it is refused with 503 or unanswered, for up to 60 s. */
  static Response untilServed(java.util.function.Supplier<Response> call) {
    long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Response r = call.get();
    while ((r.status() == 503 || r.status() == 0) && System.nanoTime() < giveUp) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return r;
      }
      r = call.get();
    }
    return r;
  }

  static Response follow(int node, String follower, String followee) {
    return call(node, "PUT", "/users/" + follower + "/following/" + followee, null);
  }

  static Response post(int node, String author, String text, String requestId) {
    return call(node, "POST", "/users/" + author + "/tweets", Map.of("text", text, "requestId", requestId));
  }

  static Response profile(int node, String id, Duration timeout) {
    return call(node, "GET", "/users/" + id, null, timeout);
  }

  /** Every tweet id of a home timeline, newest first, following the cursor; null if a page failed. */
  static List<String> homeTimeline(int node, String id) {
    return allPages(node, "/users/" + id + "/timeline");
  }

  /** Every tweet id of a user's own timeline, newest first, following the cursor; null if a page failed. */
  static List<String> ownTimeline(int node, String id) {
    return allPages(node, "/users/" + id + "/tweets");
  }

  private static List<String> allPages(int node, String path) {
    List<String> ids = new ArrayList<>();
    String cursor = "";
    while (true) {
      Response page = call(node, "GET", path + "?limit=200&cursor=" + cursor, null);
      if (!page.ok()) return null;
      page.body().get("tweets").forEach(t -> ids.add(t.get("id").asText()));
      JsonNode next = page.body().get("nextCursor");
      if (next == null || next.isNull()) return ids;
      cursor = next.asText();
    }
  }
}
