package dev.timeline.node.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.server.Directives;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.timeline.core.TimelineSettings;
import dev.timeline.core.UserEntity;
import dev.timeline.core.Users;
import dev.timeline.node.HttpServer;
import dev.timeline.node.NodeSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin port as NodeMain assembles it with --fault-injection and --bulk-import, on a node
 * that never joined a cluster (its entities never answer: asks time out, deterministically) and
 * whose journal is a hand-made table.
 */
class AdminRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Connection journal;
  private static ActorSystem<Void> system;
  private static URI admin;

  @BeforeAll
  static void start() throws Exception {
    String url = "jdbc:h2:mem:admin-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    journal = JournalWritersTest.journalWithRuns(url);
    system = ActorSystem.create(Behaviors.empty(), "timeline", ConfigFactory.load(ConfigFactory.parseString(
        "timeline.journal.url = \"" + url + "\"\n"
            + "timeline.ask-timeout = 300ms\n"
            + "akka.remote.artery.canonical.port = 0\n"
            + "akka.remote.artery.advanced.test-mode = on\n"
            + "akka.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
            // Its region would wait the phase's 10 s for a hand-off that cannot happen.
            + "akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 1s")));
    var settings = NodeSettings.of(system.settings().config());
    UserEntity.init(system, settings.core());
    var routes = Directives.concat(new FaultRoutes(system, null).route(), new JournalWriters(system, settings).route(),
        new ImportRoutes(system, settings, new Users(system, settings.core())).route());
    int port = HttpServer.start(system, "admin", "127.0.0.1", 0, routes).toCompletableFuture().get(10, TimeUnit.SECONDS)
        .localAddress().getPort();
    admin = URI.create("http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    journal.close();
  }

  /** Contract C3, as the lab's checker reads it. */
  @Test
  void journalWritersListsTheRunsOfEveryIdWithMoreThanOneWriter() throws Exception {
    HttpResponse<String> writers = send("GET", "/admin/journal/writers", null);
    assertEquals(200, writers.statusCode(), writers.body());
    assertEquals(JSON.readTree("{\"persistenceIds\": 3, \"events\": 9, \"writerRuns\": "
        + "{\"User|a\": [\"w1\", \"w2\"], \"User|b\": [\"w1\", \"w2\", \"w1\"]}}"), JSON.readTree(writers.body()));
  }

  @Test
  void faultRoutesAnswerBadInputWithJsonErrors() throws Exception {
    for (String bad : new String[] {"/faults/delay/-5", "/faults/delay/60001", "/faults/delay/99999999999999999999",
        "/faults/delay/1e3", "/faults/blackhole/nohost", "/faults/blackhole/127.0.0.1:99999",
        "/faults/blackhole/127.0.0.1:", "/faults/blackhole/a%20b:2551"})
      assertError(400, "bad_request", send("PUT", bad, null), bad);
    assertError(404, "not_found", send("PUT", "/faults/nothing", null), "unknown path");
    assertError(405, "method_not_allowed", send("POST", "/faults/delay", null), "wrong method");
  }

  @Test
  void importAnswers503WithRetryAfterWhenTheClusterCannotTakeIt() throws Exception {
    HttpResponse<String> users = send("POST", "/admin/import/users", "{\"lonely-1\": \"Lonely\"}");
    assertError(503, "unavailable", users, "no entity answers");
    assertEquals("1", users.headers().firstValue("Retry-After").orElse(null));
  }

  @Test
  void importTakesOnlyObjectsOfStringsOrListsOfStrings() throws Exception {
    for (String body : new String[] {"{\"u1\": 42}", "{\"u1\": null}", "{\"u1\": [\"x\"]}"})
      assertNamesField("u1", send("POST", "/admin/import/users", body));
    for (String body : new String[] {"{\"u1\": \"u2\"}", "{\"u1\": null}", "{\"u1\": {}}"})
      assertNamesField("u1", send("POST", "/admin/import/following", body));
    assertNamesField("element 1 of 'u1'", send("POST", "/admin/import/followers", "{\"u1\": [\"u2\", 3]}"));
    assertNamesField("element 0 of 'u1'", send("POST", "/admin/import/followers", "{\"u1\": [[\"u2\"]]}"));
    assertError(400, "bad_request", send("POST", "/admin/import/following", "{\"u1\": [\"bad id\"]}"), "a bad id in a list");
  }

  // ---- a small client -------------------------------------------------------------------------

  private static HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(admin.resolve(path)).timeout(Duration.ofSeconds(10))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) request.header("Content-Type", "application/json");
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode assertError(int status, String error, HttpResponse<String> response, String why) throws Exception {
    assertEquals(status, response.statusCode(), () -> why + ": " + response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null), why);
    JsonNode body = JSON.readTree(response.body());
    assertEquals(error, body.get("error").asText(), why);
    assertTrue(!body.get("message").asText().isBlank(), why);
    return body;
  }

  private static void assertNamesField(String field, HttpResponse<String> response) throws Exception {
    String message = assertError(400, "bad_request", response, field).get("message").asText();
    assertTrue(message.contains(field.contains("'") ? field : "'" + field + "'"), message);
  }
}
