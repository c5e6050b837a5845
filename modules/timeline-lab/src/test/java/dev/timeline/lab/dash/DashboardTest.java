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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard server over a run directory without fault injection (here: without nodes, on an
 * ephemeral port): the page and Chart.js are served from the build, the feed is JSON, and the
 * fault buttons are refused with a JSON 403 before anything runs.
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

      HttpResponse<String> refused = send(base + "/api/faults", "POST", "{\"verb\":\"crash\",\"node\":1}");
      assertEquals(403, refused.statusCode());
      assertEquals("forbidden", new ObjectMapper().readTree(refused.body()).get("error").asText());
      assertEquals(400, send(base + "/api/load", "POST", "{\"rate\":0}").statusCode());
      assertEquals(404, get(base + "/nothing").statusCode());
    }
  }

  private String awaitState(String base) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      String body = get(base + "/api/state").body();
      if (body.contains("\"nodes\":[{") || System.nanoTime() > deadline) return body;
      java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
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
