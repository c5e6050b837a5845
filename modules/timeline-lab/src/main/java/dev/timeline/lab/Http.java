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
import java.util.concurrent.Executors;

/** The lab's only way into the cluster besides scripts/cluster: the nodes' public HTTP API. */
public final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A status and body; status 0 when no answer came (refused, reset, timed out). */
  public record Answer(int status, JsonNode body, String error) {
    public boolean is(int expected) {
      return status == expected;
    }
  }

  /** Node i answers on 127.0.0.1:basePort+i (8080 + i, as scripts/cluster starts them). */
  private final int basePort;
  /** Above 0: every request goes to this port on 127.0.0.1 (the front door), whatever node it names. */
  private final int fixedPort;

  public Http() {
    this(8080);
  }

  public Http(int basePort) {
    this(basePort, 0, Executors.newFixedThreadPool(4, daemon()));
  }

  /** Answers are completed on {@code executor}, which its owner shuts down. */
  public Http(int basePort, java.util.concurrent.Executor executor) {
    this(basePort, 0, executor);
  }

  private Http(int basePort, int fixedPort, java.util.concurrent.Executor executor) {
    this.basePort = basePort;
    this.fixedPort = fixedPort;
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).executor(executor).build();
  }

  /** A client of one endpoint, 127.0.0.1:port (the front door): the node a request names is ignored. */
  static Http to(int port) {
    return new Http(0, port, Executors.newFixedThreadPool(4, daemon()));
  }

  private final HttpClient client;

  public CompletableFuture<Answer> send(int node, String method, String path, String jsonBody, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (fixedPort > 0 ? fixedPort : basePort + node) + path)).timeout(timeout);
    if (jsonBody == null) request.method(method, HttpRequest.BodyPublishers.noBody());
    else request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(r -> new Answer(r.statusCode(), parse(r.body()), null))
        .exceptionally(e -> new Answer(0, null, rootMessage(e)));
  }

  public Answer call(int node, String method, String path, String jsonBody, Duration timeout) {
    return send(node, method, path, jsonBody, timeout).join();
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
