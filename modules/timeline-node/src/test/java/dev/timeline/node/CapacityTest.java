package dev.timeline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CapacityTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void requestsStartOneIntervalApartAndThoseBeyondTheQueueAreRefused() {
    // 10/s = one start per 100 ms; a queue of 250 ms holds the next two or three.
    Capacity capacity = new Capacity(testKit.system(), 10, Duration.ofMillis(250), 0);
    List<Optional<Duration>> admitted = new ArrayList<>();
    for (int i = 0; i < 6; i++) admitted.add(capacity.admit().toCompletableFuture().getNow(null));
    assertEquals(Optional.of(Duration.ZERO), admitted.get(0), "the first starts at once");
    assertEquals(null, admitted.get(1), "the second waits its turn");
    assertEquals(Optional.empty(), admitted.get(5), "the sixth would wait 500 ms: refused at once");
    Optional<Duration> waited = capacity.admit().toCompletableFuture().join();
    assertTrue(waited.isEmpty() || waited.get().toMillis() <= 250);
  }

  @Test
  void zeroMeansNoLimit() {
    Capacity capacity = new Capacity(testKit.system(), 0, Duration.ofMillis(1), 0);
    for (int i = 0; i < 1000; i++)
      assertEquals(Optional.of(Duration.ZERO), capacity.admit().toCompletableFuture().getNow(null));
  }

  @Test
  void beyondTheRequestsInProgressOneMoreIsRefusedAtOnceAndAnsweredOnesFreeTheirPlace() throws Exception {
    Capacity capacity = new Capacity(testKit.system(), 0, Duration.ofMillis(1), 2);
    CompletableFuture<String> release = new CompletableFuture<>();
    Route route = capacity.admitted(() -> Directives.concat(
        Directives.path("held", () -> Directives.onSuccess(release, Directives::complete)),
        Directives.path("bug", () -> {
          throw new IllegalStateException("a bug in a route");
        }),
        Directives.path("quick", () -> Directives.complete("quick"))));
    int port = HttpServer.start(testKit.system(), "capacity test", "127.0.0.1", 0, route)
        .toCompletableFuture().get(10, TimeUnit.SECONDS).localAddress().getPort();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // one connection per request in flight
    URI base = URI.create("http://127.0.0.1:" + port + "/");
    var first = http.sendAsync(HttpRequest.newBuilder(base.resolve("held")).build(), BodyHandlers.ofString());
    var second = http.sendAsync(HttpRequest.newBuilder(base.resolve("held")).build(), BodyHandlers.ofString());
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(2, capacity.inProgress(), "both held requests are in progress");
      return null;
    });

    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(base.resolve("quick")).build(), BodyHandlers.ofString());
    assertEquals(503, refused.statusCode(), "a third while two are in progress: refused at once");
    assertEquals(Optional.of("1"), refused.headers().firstValue("Retry-After"));
    assertEquals("unavailable", new ObjectMapper().readTree(refused.body()).path("error").asText(), refused.body());
    assertTrue(refused.body().contains("timeline.http.max-in-progress"), refused.body());
    assertFalse(first.isDone() || second.isDone(), "the held ones are still held");

    release.complete("released");
    assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
    assertEquals(200, second.get(10, TimeUnit.SECONDS).statusCode());
    // A route that throws is answered (500) and gives its place back like any other.
    for (int i = 0; i < 3; i++)
      assertEquals(500, http.send(HttpRequest.newBuilder(base.resolve("bug")).build(), BodyHandlers.ofString()).statusCode());
    assertEquals(200, http.send(HttpRequest.newBuilder(base.resolve("quick")).build(), BodyHandlers.ofString()).statusCode());
    assertEquals(0, capacity.inProgress(), "every answered request gave its place back");
  }
}
