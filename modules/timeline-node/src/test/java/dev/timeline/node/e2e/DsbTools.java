package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DeathStarBench's own client tools as the e2e tests run them, unchanged: the repository's copies
 * in {@code testdata/} (of ../shared/data; {@code -Dtimeline.it.shared-data=DIR} to point
 * elsewhere, so that a clean clone runs them), run as processes with deadlines, and what their
 * output must say. See {@link FrontDoorIT}.
 */
final class DsbTools {
  private DsbTools() {}

  static final String GRAPH = "socfb-Reed98";

  /**
   * The init script's summary (its output without the progress counts), after asserting that it
   * registered all 962 users of Reed98, made all 37,624 follows, and that only the posts of the
   * user it never registered failed.
   */
  static String assertInitLoadedReed98(Run init) {
    String summary = init.output().lines().filter(l -> !l.matches("\\d+")).reduce("", (a, b) -> a + b + "\n");
    assertTrue(!init.output().contains("ModuleNotFoundError"), "init_social_graph.py needs Debian's python3-aiohttp:\n" + brief(init.output()));
    assertEquals(0, init.exitCode(), brief(init.output()));

    List<String> sections = List.of(summary.split("(?m)^(?=Registering Users|Adding follows|Composing posts)"));
    String registering = section(sections, "Registering Users"), follows = section(sections, "Adding follows"),
        composing = section(sections, "Composing posts");
    assertEquals("Registering Users...\nSucceeded: 962\n", registering, "every registration succeeds");
    assertEquals("Adding follows...\nSucceeded: 37624\n", follows, "every follow succeeds");
    Matcher ok = Pattern.compile("(?m)^Succeeded: (\\d+)$").matcher(composing);
    assertTrue(ok.find() && Integer.parseInt(ok.group(1)) > 9000, composing);
    for (String line : composing.lines().toList())
      if (line.startsWith("Failed"))
        assertTrue(line.contains("\"not_found\"") && line.contains("user 962 is not registered"),
            "only the posts of the user DeathStarBench never registered may fail: " + line);
    return summary;
  }

  /**
   * A failed script's output, short enough that the node logs after it still show in a CI run that
   * keeps only the start and end of a test's output: its top-level lines with repeats counted
   * (hundreds of requests failing alike print one traceback each), then its first traceback.
   */
  static String brief(String output) {
    List<String> lines = output.lines().toList();
    java.util.Map<String, Integer> counted = new java.util.LinkedHashMap<>();
    for (String line : lines)
      if (!line.startsWith(" ") && !line.matches("\\d+")) counted.merge(line.replaceAll("Task-\\d+", "Task-#"), 1, Integer::sum);
    StringBuilder out = new StringBuilder();
    counted.forEach((line, n) -> out.append(n > 1 ? "(" + n + " times) " : "").append(line).append('\n'));
    int first = lines.indexOf("Traceback (most recent call last):");
    if (first >= 0) {
      out.append("the first traceback:\n").append(lines.get(first)).append('\n');
      for (int i = first + 1; i < lines.size() && lines.get(i).startsWith(" "); i++) out.append(lines.get(i)).append('\n');
    }
    return out.toString();
  }

  static String section(List<String> sections, String title) {
    return sections.stream().filter(s -> s.startsWith(title)).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + title + "' in the init script's output: " + sections));
  }

  record Run(int exitCode, String output) {}

  /** Runs {@code command} in {@code dir} (its output in a temporary file there), with a deadline. */
  static Run run(Duration timeout, Path dir, String... command) throws Exception {
    Path out = Files.createTempFile(dir, "run", ".out");
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!done) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout + ":\n" + Files.readString(out));
    }
    return new Run(process.exitValue(), Files.readString(out));
  }

  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(java.io.File.pathSeparator))
      if (Files.isExecutable(Path.of(dir, program))) return true;
    return false;
  }

  /** The repository's copy of ../shared/data (testdata/), or -Dtimeline.it.shared-data=DIR. */
  static Path sharedData() {
    Path data = Path.of(System.getProperty("timeline.it.shared-data", ClusterScript.ROOT.resolve("testdata").toString()));
    if (Files.isDirectory(data.resolve("deathstarbench")) && Files.isDirectory(data.resolve("social-graphs/" + GRAPH)))
      return data;
    throw new AssertionError("DeathStarBench's tools and " + GRAPH + " not found in " + data
        + " (deathstarbench/ and social-graphs/); set -Dtimeline.it.shared-data=DIR");
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
