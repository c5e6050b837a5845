package dev.timeline.lab;

import com.sun.net.httpserver.HttpServer;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.history.Outcome;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * How fast can the lab itself issue load? Runs the open-model client against a no-op HTTP
 * endpoint on loopback at rising rates and prints, per rate, what was achieved, the p99 latency
 * and the share of operations that failed (in-flight bound or no answer). The largest rate with
 * no failures and a p99 under 50 ms is the lab's ceiling on this machine: above it, a report
 * measures the lab, not the cluster. Usage: scripts/bench-lab [SECONDS-PER-RATE=5]
 */
public final class LabCapacity {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    // Without TCP_NODELAY the JDK's server holds each small answer for the client's delayed ACK
    // (about 40 ms), and the no-op endpoint, not the client, would be what this measures.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    ExecutorService serverPool = Executors.newFixedThreadPool(4);
    server.setExecutor(serverPool);
    AtomicLong ids = new AtomicLong();
    server.createContext("/", exchange -> {
      boolean post = exchange.getRequestMethod().equals("POST");
      exchange.getRequestBody().readAllBytes();
      byte[] body = (post ? "{\"tweetId\":\"" + String.format("%013d", ids.incrementAndGet()) + "-x\"}"
          : "{\"tweets\":[],\"nextCursor\":null,\"partial\":false}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(post ? 201 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    Graph graph = Graph.generate(1000, 0, 1.5, 1);
    String endpoint = "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    Http http = Http.to(endpoint);
    Console.printf("open-model client against a no-op endpoint on 127.0.0.1, %d s per rate, mix 10/60/30%n", seconds);
    Console.printf("%10s %12s %10s %10s%n", "RATE", "ACHIEVED/S", "P99 MS", "FAILED");
    int ceiling = 0;
    boolean warmUp = true; // the first round warms the JIT and the connection pool; not reported
    for (int rate : List.of(500, 250, 500, 1000, 2000, 4000, 8000, 12000, 16000, 24000)) {
      var spec = new Experiment.LoadSpec(rate, Map.of(OpType.post, 10, OpType.home, 60, OpType.user, 30), 2048,
          Duration.ofSeconds(2), Duration.ZERO, 0, Duration.ofMillis(100), Duration.ofSeconds(1));
      RunClock clock = RunClock.startingNow();
      LoadGenerator load = new LoadGenerator(http, spec, graph, 1, false, new LagProbe(http, graph, 1, spec, clock, 1));
      List<Op> history = load.run(clock, seconds * 1000.0, true, "cap", rate);
      load.close();
      double elapsedS = clock.ms() / 1000;
      Histogram latency = new Histogram(3);
      long failed = 0;
      for (Op op : history) {
        latency.recordValue(Math.max(0, (long) (op.latencyMs() * 1000)));
        if (op.outcome() != Outcome.ok) failed++;
      }
      if (warmUp) {
        warmUp = false;
        continue;
      }
      double p99 = latency.getValueAtPercentile(99) / 1000.0;
      double failedShare = (double) failed / history.size();
      Console.printf("%10d %12.0f %10.1f %9.1f%%%s%n", rate, history.size() / elapsedS, p99, 100 * failedShare,
          failed == 0 ? "" : "  mostly: " + history.stream().filter(op -> op.outcome() != Outcome.ok)
              .collect(java.util.stream.Collectors.groupingBy(op -> String.valueOf(op.error()), java.util.stream.Collectors.counting()))
              .entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey() + " (" + e.getValue() + ")").orElse(""));
      if (failed == 0 && p99 < 50) ceiling = rate;
      else break;
    }
    Console.printf("the lab issues up to %d req/s here with no failures and p99 < 50 ms%n", ceiling);
    endpointCeiling(endpoint, seconds);
    server.stop(0);
    serverPool.shutdownNow();
    http.close();
    System.exit(0);
  }

  /** The same endpoint's own ceiling in the same run: Debian's wrk, a closed loop as fast as it goes. */
  private static void endpointCeiling(String endpoint, int seconds) throws Exception {
    List<String> command = List.of("wrk", "-t1", "-c32", "-d" + seconds + "s", endpoint + "/users/1/timeline?limit=20");
    Process wrk;
    try {
      wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      Console.println("the endpoint's own ceiling: not measured, no wrk here (apt-get install wrk)");
      return;
    }
    String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    wrk.waitFor();
    out.lines().filter(line -> line.strip().startsWith("Requests/sec:")).findFirst().ifPresentOrElse(
        line -> Console.printf("the no-op endpoint itself serves %s req/s to wrk -t1 -c32 in the same run%n", line.strip().split("\\s+")[1]),
        () -> Console.println("the endpoint's own ceiling: wrk said " + out.strip()));
  }
}
