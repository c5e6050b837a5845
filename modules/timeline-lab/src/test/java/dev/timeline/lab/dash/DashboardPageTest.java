package dev.timeline.lab.dash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.timeline.lab.history.OpType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The page in headless chromium over a dashboard without nodes: the clients' view is drawn (its
 * counts, its latencies, a tick on the second with failures) when an experiment feeds it, and is
 * hidden, with no chart made and no console error, when nothing does.
 */
class DashboardPageTest {
  static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  @TempDir Path runDir;

  @Test
  void drawsTheClientsViewOnlyWhenAnExperimentFeedsIt() throws Exception {
    assumeTrue(Files.isExecutable(DashboardIT.CHROMEDRIVER) && Files.isExecutable(DashboardIT.CHROMIUM),
        "needs Debian's chromium and chromium-driver");
    Supplier<ClientView> clients = () -> new ClientView(List.of(
        new ClientView.Second(1_000_000, false, 40, 0, 0, Map.of(OpType.post, new ClientView.Latency(40, 12, 30))),
        // 1 001 000 had no completion: drawn as zeros
        new ClientView.Second(1_002_000, true, 7, 3, 2, Map.of(OpType.post, new ClientView.Latency(12, 15, 3_000),
            OpType.home, new ClientView.Latency(5, 2, 4)))), 0);
    ChromeDriver driver = DashboardIT.browser();
    try (Dashboard plain = new Dashboard(ROOT, runDir, 0); Dashboard fed = new Dashboard(ROOT, runDir, 0, clients)) {
      plain.start();
      fed.start();

      driver.get("http://127.0.0.1:" + plain.port() + "/");
      awaitUpdates(driver);
      assertEquals(true, js(driver, "return document.getElementById('clients').hidden"));
      assertEquals(true, js(driver, "return window.dashboard.charts.clients === undefined"), "no chart made");

      driver.get("http://127.0.0.1:" + fed.port() + "/");
      awaitUpdates(driver);
      assertEquals(false, js(driver, "return document.getElementById('clients').hidden"));
      assertEquals("[[40,0,7],[0,0,3],[0,0,2]]", js(driver, "return JSON.stringify(window.dashboard.charts.clients.data.datasets.map(d => d.data))"));
      assertEquals("post p99: [30,null,3000]", js(driver, "const d = window.dashboard.charts.clientsLatency.data.datasets[0];"
          + "return d.label + ': ' + JSON.stringify(d.data)"));
      assertEquals(4L, js(driver, "return window.dashboard.charts.clientsLatency.data.datasets.length"), "post and home, p99 and p50");
      assertEquals(1L, js(driver, "return window.dashboard.drawn['chart-clients'].failed"), "the second with fail and info is ticked");

      List<String> errors = new ArrayList<>();
      for (LogEntry e : driver.manage().logs().get(LogType.BROWSER))
        if (e.getLevel().intValue() >= Level.SEVERE.intValue()) errors.add(e.getMessage());
      assertEquals(List.of(), errors, "no console errors");
    } finally {
      driver.quit();
    }
  }

  private static Object js(ChromeDriver driver, String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  /** Until the page has drawn two feeds. */
  private static void awaitUpdates(ChromeDriver driver) {
    DashboardIT.await("the page draws the feed", Duration.ofSeconds(20),
        () -> ((Number) js(driver, "return window.dashboard ? window.dashboard.updates : 0")).longValue() >= 2 ? true : null);
  }
}
