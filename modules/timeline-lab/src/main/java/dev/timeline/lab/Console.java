package dev.timeline.lab;

import dev.timeline.lab.check.DeliveryResult;
import dev.timeline.lab.check.ExpectationResult;
import dev.timeline.lab.check.FaultVerdict;
import dev.timeline.lab.report.Report;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The lab's one way to the terminal: what it is doing and what it found on stdout, errors on
 * stderr. Every line of the lab's commands goes through here, so that their format (and where
 * they go) is decided in one place; scripts and tests read some of these lines, so their text is
 * kept as it is.
 */
public final class Console {
  private Console() {}

  /** A line on stdout. */
  public static void println(String line) {
    System.out.println(line);
  }

  /** An empty line on stdout: before a section (a verdict table, a nemesis command). */
  public static void println() {
    System.out.println();
  }

  /** Formatted text on stdout, {@link String#format} style; {@code %n} ends a line. */
  public static void printf(String format, Object... args) {
    System.out.printf(format, args);
  }

  /** Formatted in {@code locale} (Locale.ROOT: a decimal point whatever the machine's). */
  public static void printf(Locale locale, String format, Object... args) {
    System.out.printf(locale, format, args);
  }

  /**
   * A progress line of a step under way (import, load), indented under the step's own line;
   * formatted in {@code Locale.ROOT}, so that scripts read one decimal point.
   */
  public static void progress(String format, Object... args) {
    System.out.printf(Locale.ROOT, "  " + format + "%n", args);
  }

  /** An error, on stderr. */
  public static void error(String line) {
    System.err.println(line);
  }

  /** An error and where it came from, on stderr: a run that broke. */
  public static void error(String line, Throwable cause) {
    System.err.println(line);
    cause.printStackTrace();
  }

  // ---- the verdict table a run ends with ----------------------------------------------------

  static void printVerdict(Report report, Path results) {
    println();
    printf("== %s (%s profile) ==%n", report.name(), report.profile());
    printf("%-22s %8s %9s %8s %14s %9s  %s%n", "FAULT", "AT", "DETECTED", "DOWNED", "SERVED AGAIN", "FAILED", "VERDICT");
    for (FaultVerdict f : report.faults())
      printf("%-22s %7.1fs %9s %8s %14s %8.0fs  %s%n",
          f.verb() + (f.nodes().isEmpty() ? "" : " " + f.nodes()), f.injectedMs() / 1000,
          after(f.injectedMs(), f.detectedMs()), after(f.injectedMs(), f.downedMs()),
          f.servedAgainAfterMs() == null ? "-" : String.format("+%.1fs", f.servedAgainAfterMs() / 1000),
          f.failedSeconds(), f.verdict());
    delivery("warm", report.delivery());
    if (report.coldDelivery() != null) delivery("cold restart", report.coldDelivery());
    var w = report.writers();
    println(!w.read() ? "one incarnation per user: journal writers not read, not checked"
        : String.format("one incarnation per user: %d persistence ids, %d events, %d handed over, %d written by two incarnations at once%s",
            w.persistenceIds(), w.events(), w.severalWriters(), w.interleaved(), w.interleavedExamples().isEmpty() ? "" : " " + w.interleavedExamples()));
    var s = report.summary();
    var c = report.cost();
    printf("strategy cost: %s timeline writes per post, %s entities asked per home read; partial home reads %d%n",
        c == null || c.writesPerPost() == null ? "-" : String.format("%.2f", c.writesPerPost()),
        c == null || c.entitiesPerRead() == null ? "-" : String.format("%.2f", c.entitiesPerRead()), s.partialReads());
    for (ExpectationResult e : report.expectations())
      printf("  %-4s %s: expected %s, was %s%n", e.holds() ? "ok" : "FAIL", e.name(), e.expected(), e.actual());
    println((report.passed() ? "PASSED" : "FAILED") + ": report " + results.resolve("report.html"));
  }

  /** One read-back's delivery check in a line, then a few examples of what went wrong. */
  private static void delivery(String readBack, DeliveryResult d) {
    printf("delivery (%s): %d acknowledged posts, %d unknown (%d appeared, %d not, %d unresolved), %d deliveries checked:"
            + " lost %d, duplicated %d, out of order %d, unreadable timelines %d, unanswered reads %d%n",
        readBack, d.ackedPosts(), d.infoPosts(), d.infoAppeared(), d.infoNotAppeared(), d.unresolvedPosts(), d.expectedDeliveries(),
        d.lost(), d.duplicated(), d.outOfOrderTimelines(), d.unreadableTimelines(), d.unansweredReads());
    for (List<String> examples : List.of(d.lostExamples(), d.duplicateExamples(), d.unresolvedExamples(), d.unansweredExamples()))
      examples.stream().limit(3).forEach(e -> println("    " + e));
  }

  private static String after(double injectedMs, Double atMs) {
    return atMs == null ? "-" : String.format("+%.1fs", (atMs - injectedMs) / 1000);
  }
}
