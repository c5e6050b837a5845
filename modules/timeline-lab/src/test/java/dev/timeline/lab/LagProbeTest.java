package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.OpType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fan-out lag probe's polling: at the poll interval while answered, backing off while not. */
class LagProbeTest {
  HttpServer server;
  final AtomicInteger polls = new AtomicInteger();

  @AfterEach
  void stop() {
    if (server != null) server.stop(0);
  }

  @Test
  void aPollNotAnswered200DoublesTheWaitUpToTheCapAndA200ResetsIt() {
    Http.Answer ok = new Http.Answer(200, null, null);
    Http.Answer unavailable = new Http.Answer(503, null, null);
    Http.Answer refused = new Http.Answer(0, null, "Connection refused");
    assertEquals(100, LagProbe.nextDelayMs(unavailable, 0, 100), "the first retry waits the interval");
    assertEquals(200, LagProbe.nextDelayMs(unavailable, 100, 100));
    assertEquals(800, LagProbe.nextDelayMs(refused, 400, 100));
    assertEquals(LagProbe.MAX_BACKOFF_MS, LagProbe.nextDelayMs(refused, 800, 100), "capped");
    assertEquals(LagProbe.MAX_BACKOFF_MS, LagProbe.nextDelayMs(unavailable, LagProbe.MAX_BACKOFF_MS, 100));
    assertEquals(100, LagProbe.nextDelayMs(ok, LagProbe.MAX_BACKOFF_MS, 100), "answered: back to the interval");
    assertEquals(1_500, LagProbe.nextDelayMs(unavailable, 0, 1_500), "never shorter than the interval");
  }

  /**
   * A stand-in node that answers every home timeline 503 for the probe's whole lag timeout (2 s):
   * polled every 100 ms that would be about 20 polls, backing off (100, 200, 400, 800, 1000 ms) 5 or 6.
   */
  @Test
  void aNodeThatDoesNotAnswerIsPolledLessAndLessOften() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      polls.incrementAndGet();
      byte[] body = "{\"error\":\"unavailable\",\"message\":\"starting\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(503, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    Graph graph = Graph.generate(10, 2, 1.5, 1);
    int author = java.util.stream.IntStream.range(0, 10).filter(u -> graph.followerCount(u) > 0).findFirst().orElseThrow();
    Experiment.LoadSpec spec = new Experiment.LoadSpec(10, Map.of(OpType.post, 1), 8, Duration.ofSeconds(1),
        Duration.ofSeconds(1), 1.0, Duration.ofMillis(100), Duration.ofSeconds(2));
    RunClock clock = RunClock.startingNow();
    try (Http http = Http.to("http://127.0.0.1:" + server.getAddress().getPort());
         LagProbe probe = new LagProbe(http, graph, 1, spec, clock, 1)) {
      probe.maybeWatch("0000000000001-x", author, clock.ms());
      List<LagSample> samples = probe.awaitSamples();
      assertEquals(1, samples.size(), "the post was watched until the lag timeout: " + samples);
      assertEquals(null, samples.get(0).visibleMs(), "never seen");
    }
    assertTrue(polls.get() >= 3 && polls.get() <= 8, "polled " + polls.get() + " times in 2 s, backing off");
  }
}
