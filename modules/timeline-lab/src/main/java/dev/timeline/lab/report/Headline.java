package dev.timeline.lab.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.timeline.lab.check.DeliveryResult;
import dev.timeline.lab.check.ExpectationResult;
import dev.timeline.lab.check.FaultVerdicts;
import dev.timeline.lab.check.Window;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * A run's first lines, answering two questions apart: did the experiment's expectations hold, and
 * what did its users see (failed windows, per fault) and was anything acknowledged lost or
 * duplicated. They differ on purpose: an experiment that expects a failure (the naive crash)
 * passes when it gets one, and its users still saw it.
 *
 * @param faults one line per fault: its interval and whether it became a failure
 */
public record Headline(Part expectations, Part users, Part data, List<String> faults) {

  public Headline {
    faults = List.copyOf(faults);
  }

  public enum Tone { pass, warn, fail }

  /** One answer, e.g. ("Users", fail, "FAILED for 21 s during crash node 2"). */
  public record Part(String label, Tone tone, String text) {
    public String line() {
      return label + ": " + text;
    }
  }

  /** "Expectations: PASSED (all 3 hold) · Users: ... · Data: ...": the headline in one line. */
  public String line() {
    return expectations.line() + " · " + users.line() + " · " + data.line();
  }

  /** Failing faults named one by one up to this many; beyond, counted. */
  static final int NAMED_FAULTS = 3;
  /** Failed expectations named up to this many. */
  static final int NAMED_EXPECTATIONS = 3;

  /** What the headline is made of: all of it is in report.json, so old runs can be indexed too. */
  public record Facts(boolean passed, List<String> expectations, List<String> failedExpectations, List<Fault> faults,
                      List<Double> failedWindowStarts, double windowMs, List<ReadBack> readBacks) {

    public Facts {
      expectations = List.copyOf(expectations);
      failedExpectations = List.copyOf(failedExpectations);
      faults = List.copyOf(faults);
      failedWindowStarts = List.copyOf(failedWindowStarts);
      readBacks = List.copyOf(readBacks);
    }

    static Facts of(Report r) {
      List<ReadBack> reads = new ArrayList<>(List.of(ReadBack.of("warm", r.delivery())));
      if (r.coldDelivery() != null) reads.add(ReadBack.of("cold", r.coldDelivery()));
      return new Facts(r.passed(), r.expectations().stream().map(ExpectationResult::name).toList(),
          r.expectations().stream().filter(e -> !e.holds()).map(ExpectationResult::name).toList(),
          r.faults().stream().map(f -> new Fault(label(f.verb(), f.nodes()), f.injectedMs(),
              f.endedMs() != null ? f.endedMs() : r.durationMs(), f.endedMs() != null, f.failedSeconds(),
              f.failedUntilMs())).toList(),
          r.windows().stream().filter(Window::failed).map(Window::startMs).toList(), r.slo().windowMs(), reads);
    }

    /** From a report.json; a field missing or of the wrong type is an IllegalArgumentException naming it. */
    static Facts of(JsonNode json) {
      double durationMs = number(json, "durationMs");
      List<String> names = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (JsonNode e : array(json, "expectations")) {
        names.add(text(e, "name"));
        if (!bool(e, "holds")) failed.add(text(e, "name"));
      }
      List<Fault> faults = new ArrayList<>();
      for (JsonNode f : array(json, "faults")) {
        List<Integer> nodes = new ArrayList<>();
        array(f, "nodes").forEach(n -> nodes.add(n.asInt()));
        boolean ended = f.hasNonNull("endedMs");
        // Reports written before failures were followed past their fault's end have no failedUntilMs.
        faults.add(new Fault(label(text(f, "verb"), nodes), number(f, "injectedMs"),
            ended ? number(f, "endedMs") : durationMs, ended, number(f, "failedSeconds"),
            f.hasNonNull("failedUntilMs") ? number(f, "failedUntilMs") : null));
      }
      List<Double> failedStarts = new ArrayList<>();
      for (JsonNode w : array(json, "windows")) {
        if (bool(w, "failed")) failedStarts.add(number(w, "startMs"));
      }
      List<ReadBack> reads = new ArrayList<>(List.of(ReadBack.of("warm", object(json, "delivery"))));
      if (json.hasNonNull("coldDelivery")) reads.add(ReadBack.of("cold", object(json, "coldDelivery")));
      return new Facts(bool(json, "passed"), names, failed, faults, failedStarts, number(object(json, "slo"), "windowMs"), reads);
    }
  }

