package dev.timeline.lab.check;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;

/**
 * An experiment's pass/fail rules, from its {@code expect} block. Every key is optional (absent or
 * null: not checked): {@code lost}, {@code duplicated}, {@code out-of-order} are upper bounds on
 * the delivery check's counts, {@code max-failed-seconds} on the run's failed seconds,
 * {@code min-failed-seconds} a lower bound on them (an experiment that shows a fault becoming a
 * failure expects one), and {@code min-success-ratio} a lower bound on ok / all operations over
 * the whole run.
 */
public final class Expectations {

  static final String LOST = "lost";
  static final String DUPLICATED = "duplicated";
  static final String OUT_OF_ORDER = "out-of-order";
  static final String MAX_FAILED_SECONDS = "max-failed-seconds";
  static final String MIN_FAILED_SECONDS = "min-failed-seconds";
  static final String MIN_SUCCESS_RATIO = "min-success-ratio";
  private static final List<String> KEYS =
      List.of(LOST, DUPLICATED, OUT_OF_ORDER, MAX_FAILED_SECONDS, MIN_FAILED_SECONDS, MIN_SUCCESS_RATIO);

  private Expectations() {}

  /** Refuses a key the lab does not know, so a typo fails before a run rather than going unchecked. */
  public static void validate(Config expect) {
    for (String key : expect.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown expectation '" + key + "'; known: " + String.join(", ", KEYS));
      }
    }
  }

  /** In the order above. */
  public static List<ExpectationResult> check(Config expect, Summary summary) {
    validate(expect);
    List<ExpectationResult> results = new ArrayList<>();
    for (String key : KEYS) {
      if (expect.hasPath(key)) {
        results.add(check(key, expect, summary));
      }
    }
    return List.copyOf(results);
  }

  private static ExpectationResult check(String key, Config expect, Summary summary) {
    return switch (key) {
      case LOST -> atMost(key, expect.getLong(key), summary.lost());
      case DUPLICATED -> atMost(key, expect.getLong(key), summary.duplicated());
      case OUT_OF_ORDER -> atMost(key, expect.getLong(key), summary.outOfOrderTimelines());
      case MAX_FAILED_SECONDS -> {
        double max = expect.getDouble(key);
        yield new ExpectationResult(key, "at most " + Fmt.plain(max) + " s",
            Fmt.plain(summary.failedSeconds()) + " s", summary.failedSeconds() <= max);
      }
      case MIN_FAILED_SECONDS -> {
        double min = expect.getDouble(key);
        yield new ExpectationResult(key, "at least " + Fmt.plain(min) + " s",
            Fmt.plain(summary.failedSeconds()) + " s", summary.failedSeconds() >= min);
      }
      case MIN_SUCCESS_RATIO -> {
        double min = expect.getDouble(key);
        Double ratio = summary.successRatio();
        yield ratio == null
            ? new ExpectationResult(key, "at least " + Fmt.plain(min), "no operations", false)
            : new ExpectationResult(key, "at least " + Fmt.plain(min), Fmt.against(ratio, min, 2), ratio >= min);
      }
      default -> throw new IllegalStateException(key);
    };
  }

  private static ExpectationResult atMost(String key, long max, long actual) {
    return new ExpectationResult(key, "at most " + max, String.valueOf(actual), actual <= max);
  }
}
