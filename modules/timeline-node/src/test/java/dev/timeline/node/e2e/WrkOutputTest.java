package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The parser FrontDoorIT judges wrk by, on summaries wrk 4.1 printed here. */
class WrkOutputTest {

  @Test
  void aCleanRunHasNoErrors() {
    WrkOutput clean = WrkOutput.parse("""
        Running 3s test @ http://127.0.0.1:8081/wrk2-api/post/compose
          1 threads and 4 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency    21.79ms   15.03ms 122.46ms   85.85%
            Req/Sec   197.83     64.11   323.00     65.52%
          582 requests in 3.01s, 96.05KB read
        Requests/sec:    193.40
        Transfer/sec:     31.92KB
        """);
    assertEquals(new WrkOutput(582, 193.40, 0, 0, 0, 0, 0), clean);
  }

  /** With --latency wrk prints its distribution; the 99th percentile is read in milliseconds. */
  @Test
  void theLatencyDistributionGivesP99() {
    String summary = """
        Running 3s test @ http://127.0.0.1:8080/wrk2-api/user-timeline/read
          1 threads and 4 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     5.21ms    3.02ms  40.11ms   88.00%
            Req/Sec   780.12    120.00     1.01k    70.00%
          Latency Distribution
             50%    4.50ms
             75%    6.00ms
             90%    8.20ms
             99%    P99
          2340 requests in 3.00s, 1.20MB read
        Requests/sec:    779.80
        Transfer/sec:    410.00KB
        """;
    assertEquals(new WrkOutput(2340, 779.80, 0, 0, 0, 0, 0, 18.5), WrkOutput.parse(summary.replace("P99", "18.50ms")));
    assertEquals(1200.0, WrkOutput.parse(summary.replace("P99", "1.20s")).p99Millis(), 1e-9);
    assertEquals(0.9, WrkOutput.parse(summary.replace("P99", "900.00us")).p99Millis(), 1e-9);
    assertTrue(Double.isNaN(WrkOutput.parse(summary.replace("P99", "18.50ms").replace("99%", "98%")).p99Millis()), "no 99% line, no p99");
  }

  /**
   * Hand-made in wrk's format, with the count issue 15 reported for DeathStarBench's mixed-workload.lua
   * against a node that refused absolute-form targets (every answer a 400), plus socket errors.
   */
  @Test
  void non2xxAnswersAndSocketErrorsAreCounted() {
    WrkOutput refused = WrkOutput.parse("""
        Running 30s test @ http://127.0.0.1:8081/wrk2-api/home-timeline/read
          2 threads and 16 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     7.10ms    4.32ms  61.20ms   80.11%
            Req/Sec     1.10k   180.22     1.52k    70.50%
          65999 requests in 30.02s, 21.37MB read
          Socket errors: connect 0, read 3, write 0, timeout 7
          Non-2xx or 3xx responses: 65999
        Requests/sec:   2198.50
        Transfer/sec:    728.90KB
        """);
    assertEquals(65999, refused.non2xx());
    assertEquals(10, refused.socketErrors());
    assertEquals(65999, refused.requests());
  }

  /** Printed here for DeathStarBench's mixed-workload.lua against a node built without OriginForm. */
  @Test
  void everyAnswerRefusedWithoutOriginForm() {
    WrkOutput refused = WrkOutput.parse("""
        Running 3s test @ http://127.0.0.1:8081/wrk2-api/home-timeline/read
          1 threads and 4 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency    14.77ms   15.61ms 109.92ms   91.16%
            Req/Sec   338.73    140.29   560.00     70.00%
          1037 requests in 3.10s, 422.30KB read
          Non-2xx or 3xx responses: 1037
        Requests/sec:    334.40
        Transfer/sec:    136.18KB
        """);
    assertEquals(new WrkOutput(1037, 334.40, 1037, 0, 0, 0, 0), refused);
  }

  @Test
  void anythingElseIsNotASummary() {
    assertThrows(IllegalArgumentException.class, () -> WrkOutput.parse("unable to connect to 127.0.0.1:8081 Connection refused\n"));
    assertThrows(IllegalArgumentException.class, () -> WrkOutput.parse("PANIC: unprotected error in call to Lua API (module 'socket' not found)\n"));
  }
}
