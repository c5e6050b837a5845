package dev.timeline.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/**
 * The lab's only way into the cluster besides scripts/cluster: the nodes' public HTTP API.
 * {@link #close} ends the threads it started (Java 17's HttpClient has no close: its selector
 * thread ends once the client is unreachable).
 */
public final class Http implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A status and body; status 0 when no answer came (refused, reset, timed out). */
  public record Answer(int status, JsonNode body, String error) {
    public boolean is(int expected) {
      return status == expected;
    }
  }

  /** Node i's base URL ("http://HOST:PORT"), from the cluster description (or one fixed endpoint). */
  private final IntFunction<String> endpoint;
  private final HttpClient client;
  /** The pool this client made for itself; null when its owner passed one in. */
  private final ExecutorService owned;

  /** A client of the nodes at {@code endpoint} (e.g. {@code i -> description.node(i).http()}). */
  public Http(IntFunction<String> endpoint) {
    this(endpoint, Executors.newFixedThreadPool(4, daemon()), true);
  }

  /** Answers are completed on {@code executor}, which its owner shuts down. */
  public Http(IntFunction<String> endpoint, java.util.concurrent.Executor executor) {
    this(endpoint, executor, false);
  }

  private Http(IntFunction<String> endpoint, java.util.concurrent.Executor executor, boolean owned) {
    this.endpoint = endpoint;
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).executor(executor).build();
    this.owned = owned ? (ExecutorService) executor : null;
  }

  /** A client of one endpoint (the front door, "http://HOST:PORT"): the node a request names is ignored. */
  static Http to(String baseUrl) {
    return new Http(node -> baseUrl);
  }

  /** The nodes' public APIs as {@code description} names them (read again on every request). */
  static Http publicApi(java.util.function.Supplier<ClusterDescription> description) {
    return new Http(node -> description.get().node(node).http());
  }

  /** The nodes' admin ports (bulk import, fault injection) as {@code description} names them. */
  static Http admin(java.util.function.Supplier<ClusterDescription> description) {
    return new Http(node -> description.get().node(node).admin());
  }

  /** Every request is one of {@link NodeApi}'s: the lab's knowledge of the API stays in one place. */
  private CompletableFuture<Answer> send(int node, String method, String path, String jsonBody, Duration timeout) {
    String base;
    try {
      base = endpoint.apply(node);
    } catch (RuntimeException unknownNode) { // no description (yet), or a node it does not name: no answer
      return CompletableFuture.completedFuture(new Answer(0, null, rootMessage(unknownNode)));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    if (jsonBody == null) request.method(method, HttpRequest.BodyPublishers.noBody());
    else request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(r -> new Answer(r.statusCode(), parse(r.body()), null))
        .exceptionally(e -> new Answer(0, null, rootMessage(e)));
  }

  /** {@code request} (one of {@link NodeApi}'s) to node {@code node}. */
  public CompletableFuture<Answer> send(int node, NodeApi.Request request, Duration timeout) {
    return send(node, request.method(), request.path(), request.body(), timeout);
  }

  /** Ends this client's own pool: answers still due are not delivered. */
  @Override
  public void close() {
    if (owned != null) owned.shutdownNow();
  }

  public Answer call(int node, NodeApi.Request request, Duration timeout) {
    return send(node, request, timeout).join();
  }

  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) return null;
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) t = t.getCause();
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "lab-http");
      t.setDaemon(true);
      return t;
    };
  }
}
