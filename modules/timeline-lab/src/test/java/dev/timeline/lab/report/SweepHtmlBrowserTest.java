package dev.timeline.lab.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timeline.lab.sweep.SweepResults;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sweep.html draws every chart in a real browser, on a numeric and on a categorical x axis. */
class SweepHtmlBrowserTest {
  @TempDir Path dir;

  @Test
  void aSweepPageDrawsItsChartsUnderItsQuestion() throws Exception {
    Path page = dir.resolve("sweep.html");
    SweepHtml.write(SweepResults.sample(true), page);
    String html = Files.readString(page);
    assertTrue(html.contains("<h1>How does latency grow with the rate? &lt;b&gt;not bold&lt;/b&gt;</h1>"), "the question, escaped");
    assertFalse(html.contains("</script>\","), "no data can end its script element");
    assertTrue(html.contains("saturated: post p99 2400 ms"), "the saturated point is in the table");
    HeadlessChromium.assertCharts(SweepHtml.CHARTS, page, dir);
  }

  @Test
  void categoriesOnXWork() throws Exception {
    Path page = dir.resolve("categories.html");
    SweepHtml.write(SweepResults.sample(false), page);
    HeadlessChromium.assertCharts(SweepHtml.CHARTS, page, dir);
  }
}
