package dev.timeline.lab.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpectationsTest {

  /** 1000 operations, 960 ok; 12 failed seconds. */
  private static final Summary SUMMARY = new Summary(1000, 960, 30, 10, 7, 0.96, 12, 12.0);
  /** Warm: 2 lost, 1 duplicated, 3 out of order, 4 unreadable timelines, 5 unresolved, 6 unanswered. */
  private static final DeliveryResult WARM = delivery(2, 1, 3, 4, 5, 6);
  /** Cold: nothing wrong but 1 lost. */
  private static final DeliveryResult COLD = delivery(1, 0, 0, 0, 0, 0);
  private static final SingleWriterResult ONE_INTERLEAVED = new SingleWriterResult(true, 10, 100, 3, 1, List.of("User|a: w1, w2, w1"));

  static DeliveryResult delivery(long lost, long duplicated, int outOfOrder, int unreadable, int unresolved, int unanswered) {
    return new DeliveryResult(10, 6, 0, 6 - unresolved, unresolved, 30, lost, duplicated, 0, outOfOrder, 0, unreadable, unanswered,
        List.of(), List.of(), List.of(), List.of());
  }

  private static Map<String, DeliveryResult> both() {
    Map<String, DeliveryResult> readBacks = new LinkedHashMap<>();
    readBacks.put("warm", WARM);
    readBacks.put("cold", COLD);
    return readBacks;
  }

  private static List<ExpectationResult> check(String hocon) {
    return Expectations.check(ConfigFactory.parseString(hocon), SUMMARY, both(), ONE_INTERLEAVED);
  }

  private static ExpectationResult only(String hocon) {
    List<ExpectationResult> results = Expectations.check(ConfigFactory.parseString(hocon), SUMMARY, Map.of(), ONE_INTERLEAVED);
    assertEquals(1, results.size(), results.toString());
    return results.get(0);
  }

  @Test
  void everyDeliveryKeyHoldsForEachReadBackOnItsOwn() {
    assertEquals(List.of(new ExpectationResult("lost (warm)", "at most 1", "2", false), new ExpectationResult("lost (cold)", "at most 1", "1", true)),
        check("lost = 1"));
    assertEquals(List.of(false, true), check("duplicated = 0").stream().map(ExpectationResult::holds).toList());
    assertEquals(List.of(true, true), check("duplicated = 1").stream().map(ExpectationResult::holds).toList());
    assertEquals(List.of(false, true), check("out-of-order = 2").stream().map(ExpectationResult::holds).toList());
    assertEquals(List.of(false, true), check("unreadable-timelines = 3").stream().map(ExpectationResult::holds).toList());
    assertEquals(List.of(false, true), check("unresolved-posts = 4").stream().map(ExpectationResult::holds).toList());
    assertEquals(List.of(false, true), check("unanswered-reads = 5").stream().map(ExpectationResult::holds).toList());
    assertEquals(List.of(true, true), check("unanswered-reads = 6").stream().map(ExpectationResult::holds).toList());
  }

  @Test
  void aColdReadBackThatLostWhatTheWarmOneFoundFails() {
    Map<String, DeliveryResult> readBacks = new LinkedHashMap<>();
    readBacks.put("warm", delivery(0, 0, 0, 0, 0, 0));
    readBacks.put("cold", COLD);

    List<ExpectationResult> results = Expectations.check(ConfigFactory.parseString("lost = 0"), SUMMARY, readBacks, ONE_INTERLEAVED);

    assertEquals(List.of(true, false), results.stream().map(ExpectationResult::holds).toList());
  }

  @Test
  void aDeliveryExpectationWithNothingReadBackFails() {
    assertEquals(new ExpectationResult("lost", "at most 0", "nothing read back", false), only("lost = 0"));
  }

  @Test
  void interleavedWriters() {
    assertEquals(new ExpectationResult("interleaved-writers", "at most 0", "1", false), only("interleaved-writers = 0"));
    assertTrue(only("interleaved-writers = 1").holds());
  }

  @Test
  void writersThatWereNotReadOrAnEmptyJournalFailTheWriterCheck() {
    assertEquals(new ExpectationResult("interleaved-writers", "at most 0", "journal writers not read", false),
        Expectations.check(ConfigFactory.parseString("interleaved-writers = 0"), SUMMARY, both(), SingleWriter.check(null)).get(0));
    SingleWriterResult empty = new SingleWriterResult(true, 0, 0, 0, 0, List.of());
    assertFalse(Expectations.check(ConfigFactory.parseString("interleaved-writers = 0"), SUMMARY, both(), empty).get(0).holds());
  }

  @Test
  void maxFailedSeconds() {
    assertEquals(new ExpectationResult("max-failed-seconds", "at most 10 s", "12 s", false), only("max-failed-seconds = 10"));
    assertEquals(new ExpectationResult("max-failed-seconds", "at most 12.5 s", "12 s", true), only("max-failed-seconds = 12.5"));
  }

  @Test
  void minFailedSeconds() {
    assertEquals(new ExpectationResult("min-failed-seconds", "at least 15 s", "12 s", false), only("min-failed-seconds = 15"));
    assertTrue(only("min-failed-seconds = 12").holds());
  }

  @Test
  void minSuccessRatio() {
    assertEquals(new ExpectationResult("min-success-ratio", "at least 0.95", "0.96", true), only("min-success-ratio = 0.95"));
    assertEquals(new ExpectationResult("min-success-ratio", "at least 0.97", "0.96", false), only("min-success-ratio = 0.97"));
  }

  @Test
  void aRunWithoutOperationsHasNoSuccessRatioToMeet() {
    Summary empty = new Summary(0, 0, 0, 0, 0, null, 0, 0);

    ExpectationResult result = Expectations.check(ConfigFactory.parseString("min-success-ratio = 0"), empty, both(), ONE_INTERLEAVED).get(0);

    assertEquals(new ExpectationResult("min-success-ratio", "at least 0", "no operations", false), result);
  }

  @Test
  void everyKeyIsOptionalAndNullUnsetsOne() {
    List<ExpectationResult> results = check(
        "min-success-ratio = 0.9, lost = null, out-of-order = 0, duplicated = 1, max-failed-seconds = 20, interleaved-writers = 1");

    assertEquals(List.of("duplicated (warm)", "duplicated (cold)", "out-of-order (warm)", "out-of-order (cold)", "interleaved-writers",
            "max-failed-seconds", "min-success-ratio"),
        results.stream().map(ExpectationResult::name).toList());
    assertTrue(check("").isEmpty());
  }

  @Test
  void anUnknownKeyIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> check("max-failed-second = 10"));
    assertTrue(e.getMessage().contains("max-failed-second"), e.getMessage());
  }
}
