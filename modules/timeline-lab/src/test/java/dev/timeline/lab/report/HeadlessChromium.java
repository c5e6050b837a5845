package dev.timeline.lab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium opens a report page, and what the page's script recorded on
 * {@code <body>} is read back: how many charts Chart.js drew, and any error. Chromium is required,
 * not optional: without it the charts would go untested.
 */
public final class HeadlessChromium {
  private HeadlessChromium() {}

  private static final long TIMEOUT_SECONDS = 90;
  private static final Pattern BODY = Pattern.compile("<body\\b[^>]*>");
  private static final Pattern CHARTS = Pattern.compile("data-charts=\"(\\d+)\"");
  private static final Pattern ERRORS = Pattern.compile("data-errors=\"([^\"]*)\"");

  /** Asserts that Chromium drew {@code expected} charts on {@code page} without a script error. */
  public static void assertCharts(int expected, Path page, Path dir) throws Exception {
    String dom = dumpDom(page, dir);
    Matcher body = BODY.matcher(dom);
    if (!body.find()) {
      fail("no <body> in Chromium's DOM dump:\n" + dom.substring(0, Math.min(2000, dom.length())));
    }
    Matcher errors = ERRORS.matcher(body.group());
    if (errors.find()) {
      fail("the page reported errors: " + errors.group(1));
    }
    Matcher charts = CHARTS.matcher(body.group());
    assertNotNull(charts.find() ? charts.group(1) : null, "no data-charts on " + body.group());
    assertEquals(expected, Integer.parseInt(charts.group(1)), body.group());
  }

  private static String dumpDom(Path page, Path dir) throws IOException, InterruptedException {
    Path profile = Files.createDirectory(dir.resolve("chromium-profile-" + page.getFileName()));
    Path out = dir.resolve(page.getFileName() + ".dom");
    Path err = dir.resolve(page.getFileName() + ".stderr");
    Process chromium = new ProcessBuilder(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom", page.toUri().toString())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    try {
      if (!chromium.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        fail("chromium did not finish within " + TIMEOUT_SECONDS + " s; stderr:\n" + Files.readString(err));
      }
      assertEquals(0, chromium.exitValue(), () -> "chromium failed; stderr:\n" + readQuietly(err));
      return Files.readString(out);
    } finally {
      // Its helper processes (zygote, renderer, GPU) first, while they can still be found.
      chromium.descendants().forEach(ProcessHandle::destroyForcibly);
      chromium.destroyForcibly();
    }
  }

  private static String chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "chromium");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    if (Files.isExecutable(Path.of("/usr/bin/chromium"))) {
      return "/usr/bin/chromium";
    }
    return fail("chromium not found (on PATH or as /usr/bin/chromium); the report's charts are tested in a real "
        + "browser: install it with `apt-get install -y chromium`");
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
