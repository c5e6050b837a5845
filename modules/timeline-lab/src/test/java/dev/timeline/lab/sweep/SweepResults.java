package dev.timeline.lab.sweep;

import com.typesafe.config.ConfigFactory;
import dev.timeline.lab.history.OpType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sweeps for tests: a made-up result, and specs parsed from text. */
public final class SweepResults {
  private SweepResults() {}

  /** The sweep file {@code hocon}, written into {@code dir} and loaded as scripts/sweep would. */
  public static SweepSpec spec(Path dir, String hocon) throws IOException {
    Path file = dir.resolve("s.conf");
    Files.writeString(file, hocon);
    return SweepSpec.load(file, ConfigFactory.empty());
  }

  /** Rates 50..400 under push and pull, pull saturating at 400, one point broken. */
  public static SweepResult sample(boolean numericX) {
    List<SweepPoint> points = new ArrayList<>();
    double[] rates = {50, 100, 200, 400};
    for (String strategy : List.of("push", "pull")) {
      for (double rate : rates) {
        boolean saturated = strategy.equals("pull") && rate == 400;
        double p99 = saturated ? 2400 : 20 + rate / 10;
        Map<OpType, OpSummary> ops = Map.of(
            OpType.post, new OpSummary((int) rate * 2, (int) rate * 2, 5, p99, p99 * 1.2, p99 * 1.5),
            OpType.home, new OpSummary((int) rate * 12, (int) rate * 12, 8, p99 / 2, p99, p99 * 2),
            OpType.user, new OpSummary((int) rate * 6, (int) rate * 6, 3, p99 / 4, p99 / 2, p99));
        points.add(new SweepPoint(points.size(), strategy, numericX ? String.valueOf((int) rate) : "r" + (int) rate,
            numericX ? rate : null, rate, saturated ? rate * 0.6 : rate * 0.99, ops, strategy.equals("pull") ? 3 : 0,
            strategy.equals("push") ? 20.0 : 0.0, strategy.equals("push") ? 1.0 : 21.0, 150.0, saturated ? null : 900.0, 0,
            saturated, saturated ? List.of("post p99 2400 ms > 1000 ms, with a \"quote\", and </script>") : List.of(), null));
      }
    }
    points.add(SweepPointsForTests.broken(points.size()));
    List<String> labels = new ArrayList<>();
    for (double r : rates) labels.add(numericX ? String.valueOf((int) r) : "r" + (int) r);
    return new SweepResult("sample", "How does latency grow with the rate? <b>not bold</b>", "2026-01-01T00:00:00Z", "load.rate",
        numericX, labels, "cluster.strategy", Map.of("post", 1000.0, "home", 500.0, "user", 500.0), 0.9, points,
        Saturation.perSeries(points));
  }

  /** Builds a broken point without a Plan. */
  static final class SweepPointsForTests {
    static SweepPoint broken(int index) {
      return new SweepPoint(index, "push", "800", 800.0, 800, 0, Map.of(), 0, null, null, null, null, 0, true,
          List.of("error: cluster would not start"), "cluster would not start");
    }
  }
}
