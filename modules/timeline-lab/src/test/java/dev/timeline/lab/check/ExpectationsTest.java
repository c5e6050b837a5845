package dev.timeline.lab.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpectationsTest {

  /** 1000 operations, 960 ok; 12 failed seconds; 2 lost, 1 duplicated, 3 timelines out of order. */
  private static final Summary SUMMARY = new Summary(1000, 960, 30, 10, 7, 0.96, 12, 12.0, 2, 1, 3);

  private static ExpectationResult only(String hocon) {
    List<ExpectationResult> results = Expectations.check(ConfigFactory.parseString(hocon), SUMMARY);
    assertEquals(1, results.size(), results.toString());
    return results.get(0);
  }

  @Test
  void lost() {
    assertEquals(new ExpectationResult("lost", "at most 0", "2", false), only("lost = 0"));
    assertEquals(new ExpectationResult("lost", "at most 2", "2", true), only("lost = 2"));
  }

  @Test
  void duplicated() {
    assertEquals(new ExpectationResult("duplicated", "at most 0", "1", false), only("duplicated = 0"));
    assertTrue(only("duplicated = 5").holds());
  }

  @Test
  void outOfOrder() {
    assertEquals(new ExpectationResult("out-of-order", "at most 0", "3", false), only("out-of-order = 0"));
    assertTrue(only("out-of-order = 3").holds());
  }

  @Test
  void maxFailedSeconds() {
    assertEquals(new ExpectationResult("max-failed-seconds", "at most 10 s", "12 s", false), only("max-failed-seconds = 10"));
    assertEquals(new ExpectationResult("max-failed-seconds", "at most 12.5 s", "12 s", true), only("max-failed-seconds = 12.5"));
  }

  @Test
  void minSuccessRatio() {
    assertEquals(new ExpectationResult("min-success-ratio", "at least 0.95", "0.96", true), only("min-success-ratio = 0.95"));
    assertEquals(new ExpectationResult("min-success-ratio", "at least 0.97", "0.96", false), only("min-success-ratio = 0.97"));
  }

  @Test
  void aRunWithoutOperationsHasNoSuccessRatioToMeet() {
    Summary empty = new Summary(0, 0, 0, 0, 0, null, 0, 0, 0, 0, 0);

    ExpectationResult result = Expectations.check(ConfigFactory.parseString("min-success-ratio = 0"), empty).get(0);

    assertEquals(new ExpectationResult("min-success-ratio", "at least 0", "no operations", false), result);
  }

  @Test
  void everyKeyIsOptionalAndNullUnsetsOne() {
    List<ExpectationResult> results = Expectations.check(ConfigFactory.parseString(
        "min-success-ratio = 0.9, lost = null, out-of-order = 0, duplicated = 1, max-failed-seconds = 20"), SUMMARY);

    assertEquals(List.of("duplicated", "out-of-order", "max-failed-seconds", "min-success-ratio"),
        results.stream().map(ExpectationResult::name).toList());
    assertTrue(Expectations.check(ConfigFactory.empty(), SUMMARY).isEmpty());
  }

  @Test
  void anUnknownKeyIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Expectations.check(ConfigFactory.parseString("max-failed-second = 10"), SUMMARY));
    assertTrue(e.getMessage().contains("max-failed-second"), e.getMessage());
  }
}
