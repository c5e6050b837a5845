package dev.timeline.lab.check;

import com.typesafe.config.Config;
import dev.timeline.lab.history.OpType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What "serving" means, judged per window of the run.
 *
 * @param windowMs        length of a window
 * @param minSuccessRatio a window whose ok / all operations falls below this is failed
 * @param maxP99Ms        per operation type, the p99 latency bound; a type not listed has none
 * @param maxFanOutLagMs  the bound on a window's fan-out lag p99; null for none
 */
public record Slo(double windowMs, double minSuccessRatio, Map<OpType, Double> maxP99Ms, Double maxFanOutLagMs) {

  public Slo {
    if (!(windowMs > 0)) {
      throw new IllegalArgumentException("windowMs must be positive: " + windowMs);
    }
    // An EnumMap keeps the report's keys in OpType order.
    Map<OpType, Double> bounds = new EnumMap<>(OpType.class);
    if (maxP99Ms != null) {
      bounds.putAll(maxP99Ms);
    }
    maxP99Ms = Collections.unmodifiableMap(bounds);
  }

  /** 1 s windows, 99 % success, p99 post 1000 ms, home and user 500 ms, fan-out lag 5 s. */
  public static Slo defaults() {
    return new Slo(1000, 0.99, Map.of(OpType.post, 1000.0, OpType.home, 500.0, OpType.user, 500.0), 5000.0);
  }

  /**
   * Reads an experiment's {@code slo} block: {@code window} (duration), {@code success-ratio},
   * {@code p99 { post, home, user }} (durations, each optional), {@code fan-out-lag} (duration,
   * null or absent for no bound).
   */
  public static Slo fromConfig(Config slo) {
    Map<OpType, Double> p99 = new EnumMap<>(OpType.class);
    if (slo.hasPath("p99")) {
      Config bounds = slo.getConfig("p99");
      for (OpType type : OpType.values()) {
        if (bounds.hasPath(type.name())) {
          p99.put(type, millis(bounds, type.name()));
        }
      }
    }
    Double lag = slo.hasPath("fan-out-lag") ? millis(slo, "fan-out-lag") : null;
    return new Slo(millis(slo, "window"), slo.getDouble("success-ratio"), p99, lag);
  }

  private static double millis(Config config, String path) {
    return config.getDuration(path).toNanos() / 1e6;
  }
}
