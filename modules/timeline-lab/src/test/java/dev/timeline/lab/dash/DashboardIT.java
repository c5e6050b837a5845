package dev.timeline.lab.dash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in a real browser over a real cluster: a 3-node cluster of scripts/cluster (fault
 * injection on, as it starts them) with the dashboard that {@code start} starts, headless Debian
 * chromium through Debian's chromedriver. The page loads without console errors, its charts
 * (fan-out lag included) move under the load button's traffic, and a click on node 2's crash
 * button shades the crash on the charts at once and makes node 2 crashed, then unreachable and
 * downed in the survivors' views, failed seconds are marked, and its shards come up on the
 * survivors; stop all stops the dashboard.
 * Saves target/dashboard-crash.png (node 2 unreachable) and target/dashboard-failover.png.
 */
class DashboardIT {
  static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  static final Path RUN_DIR = ROOT.resolve("run/dashboard-it");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final ObjectMapper JSON = new ObjectMapper();
  /** Node 2's Artery port: members are named by address. */
  static final String NODE_2 = ":2552";
  /** About 10 s of the load button's 20 requests/s. */
  static final long STEADY_OK = 200;

  @Test
  void crashNode2FromThePage() throws Exception {
    assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
        "DashboardIT skipped: needs Debian's chromium and chromium-driver (/usr/bin/chromedriver); apt-get install chromium-driver");
    long t0 = System.nanoTime();
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ChromeDriver driver = null;
    try {
      String started = cluster("start", "--fresh", "3", "--dashboard-port", Integer.toString(port));
      String url = "http://127.0.0.1:" + port + "/";
      assertTrue(started.contains("dashboard: " + url), "scripts/cluster start starts the dashboard and prints its URL: " + started);

      driver = browser();
      driver.get(url);
      ChromeDriver page = driver;
      JsonNode first = await("the page shows 3 running nodes, each seeing 3 members Up", Duration.ofSeconds(30), () -> {
        JsonNode s = state(page);
        if (s == null || s.path("nodes").size() != 3) return null;
        for (JsonNode n : s.path("nodes"))
          if (!n.path("process").asText().equals("running") || n.path("members").size() != 3 || n.path("unreachable").size() != 0) return null;
        return s;
      });
      assertTrue(first.path("faultInjection").asBoolean(), "fault injection is on");
      assertEquals("running", driver.findElement(By.id("node-2-process")).getText());
      assertTrue(driver.findElement(By.id("crash-2")).isEnabled(), "the crash button is enabled");

      driver.findElement(By.id("load-start")).click();
      String before = chartReading(driver);
      await("a chart value changes between two reads", Duration.ofSeconds(20), () -> !chartReading(page).equals(before) ? true : null);
      await("the requests/s chart shows the load", Duration.ofSeconds(30), () -> lastRps(page) > 0 ? true : null);
      // Steady traffic before the fault, so that the charts show what the crash changed.
      await("the load is past its registrations and " + STEADY_OK + " of its requests succeeded", Duration.ofSeconds(60), () -> {
        JsonNode s = state(page);
        return s != null && s.path("load").path("phase").asText().equals("running") && s.path("load").path("ok").asLong() >= STEADY_OK ? true : null;
      });
      JsonNode spread = await("node 2 hosts shards", Duration.ofSeconds(30), () -> {
        JsonNode s = state(page);
        return s != null && shards(s, 2) > 0 && shards(s, 1) + shards(s, 3) > 0 ? s : null;
      });
      int total = shards(spread, 1) + shards(spread, 2) + shards(spread, 3);
      int onNode2 = shards(spread, 2);

      await("the fan-out lag chart shows the load's posts", Duration.ofSeconds(30), () -> ((JavascriptExecutor) page).executeScript(
          "return window.dashboard.charts.lag.data.datasets[0].data.some(v => v != null)").equals(true) ? true : null);
      assertEquals(0L, drawn(driver, "shades"), "nothing shaded before a fault");

      long crashAt = System.nanoTime();
      driver.findElement(By.id("crash-2")).click();
      await("the crash of node 2 is shaded, open, on the charts", Duration.ofSeconds(10), () ->
          !page.findElements(By.cssSelector("#shading .shade[data-kind='crash'][data-node='2'][data-open='true']")).isEmpty()
              && drawn(page, "shades") >= 1 ? true : null);
      await("node 2 shows as crashed", Duration.ofSeconds(15), () -> page.findElement(By.id("node-2-process")).getText().equals("crashed") ? true : null);
      await("the survivors see node 2 unreachable", Duration.ofSeconds(20), () -> {
        JsonNode s = state(page);
        return s != null && sees(s, 1, NODE_2, "unreachable") && sees(s, 3, NODE_2, "unreachable") ? true : null;
      });
      double unreachableAfter = (System.nanoTime() - crashAt) / 1e9;
      await("a failed second is marked", Duration.ofSeconds(20), () -> drawn(page, "failed") >= 1 ? true : null);
      screenshot(driver, "dashboard-crash.png");
      await("the survivors down node 2", Duration.ofSeconds(30), () -> {
        JsonNode s = state(page);
        return s != null && sees(s, 1, NODE_2, "downed") && sees(s, 3, NODE_2, "downed") ? true : null;
      });
      double downedAfter = (System.nanoTime() - crashAt) / 1e9;
      JsonNode moved = await("node 2's shards are on the survivors", Duration.ofSeconds(45), () -> {
        JsonNode s = state(page);
        return s != null && shards(s, 1) + shards(s, 3) >= total ? s : null;
      });
      double movedAfter = (System.nanoTime() - crashAt) / 1e9;
      screenshot(driver, "dashboard-failover.png");
      String log = driver.findElement(By.id("faultlog")).getText();
      assertTrue(log.contains("scripts/cluster crash 2") && log.contains("done"), "the fault log shows the crash: " + log);

      List<String> errors = new ArrayList<>();
      for (LogEntry e : driver.manage().logs().get(LogType.BROWSER))
        if (e.getLevel().intValue() >= Level.SEVERE.intValue()) errors.add(e.getMessage());
      assertEquals(List.of(), errors, "no console errors");
      cluster("stop", "all");
      try (java.net.Socket stillThere = new java.net.Socket("127.0.0.1", port)) {
        throw new AssertionError("stop all leaves the dashboard running on " + url);
      } catch (java.net.ConnectException stopped) {
        // as it should
      }
      System.out.printf("DashboardIT: %d shards, %d on node 2; after the click node 2 unreachable in %.1f s, downed in %.1f s, "
              + "its shards on nodes 1 and 3 in %.1f s (%s); %.0f s in all%n", total, onNode2, unreachableAfter, downedAfter, movedAfter,
          moved.path("nodes"), (System.nanoTime() - t0) / 1e9);
    } finally {
      if (driver != null) driver.quit();
      quietly("dashboard", "stop");
      quietly("stop", "all");
    }
  }

  // ---- the page -----------------------------------------------------------------------------

  static ChromeDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1500,1100");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** The feed document the page drew last, null before the first. */
  static JsonNode state(ChromeDriver driver) {
    Object json = ((JavascriptExecutor) driver).executeScript(
        "return window.dashboard && window.dashboard.state ? JSON.stringify(window.dashboard.state) : null");
    try {
      return json == null ? null : JSON.readTree(json.toString());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** What the requests/s chart drew last: fault intervals ("shades") or failed seconds ("failed"). */
  static long drawn(ChromeDriver driver, String what) {
    Object n = ((JavascriptExecutor) driver).executeScript(
        "const d = window.dashboard.drawn['chart-rps']; return d ? d[arguments[0]] : -1", what);
    return ((Number) n).longValue();
  }

  /** The requests/s chart's last label and last values, as drawn. */
  static String chartReading(ChromeDriver driver) {
    return String.valueOf(((JavascriptExecutor) driver).executeScript(
        "const c = window.dashboard.charts.rps; const n = c.data.labels.length;"
            + "return n + '|' + c.data.labels[n - 1] + '|' + JSON.stringify(c.data.datasets.map(d => d.data[d.data.length - 1]));"));
  }

  static double lastRps(ChromeDriver driver) {
    Object v = ((JavascriptExecutor) driver).executeScript(
        "return window.dashboard.charts.rps.data.datasets.map(d => d.data[d.data.length - 1] || 0).reduce((a, b) => a + b, 0)");
    return ((Number) v).doubleValue();
  }

  /** User shards node i hosts, as the page has it; 0 when it does not answer. */
  static int shards(JsonNode state, int node) {
    for (JsonNode n : state.path("nodes"))
      if (n.path("index").asInt() == node) return n.path("shards").path("User").asInt(0);
    return 0;
  }

  /** Whether {@code observer} sees the member at {@code address} unreachable, or downed (Down, or removed). */
  static boolean sees(JsonNode state, int observer, String address, String what) {
    for (JsonNode n : state.path("nodes")) {
      if (n.path("index").asInt() != observer || !n.has("members")) continue;
      JsonNode member = null;
      for (JsonNode m : n.path("members")) if (m.path("address").asText().endsWith(address)) member = m;
      if (what.equals("downed")) return member == null || member.path("status").asText().equals("Down");
      for (JsonNode u : n.path("unreachable")) if (u.asText().endsWith(address)) return true;
      return false;
    }
    return false;
  }

  static void screenshot(ChromeDriver driver, String name) throws IOException {
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Polls {@code condition} every 200 ms until it returns non-null; fails with {@code what} at the deadline. */
  static <T> T await(String what, Duration timeout, Supplier<T> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T value = condition.get();
      if (value != null) return value;
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
      java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
    }
  }

  // ---- scripts/cluster ----------------------------------------------------------------------

  static String cluster(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/cluster").toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("cluster", ".out");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().put("TIMELINE_RUN_DIR", RUN_DIR.toString());
      builder.environment().remove("TIMELINE_DASHBOARD");  // the build turns it off for the other ITs
      Process p = builder.start();
      boolean done = p.waitFor(3, TimeUnit.MINUTES);
      if (!done) p.destroyForcibly().waitFor();
      String output = Files.readString(out);
      if (!done || p.exitValue() != 0) throw new AssertionError("scripts/cluster " + String.join(" ", args) + " failed:\n" + output);
      return output;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  static void quietly(String... args) {
    try {
      cluster(args);
    } catch (Exception | AssertionError e) {
      System.out.println(e.getMessage());
    }
  }
}
