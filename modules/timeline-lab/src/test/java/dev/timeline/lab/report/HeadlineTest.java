package dev.timeline.lab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.timeline.lab.report.Headline.Fault;
import dev.timeline.lab.report.Headline.Facts;
import dev.timeline.lab.report.Headline.ReadBack;
import dev.timeline.lab.report.Headline.Tone;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadlineTest {

  @Test
  void aRunThatMetItsExpectationsButFailedItsUsersSaysBoth() {
    Report report = SampleRun.report("resilient");
    Headline h = Headline.of(report);

    assertTrue(report.passed(), "the sample meets its expectations: at most 5 failed seconds");
    assertEquals(Tone.pass, h.expectations().tone());
    assertEquals(Tone.fail, h.users().tone());
    assertEquals(Tone.pass, h.data().tone());
    assertEquals("Expectations: PASSED (all 5 hold) · Users: FAILED for 2 s during crash node 2 · "
        + "Data: 0 lost, 0 duplicated (warm and cold read-backs)", h.line());
    assertEquals(List.of("crash node 2, 5.0 s → 12.0 s: a failure of 2 s"), h.faults());
    String page = HtmlReport.page("t", List.of(report));
    assertTrue(page.contains("<div class=\"answer pass\" data-answer=\"expectations\"><b>Expectations:</b> PASSED (all 5 hold)</div>"));
    assertTrue(page.contains("<div class=\"answer fail\" data-answer=\"users\"><b>Users:</b> FAILED for 2 s during crash node 2</div>"));
  }

  @Test
  void aRunThatLostDataSaysSoAndWhichReadBackFoundIt() {
    Headline naive = Headline.of(SampleRun.report("naive"));
    assertEquals("Expectations: FAILED (lost (warm), lost (cold), max-failed-seconds) · Users: FAILED for 7 s during crash node 2 · "
        + "Data: 1 lost, 0 duplicated (warm and cold read-backs)", naive.line());
    assertEquals(Tone.fail, naive.data().tone());

    Headline coldOnly = Headline.of(SampleRun.report("resilient", true));
    assertEquals("1 lost (warm 0, cold 1), 0 duplicated (warm and cold read-backs)", coldOnly.data().text());
    assertEquals(Tone.fail, coldOnly.data().tone());
    assertEquals(Tone.fail, coldOnly.expectations().tone());
  }

  @Test
  void aCleanRunIsGreenThroughout() {
    Headline h = Headline.of(SampleRun.clean());

    assertEquals("Expectations: PASSED (all 5 hold) · Users: the fault was tolerated (no failed window) · "
        + "Data: 0 lost, 0 duplicated (warm and cold read-backs)", h.line());
    assertEquals(List.of(Tone.pass, Tone.pass, Tone.pass), List.of(h.expectations().tone(), h.users().tone(), h.data().tone()));
    assertEquals(List.of("crash node 2, 5.0 s → 12.0 s: tolerated"), h.faults());
  }

  @Test
  void failuresOutsideEveryFaultAreCountedApartAndManyFaultsAreCounted() {
    ReadBack clean = new ReadBack("warm", 0, 0, 0, 0);
    Fault crash = new Fault("crash node 2", 5000, 7000, true, 2, null);
    Headline one = Headline.of(new Facts(true, List.of(), List.of(), List.of(crash), List.of(0.0, 5000.0, 6000.0), 1000, List.of(clean)));
    assertEquals("FAILED for 2 s during crash node 2, 1 s outside any fault", one.users().text());
    assertEquals("PASSED (none set)", one.expectations().text());
    assertEquals("0 lost, 0 duplicated (warm read-back only)", one.data().text());

    List<Fault> storm = List.of(new Fault("pause node 1", 0, 1500, true, 2, null), new Fault("pause node 1", 3000, 4500, true, 2, null),
        new Fault("pause node 1", 6000, 7500, true, 2, null), new Fault("pause node 1", 9000, 10_500, true, 1, null),
        new Fault("pause node 1", 12_000, 13_500, false, 0, null));
    Headline many = Headline.of(new Facts(true, List.of(), List.of(), storm, List.of(0.0, 1000.0, 3000.0, 4000.0, 6000.0, 7000.0, 10_000.0),
        1000, List.of(clean)));
    assertEquals("FAILED for 7 s during 4 of 5 faults", many.users().text());
    assertEquals("pause node 1, 12.0 s → end of run: tolerated", many.faults().get(4));
  }

  @Test
  void theFailedSecondsRightAfterAFaultThatFailedOnAreTheFaults() {
    ReadBack clean = new ReadBack("warm", 0, 0, 0, 0);
    List<Double> failed = List.of(5000.0, 6000.0, 7000.0, 8000.0, 9000.0, 12_000.0);
    Fault crashAll = new Fault("crash-all", 5000, 7000, true, 5, 10_000.0);
    Headline h = Headline.of(new Facts(true, List.of(), List.of(), List.of(crashAll), failed, 1000, List.of(clean)));
    assertEquals("FAILED for 5 s during crash-all, 1 s outside any fault", h.users().text());

    // A report from before failures were followed past their fault's end: only the interval.
    Fault old = new Fault("crash-all", 5000, 7000, true, 3, null);
    Headline before = Headline.of(new Facts(true, List.of(), List.of(), List.of(old), failed, 1000, List.of(clean)));
    assertEquals("FAILED for 3 s during crash-all, 3 s outside any fault", before.users().text());
  }

  @Test
  void timelinesThatCouldNotBeCheckedMakeTheDataAnswerAWarning() {
    Facts f = new Facts(true, List.of(), List.of(), List.of(), List.of(), 1000,
        List.of(new ReadBack("warm", 0, 0, 0, 0), new ReadBack("cold", 0, 0, 4, 1)));
    Headline h = Headline.of(f);

    assertEquals(Tone.warn, h.data().tone());
    assertEquals("0 lost, 0 duplicated (warm and cold read-backs); not all checked: 4 timelines unreadable, 1 posts unresolved",
        h.data().text());
    assertEquals("served throughout (no failed window)", h.users().text());
  }

  /** The index reads report.json: it must say what the report says. */
  @Test
  void readFromReportJsonItIsTheSameHeadline() {
    for (Report report : List.of(SampleRun.report("resilient"), SampleRun.report("naive"), SampleRun.report("resilient", true),
        SampleRun.clean())) {
      JsonNode json = ReportWriter.MAPPER.valueToTree(report);
      assertEquals(Headline.of(report), Headline.of(Facts.of(json)), report.profile());
    }
  }

  @Test
  void aReportJsonWithoutAFieldIsRefusedNamingIt() {
    ObjectNode json = ReportWriter.MAPPER.valueToTree(SampleRun.report("resilient"));
    json.remove("passed");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Facts.of(json));
    assertEquals("no passed", e.getMessage());
  }
}
