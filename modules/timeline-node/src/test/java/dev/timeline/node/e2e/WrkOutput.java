package dev.timeline.node.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Debian's wrk (4.1) printed for one run: how many requests completed, how many were
 * answered with a status of 400 or more ({@code Non-2xx or 3xx responses: N}, printed only when
 * N > 0) and the socket errors ({@code Socket errors: connect A, read B, write C, timeout D},
 * printed only when one is non-zero), and with {@code --latency} the 99th percentile latency in
 * milliseconds ({@code 99%  12.34ms}; NaN without it).
 */
record WrkOutput(long requests, double requestsPerSecond, long non2xx, long connectErrors, long readErrors,
                 long writeErrors, long timeouts, double p99Millis) {

  WrkOutput(long requests, double requestsPerSecond, long non2xx, long connectErrors, long readErrors, long writeErrors, long timeouts) {
    this(requests, requestsPerSecond, non2xx, connectErrors, readErrors, writeErrors, timeouts, Double.NaN);
  }

  private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ");
  private static final Pattern RATE = Pattern.compile("(?m)^Requests/sec:\\s*([0-9.]+)");
  private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses:\\s*(\\d+)");
  private static final Pattern SOCKET = Pattern.compile(
      "(?m)^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
  private static final Pattern P99 = Pattern.compile("(?m)^\\s*99%\\s+([0-9.]+)(us|ms|s)\\s*$");

  /** Parses wrk's summary; fails when it is not one (wrk refused its arguments, the script failed, ...). */
  static WrkOutput parse(String output) {
    Matcher requests = REQUESTS.matcher(output);
    Matcher rate = RATE.matcher(output);
    if (!requests.find() || !rate.find()) throw new IllegalArgumentException("not a wrk summary:\n" + output);
    Matcher non2xx = NON_2XX.matcher(output);
    Matcher socket = SOCKET.matcher(output);
    boolean socketErrors = socket.find();
    return new WrkOutput(Long.parseLong(requests.group(1)), Double.parseDouble(rate.group(1)),
        non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
        socketErrors ? Long.parseLong(socket.group(1)) : 0, socketErrors ? Long.parseLong(socket.group(2)) : 0,
        socketErrors ? Long.parseLong(socket.group(3)) : 0, socketErrors ? Long.parseLong(socket.group(4)) : 0,
        p99Millis(output));
  }

  private static double p99Millis(String output) {
    Matcher p99 = P99.matcher(output);
    if (!p99.find()) return Double.NaN;
    double value = Double.parseDouble(p99.group(1));
    return switch (p99.group(2)) {
      case "us" -> value / 1000;
      case "s" -> value * 1000;
      default -> value;
    };
  }

  long socketErrors() {
    return connectErrors + readErrors + writeErrors + timeouts;
  }
}
