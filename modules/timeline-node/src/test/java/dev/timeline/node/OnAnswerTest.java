package dev.timeline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import akka.pattern.Patterns;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class OnAnswerTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /**
   * Fails with {@code whenComplete} in OnAnswer: each callback then runs as whenCompleteAsync on
   * the common pool, or on a thread of its own where that pool has parallelism 1 (2 cores).
   */
  @Test
  void theCallbackRunsWhereTheAnswerIsMadeAndStartsNoThread() throws Exception {
    Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
    // The answer comes later, from Akka's scheduler: as an ask's does.
    Route route = OnAnswer.run((result, failure) -> callbackThreads.add(Thread.currentThread().getName()),
        () -> Directives.onSuccess(Patterns.after(Duration.ofMillis(1), testKit.system().classicSystem().scheduler(),
            testKit.system().executionContext(), () -> CompletableFuture.completedFuture("answered")), Directives::complete));
    int port = HttpServer.start(testKit.system(), "on-answer test", "127.0.0.1", 0, route)
        .toCompletableFuture().get(10, TimeUnit.SECONDS).localAddress().getPort();
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build();
    assertEquals("answered", http.send(request, BodyHandlers.ofString()).body()); // connection and threads set up

    int requests = 200;
    long threadsBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
    for (int i = 0; i < requests; i++) assertEquals(200, http.send(request, BodyHandlers.ofString()).statusCode());
    long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - threadsBefore;

    assertTrue(started < requests / 4, started + " threads started for " + requests + " requests");
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(callbackThreads.stream().allMatch(name -> name.startsWith(testKit.system().name() + "-akka.")),
          "callbacks ran on the actor system's threads, not on the common pool or threads of their own: " + callbackThreads);
      return null;
    });
  }
}