  /**
   * A fault's interval: injection to end, or to the end of the run if never undone ({@code ended}
   * false); its failure may outlast it, up to {@code failedUntilMs} (null: no failure, or not known).
   */
  public record Fault(String label, double fromMs, double toMs, boolean ended, double failedSeconds, Double failedUntilMs) {
    /** Whether the window starting at {@code startMs} is within this fault or its failure, as FaultVerdicts counts. */
    boolean covers(double startMs, double windowMs) {
      return FaultVerdicts.overlaps(startMs, windowMs, fromMs, toMs) || failedUntilMs != null && startMs > toMs && startMs < failedUntilMs;
    }
  }

  /** One read-back's count of lost and duplicated deliveries, and of what it could not check. */
  public record ReadBack(String name, long lost, long duplicated, long unreadableTimelines, long unresolvedPosts) {
    static ReadBack of(String name, DeliveryResult d) {
      return new ReadBack(name, d.lost(), d.duplicated(), d.unreadableTimelines(), d.unresolvedPosts());
    }

    static ReadBack of(String name, JsonNode d) {
      return new ReadBack(name, (long) number(d, "lost"), (long) number(d, "duplicated"),
          (long) number(d, "unreadableTimelines"), (long) number(d, "unresolvedPosts"));
    }
  }

  public static Headline of(Report report) {
    return of(Facts.of(report));
  }

  public static Headline of(Facts f) {
    return new Headline(expectations(f), users(f), data(f), f.faults().stream().map(Headline::faultLine).toList());
  }

  private static Part expectations(Facts f) {
    if (f.passed()) {
      return new Part("Expectations", Tone.pass,
          "PASSED" + (f.expectations().isEmpty() ? " (none set)" : " (all " + f.expectations().size() + " hold)"));
    }
    return new Part("Expectations", Tone.fail, "FAILED (" + named(f.failedExpectations(), NAMED_EXPECTATIONS) + ")");
  }

  /**
   * Failed windows inside a fault's interval or its failure are counted as {@code FaultVerdicts}
   * counts them (a window overlapping it, and those right after it without a break); the rest are
   * failures outside any fault, also seen by users.
   */
  private static Part users(Facts f) {
    if (f.failedWindowStarts().isEmpty()) {
      return new Part("Users", Tone.pass, f.faults().isEmpty() ? "served throughout (no failed window)"
          : f.faults().size() == 1 ? "the fault was tolerated (no failed window)" : "every fault was tolerated (no failed window)");
    }
    long inFaults = f.failedWindowStarts().stream()
        .filter(start -> f.faults().stream().anyMatch(fault -> fault.covers(start, f.windowMs())))
        .count();
    long outside = f.failedWindowStarts().size() - inFaults;
    List<Fault> failing = f.faults().stream().filter(fault -> fault.failedSeconds() > 0).toList();
    List<String> parts = new ArrayList<>();
    if (failing.size() <= NAMED_FAULTS) {
      failing.forEach(fault -> parts.add(plain(fault.failedSeconds()) + " s during " + fault.label()));
    } else {
      parts.add(seconds(inFaults, f.windowMs()) + " s during " + failing.size() + " of " + f.faults().size() + " faults");
    }
    if (outside > 0) parts.add(seconds(outside, f.windowMs()) + " s outside any fault");
    return new Part("Users", Tone.fail, "FAILED for " + String.join(", ", parts));
  }

