package dev.timeline.lab.report;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report and the comparison page render their charts in a real browser. */
class HtmlReportBrowserTest {

  @TempDir
  Path dir;

  @Test
  void aReportDrawsItsThreeCharts() throws Exception {
    Path page = dir.resolve("report.html");
    HtmlReport.write(SampleRun.report("naive"), page);

    HeadlessChromium.assertCharts(HtmlReport.CHARTS_PER_REPORT, page, dir);
  }

  @Test
  void aComparisonDrawsThreeChartsPerReport() throws Exception {
    Path page = dir.resolve("comparison.html");
    HtmlReport.writeComparison(List.of(SampleRun.report("resilient"), SampleRun.report("naive")), page);

    HeadlessChromium.assertCharts(2 * HtmlReport.CHARTS_PER_REPORT, page, dir);
  }
}
