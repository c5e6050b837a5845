package dev.timeline.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The lab's only way into the cluster besides scripts/cluster: the nodes' public HTTP API, through
 * Apache HttpClient's asynchronous client (HTTP/1.1, keep-alive, no retries or redirects of its
 * own: the load generator decides what is retried). The JDK's HttpClient peaked at 2,000-4,000
 * requests/s here, so a report at higher rates would have measured the lab. {@link #close} ends
 * the client's I/O threads and the pool it made.
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
  private final CloseableHttpAsyncClient client;
  /** Where answers are completed: never the client's I/O threads, which a caller's callback must not block. */
  private final Executor completions;
  /** The pool this client made for itself; null when its owner passed one in. */
  private final ExecutorService owned;

  /** A client of the nodes at {@code endpoint} (e.g. {@code i -> description.node(i).http()}). */
  public Http(IntFunction<String> endpoint) {
    this(endpoint, Executors.newFixedThreadPool(4, daemon("lab-http")), true);
  }

  /** Answers are completed on {@code executor}, which its owner shuts down. */
  public Http(IntFunction<String> endpoint, Executor executor) {
    this(endpoint, executor, false);
  }

  private Http(IntFunction<String> endpoint, Executor executor, boolean owned) {
    this.endpoint = endpoint;
    this.completions = executor;
    this.owned = owned ? (ExecutorService) executor : null;
    this.client = HttpAsyncClients.custom()
        .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
            .setMaxConnTotal(1024).setMaxConnPerRoute(128)  // more waits for a connection: no storm of new ones in a stall
            .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(2)).build())
            .build())
        .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(2).setTcpNoDelay(true).build())
        .setThreadFactory(daemon("lab-http-io"))
        // Its default strategy would also resend a 503 after its Retry-After, by itself: only a request
        // that never left (a pooled connection the server had closed) is sent again.
        .setRetryStrategy(NOT_SENT_ONLY)
        .evictIdleConnections(TimeValue.ofSeconds(20))
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAuthCaching()
        .build();
    this.client.start();
  }

  private static final HttpRequestRetryStrategy NOT_SENT_ONLY = new HttpRequestRetryStrategy() {
    @Override
    public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
      return exception instanceof RequestNotExecutedException && execCount <= 2;
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
      return false;
    }

    @Override
    public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
      return TimeValue.ZERO_MILLISECONDS;
    }
  };

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
    SimpleRequestBuilder builder = SimpleRequestBuilder.create(method).setUri(base + path);
    if (jsonBody != null) builder.setBody(jsonBody, ContentType.APPLICATION_JSON);
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    SimpleHttpRequest request = builder.build();
    var exchange = client.execute(request, new FutureCallback<SimpleHttpResponse>() {
      @Override
      public void completed(SimpleHttpResponse response) {
        Answer a = new Answer(response.getCode(), parse(response.getBodyBytes()), null);
        completions.execute(() -> answer.complete(a));
      }

      @Override
      public void failed(Exception e) {
        completions.execute(() -> answer.complete(new Answer(0, null, rootMessage(e))));
      }

      @Override
      public void cancelled() {
        completions.execute(() -> answer.complete(new Answer(0, null, "cancelled")));
      }
    });
    // One deadline for the whole exchange (HttpClient's own timeouts are of inactivity); past it,
    // the exchange is cancelled and its connection closed.
    answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((a, e) -> {
      if (e != null) exchange.cancel(true);
    });
    return answer.exceptionally(e -> new Answer(0, null, e instanceof TimeoutException
        ? "HttpTimeoutException: request timed out" : rootMessage(e)));
  }

  /** {@code request} (one of {@link NodeApi}'s) to node {@code node}. */
  public CompletableFuture<Answer> send(int node, NodeApi.Request request, Duration timeout) {
    return send(node, request.method(), request.path(), request.body(), timeout);
  }

  /** Ends this client's I/O threads and its own pool: answers still due are not delivered. */
  @Override
  public void close() {
    client.close(CloseMode.IMMEDIATE);
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
    if (body == null || body.length == 0) return null;
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

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
