package dev.timeline.node.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * A failing end-to-end test fails with the last lines of every log its clusters wrote (nodes,
 * journal, front door), so that a failure on a machine one cannot log into still says what the
 * nodes saw: a CI run keeps only the test's message. The logs are those under the e2e run
 * directories written since the test began.
 */
final class NodeLogsOnFailure implements BeforeEachCallback, TestExecutionExceptionHandler {
  static final Path E2E = ClusterScript.ROOT.resolve("modules/timeline-node/target/e2e");
  private static final int LINES = 25;
  /**
   * Linux stamps a file with its coarse clock, up to a scheduler tick behind {@link Instant#now()}:
   * a log written just after the test began can look older than the test.
   */
  static final Duration CLOCK_SLACK = Duration.ofSeconds(1);
  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NodeLogsOnFailure.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(STORE).put("began", Instant.now());
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    Instant began = context.getStore(STORE).get("began", Instant.class);
    String logs = began == null ? "" : tails(E2E, began);
    if (logs.isEmpty()) throw failure;
    AssertionError withLogs = new AssertionError(failure.getMessage() + logs, failure);
    withLogs.setStackTrace(failure.getStackTrace());
    throw withLogs;
  }

  /** The last lines of each *.log under {@code dir} modified since {@code since}, each under its path. */
  static String tails(Path dir, Instant since) {
    if (!Files.isDirectory(dir)) return "";
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir, 2)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log") && modifiedSince(f, since)).sorted().toList()) {
        List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
        out.append("\n--- ").append(dir.relativize(log)).append(" (last ").append(Math.min(LINES, lines.size()))
            .append(" of ").append(lines.size()).append(" lines) ---\n");
        lines.subList(Math.max(0, lines.size() - LINES), lines.size()).forEach(l -> out.append(l).append('\n'));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static boolean modifiedSince(Path file, Instant since) {
    try {
      return Files.getLastModifiedTime(file).compareTo(FileTime.from(since.minus(CLOCK_SLACK))) >= 0;
    } catch (IOException gone) {
      return false;
    }
  }
}
