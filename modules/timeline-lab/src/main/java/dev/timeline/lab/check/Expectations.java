package dev.timeline.lab.check;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * An experiment's pass/fail rules, from its {@code expect} block. Every key is optional (absent or
 * null: not checked). Upper bounds on each read-back's delivery check (warm, and cold after a
 * restart of the whole cluster from the journal; each is its own result): {@code lost},
 * {@code duplicated}, {@code out-of-order}, {@code unreadable-timelines}, {@code unresolved-posts},
 * {@code unanswered-reads}. An upper bound on the single-writer check: {@code interleaved-writers}
 * (fails when the journal's writers could not be read). On the run: {@code max-failed-seconds},
 * {@code min-failed-seconds} (an experiment that shows a fault becoming a failure expects one),
 * {@code min-success-ratio} (ok / all operations over the whole run).
 */
public final class Expectations {

  static final String LOST = "lost";
  static final String DUPLICATED = "duplicated";
  static final String OUT_OF_ORDER = "out-of-order";
  static final String UNREADABLE_TIMELINES = "unreadable-timelines";
  static final String UNRESOLVED_POSTS = "unresolved-posts";
  static final String UNANSWERED_READS = "unanswered-reads";
  static final String INTERLEAVED_WRITERS = "interleaved-writers";
  static final String MAX_FAILED_SECONDS = "max-failed-seconds";
  static final String MIN_FAILED_SECONDS = "min-failed-seconds";
  static final String MIN_SUCCESS_RATIO = "min-success-ratio";

  /** The delivery keys, each read from one read-back's result. */
  private static final Map<String, ToLongFunction<DeliveryResult>> DELIVERY = Map.of(
      LOST, DeliveryResult::lost,
      DUPLICATED, DeliveryResult::duplicated,
      OUT_OF_ORDER, DeliveryResult::outOfOrderTimelines,
      UNREADABLE_TIMELINES, DeliveryResult::unreadableTimelines,
      UNRESOLVED_POSTS, DeliveryResult::unresolvedPosts,
      UNANSWERED_READS, DeliveryResult::unansweredReads);
  private static final List<String> KEYS = List.of(LOST, DUPLICATED, OUT_OF_ORDER, UNREADABLE_TIMELINES, UNRESOLVED_POSTS,
      UNANSWERED_READS, INTERLEAVED_WRITERS, MAX_FAILED_SECONDS, MIN_FAILED_SECONDS, MIN_SUCCESS_RATIO);

  private Expectations() {}

  /** Refuses a key the lab does not know, so a typo fails before a run rather than going unchecked. */
  public static void validate(Config expect) {
    for (String key : expect.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown expectation '" + key + "'; known: " + String.join(", ", KEYS));
      }
    }
  }

  /**
   * In the order of the keys above; a delivery key once per read-back, named e.g. "lost (cold)".
   * {@code readBacks}: name -> result, in the order they were read.
   */
  public static List<ExpectationResult> check(Config expect, Summary summary, Map<String, DeliveryResult> readBacks,
      SingleWriterResult writers) {
    validate(expect);
    List<ExpectationResult> results = new ArrayList<>();
    for (String key : KEYS) {
      if (!expect.hasPath(key)) continue;
      if (DELIVERY.containsKey(key)) {
        if (readBacks.isEmpty()) results.add(new ExpectationResult(key, "at most " + expect.getLong(key), "nothing read back", false));
        readBacks.forEach((name, d) -> results.add(atMost(key + " (" + name + ")", expect.getLong(key), DELIVERY.get(key).applyAsLong(d))));
      } else if (key.equals(INTERLEAVED_WRITERS)) {
        results.add(writers(expect.getLong(key), writers));
      } else {
        results.add(run(key, expect, summary));
      }
    }
    return List.copyOf(results);
  }

  /** A check that saw nothing holds nothing: unread writers, or an empty journal, fail it. */
  private static ExpectationResult writers(long max, SingleWriterResult w) {
    String expected = "at most " + max;
    if (!w.read()) return new ExpectationResult(INTERLEAVED_WRITERS, expected, "journal writers not read", false);
    if (w.events() == 0) return new ExpectationResult(INTERLEAVED_WRITERS, expected, "no events in the journal", false);
    return atMost(INTERLEAVED_WRITERS, max, w.interleaved());
  }

  private static ExpectationResult run(String key, Config expect, Summary summary) {
    return switch (key) {
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

  private static ExpectationResult atMost(String name, long max, long actual) {
    return new ExpectationResult(name, "at most " + max, String.valueOf(actual), actual <= max);
  }
}
