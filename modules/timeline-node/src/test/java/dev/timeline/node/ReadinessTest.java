package dev.timeline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.management.javadsl.AkkaManagement;
import dev.timeline.core.TimelineSettings;
import dev.timeline.core.UserEntity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Akka Management's /ready and /alive on an admin port, as NodeMain serves them: ready only once
 * the member is Up and the User shard region has registered with its coordinator; alive whenever
 * the node answers.
 */
class ReadinessTest {
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aNodeThatJoinedAndRunsShardingIsReadyAndAlive() throws Exception {
    ActorSystem<Void> node = TimelineRoutesTest.singleNode();
    try {
      URI admin = admin(node);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (get(admin, "/ready").statusCode() != 200) {
        assertTrue(System.nanoTime() < deadline, "not ready in time: " + get(admin, "/ready").body());
        Thread.sleep(200);
      }
      assertEquals(200, get(admin, "/alive").statusCode());
    } finally {
      stop(node);
    }
  }

  /** Never joined: no member is Up and no coordinator exists, so not ready; but alive. */
  @Test
  void aNodeOutsideAClusterIsAliveButNotReady() throws Exception {
    ActorSystem<Void> node = ActorSystem.create(Behaviors.empty(), "timeline", TimelineRoutesTest.nodeConfig(""));
    try {
      UserEntity.init(node, TimelineSettings.from(node.settings().config()));
      URI admin = admin(node);
      HttpResponse<String> ready = get(admin, "/ready");
      assertEquals(500, ready.statusCode(), ready.body());
      assertEquals(200, get(admin, "/alive").statusCode());
    } finally {
      stop(node);
    }
  }

  private static URI admin(ActorSystem<?> node) throws Exception {
    int port = HttpServer.start(node, "admin", "127.0.0.1", 0, AkkaManagement.get(node).getRoutes())
        .toCompletableFuture().get(10, TimeUnit.SECONDS).localAddress().getPort();
    return URI.create("http://127.0.0.1:" + port);
  }

  private static HttpResponse<String> get(URI base, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
  }

  private static void stop(ActorSystem<?> node) throws Exception {
    node.terminate();
    node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