  private static Part data(Facts f) {
    long lost = most(f.readBacks(), ReadBack::lost);
    long duplicated = most(f.readBacks(), ReadBack::duplicated);
    StringBuilder text = new StringBuilder()
        .append(lost).append(" lost").append(perReadBack(f.readBacks(), ReadBack::lost)).append(", ")
        .append(duplicated).append(" duplicated").append(perReadBack(f.readBacks(), ReadBack::duplicated))
        .append(f.readBacks().size() > 1 ? " (warm and cold read-backs)" : " (warm read-back only)");
    long unreadable = most(f.readBacks(), ReadBack::unreadableTimelines);
    long unresolved = most(f.readBacks(), ReadBack::unresolvedPosts);
    List<String> unchecked = new ArrayList<>();
    if (unreadable > 0) unchecked.add(unreadable + " timelines unreadable");
    if (unresolved > 0) unchecked.add(unresolved + " posts unresolved");
    if (!unchecked.isEmpty()) text.append("; not all checked: ").append(String.join(", ", unchecked));
    Tone tone = lost > 0 || duplicated > 0 ? Tone.fail : unchecked.isEmpty() ? Tone.pass : Tone.warn;
    return new Part("Data", tone, text.toString());
  }

  private static String faultLine(Fault fault) {
    return fault.label() + ", " + seconds1(fault.fromMs()) + " → " + (fault.ended() ? seconds1(fault.toMs()) : "end of run") + ": "
        + (fault.failedSeconds() > 0 ? "a failure of " + plain(fault.failedSeconds()) + " s" : "tolerated");
  }

  /** "crash node 2", "partition nodes 1, 2", "journal-stop". */
  static String label(String verb, List<Integer> nodes) {
    if (nodes.isEmpty()) return verb;
    return verb + (nodes.size() == 1 ? " node " : " nodes ") + nodes.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static long most(List<ReadBack> reads, ToLongFunction<ReadBack> count) {
    return reads.stream().mapToLong(count).max().orElse(0);
  }

  /** " (warm 0, cold 1)" when the read-backs disagree, else nothing. */
  private static String perReadBack(List<ReadBack> reads, ToLongFunction<ReadBack> count) {
    if (reads.stream().mapToLong(count).distinct().count() <= 1) return "";
    return reads.stream().map(r -> r.name() + " " + count.applyAsLong(r)).collect(Collectors.joining(", ", " (", ")"));
  }

  private static String named(List<String> names, int max) {
    String shown = String.join(", ", names.subList(0, Math.min(max, names.size())));
    return names.size() > max ? shown + " and " + (names.size() - max) + " more" : shown;
  }

  private static String seconds(long windows, double windowMs) {
    return plain(windows * windowMs / 1000);
  }

  private static String seconds1(double ms) {
    return String.format(Locale.ROOT, "%.1f s", ms / 1000);
  }

  private static String plain(double value) {
    return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  private static JsonNode field(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) throw new IllegalArgumentException("no " + name);
    return value;
  }

  /** The field {@code name}, which must be {@code what} (its type as an error says it). */
  private static JsonNode typed(JsonNode node, String name, java.util.function.Predicate<JsonNode> is, String what) {
    JsonNode value = field(node, name);
    if (!is.test(value)) throw new IllegalArgumentException(name + " is not " + what);
    return value;
  }

  private static double number(JsonNode node, String name) {
    return typed(node, name, JsonNode::isNumber, "a number").asDouble();
  }

  private static boolean bool(JsonNode node, String name) {
    return typed(node, name, JsonNode::isBoolean, "true or false").asBoolean();
  }

  private static String text(JsonNode node, String name) {
    return typed(node, name, JsonNode::isTextual, "a string").asText();
  }

  private static JsonNode array(JsonNode node, String name) {
    return typed(node, name, JsonNode::isArray, "a list");
  }

  private static JsonNode object(JsonNode node, String name) {
    return typed(node, name, JsonNode::isObject, "an object");
  }
}
