package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The journal goes away. Posts are refused with 503 (never a false 201), reads of running
 * entities keep answering from memory, and once the journal is back posts succeed again without
 * restarting a node; nothing acknowledged is lost.
 */
class JournalOutageIT {
  @Test
  void aJournalOutageRefusesWritesHonestlyAndHeals() throws Exception {
    try (ClusterScript cluster = new ClusterScript("journal")) {
      cluster.run("start", "3");
      Workload users = new Workload("jo", 20, 3, 1);
      List<String> readers = users.users.subList(0, 10);
      List<String> writers = users.users.subList(10, 20);
      List<Workload.Acked> acked = new ArrayList<>();
      for (String author : users.users) {
        Api.Response r = Api.post(1, author, "before the outage", "jo-before-" + author);
        assertEquals(201, r.status(), "post before the outage");
        acked.add(new Workload.Acked(author, r.body().get("tweetId").asText()));
      }
      users.awaitDelivered(acked, 1, Duration.ofSeconds(60));

      cluster.run("journal", "stop");
      // Each refusal takes the ask timeout (the entity stops on the failed write and never
      // answers), so the posts go out together, through every node.
      ExecutorService clients = Executors.newFixedThreadPool(writers.size());
      try {
        List<Future<Api.Response>> outage = new ArrayList<>();
        for (int i = 0; i < writers.size(); i++) {
          String author = writers.get(i);
          int node = 1 + i % 3;
          outage.add(clients.submit(() -> Api.post(node, author, "during the outage", "jo-during-" + author)));
        }
        for (Future<Api.Response> post : outage) {
          Api.Response r = post.get();
          assertEquals(503, r.status(), "a post while the journal is down: " + r.body());
          assertNotNull(r.body().get("error"));
        }
      } finally {
        clients.shutdownNow();
      }
      for (String reader : readers)
        assertNotNull(Api.homeTimeline(2, reader), reader + "'s home timeline is still readable");

      cluster.run("journal", "start");
      // The same request ids: an answer in the outage was 503, so each is posted exactly once now.
      Instant deadline = Instant.now().plusSeconds(60);
      for (String author : writers) {
        Api.Response r;
        do {
          r = Api.post(3, author, "during the outage", "jo-during-" + author);
          if (r.status() != 201) Workload.pause(500);
        } while (r.status() != 201 && Instant.now().isBefore(deadline));
        assertEquals(201, r.status(), "a post after the journal is back: " + r.body());
        acked.add(new Workload.Acked(author, r.body().get("tweetId").asText()));
      }
      users.awaitDelivered(acked, 2, Duration.ofSeconds(90));
    }
  }
}
