package dev.timeline.lab.dash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import dev.timeline.lab.history.OpType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard server over a run directory without fault injection (here: without nodes, on an
 * ephemeral port): the page and Chart.js are served from the build, the feed is JSON, and the
 * fault buttons are refused with a JSON 403 before anything runs. The clients' view is in the
 * feed when an experiment's load generator feeds it, and only then.
 */
class DashboardTest {
  @TempDir Path runDir;
  final HttpClient client = HttpClient.newHttpClient();

  @Test
  void servesThePageAndRefusesFaultsWithoutFaultInjection() throws Exception {
    Files.writeString(runDir.resolve("node-1.pid"), "999999999\n");  // a node that is gone, started without the flag
    try (Dashboard dashboard = new Dashboard(Path.of("../..").toAbsolutePath().normalize(), runDir, 0)) {
      dashboard.start();
      String base = "http://127.0.0.1:" + dashboard.port();
      HttpResponse<String> page = get(base + "/");
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("<script src=\"chart.umd.js\">") && !page.body().contains("http"), "no CDN: " + page.body());
      HttpResponse<String> chart = get(base + "/chart.umd.js");
      assertEquals(200, chart.statusCode());
      assertTrue(chart.body().contains("Chart"), "Chart.js from its WebJar");

      JsonNode state = new ObjectMapper().readTree(awaitState(base));
      assertEquals(false, state.get("faultInjection").asBoolean());
      assertEquals("crashed", state.get("nodes").get(0).get("process").asText());
      assertTrue(state.get("shading").isArray() && state.get("shading").isEmpty(), "no fault clicked, none shaded: " + state.get("shading"));
      assertTrue(state.get("series").get(0).get("failed").isBoolean(), "each second says whether it failed");
      assertTrue(state.path("clients").isMissingNode(), "no experiment feeds this page: no clients' view: " + state.get("clients"));

      HttpResponse<String> refused = send(base + "/api/faults", "POST", "{\"verb\":\"crash\",\"node\":1}");
      assertEquals(403, refused.statusCode());
      assertEquals("forbidden", new ObjectMapper().readTree(refused.body()).get("error").asText());
      assertEquals(400, send(base + "/api/load", "POST", "{\"rate\":0}").statusCode());
      assertEquals(404, get(base + "/nothing").statusCode());
    }
  }

  @Test
  void carriesTheClientsViewThatItsSupplierHandsOut() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    Supplier<ClientView> clients = () -> {
      int n = asked.incrementAndGet();
      return new ClientView(List.of(
          new ClientView.Second(1_000_000, false, 40, 2, 1, Map.of(OpType.post, new ClientView.Latency(43, 12.5, 2_000))),
          new ClientView.Second(1_001_000, true, n, 0, 0, Map.of())), 3);
    };
    try (Dashboard dashboard = new Dashboard(Path.of("../..").toAbsolutePath().normalize(), runDir, 0, clients)) {
      dashboard.start();
      String base = "http://127.0.0.1:" + dashboard.port();
      JsonNode feed = new ObjectMapper().readTree(awaitState(base, "\"clients\""));
      JsonNode seconds = feed.path("clients").path("seconds");
      assertEquals(2, seconds.size(), feed.toString());
      JsonNode first = seconds.get(0);
      assertEquals(1_000_000, first.get("t").asLong());
      assertEquals(List.of(40, 2, 1), List.of(first.get("ok").asInt(), first.get("fail").asInt(), first.get("info").asInt()));
      assertEquals(false, first.get("open").asBoolean());
      assertEquals(43, first.path("ops").path("post").path("n").asInt());
      assertEquals(12.5, first.path("ops").path("post").path("p50").asDouble());
      assertEquals(2_000, first.path("ops").path("post").path("p99").asDouble());
      assertTrue(seconds.get(1).get("open").asBoolean() && seconds.get(1).get("ops").isEmpty());
      assertEquals(3, feed.path("clients").path("late").asInt());
      // A fresh copy each second: the feed moves with the generator.
      int okBefore = seconds.get(1).get("ok").asInt();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (new ObjectMapper().readTree(get(base + "/api/state").body()).path("clients").path("seconds").get(1).get("ok").asInt() == okBefore) {
        assertTrue(System.nanoTime() < deadline, "the clients' view did not move");
        LockSupport.parkNanos(100_000_000L);
      }
    }
  }

  private String awaitState(String base) throws Exception {
    return awaitState(base, "\"nodes\":[{");
  }

  private String awaitState(String base, String containing) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      String body = get(base + "/api/state").body();
      if (body.contains(containing) || System.nanoTime() > deadline) return body;
      LockSupport.parkNanos(100_000_000L);
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(String url, String method, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
