package dev.timeline.lab;

import dev.timeline.lab.check.DeliveryResult;
import dev.timeline.lab.check.ExpectationResult;
import dev.timeline.lab.check.FaultVerdict;
import dev.timeline.lab.report.Report;
import java.nio.file.Path;
import java.util.List;

/** The verdict table a run ends with on the console. */
final class Console {
  private Console() {}

  static void printVerdict(Report report, Path results) {
    System.out.println();
    System.out.printf("== %s (%s profile) ==%n", report.name(), report.profile());
    System.out.printf("%-22s %8s %9s %8s %14s %9s  %s%n", "FAULT", "AT", "DETECTED", "DOWNED", "SERVED AGAIN", "FAILED", "VERDICT");
    for (FaultVerdict f : report.faults())
      System.out.printf("%-22s %7.1fs %9s %8s %14s %8.0fs  %s%n",
          f.verb() + (f.nodes().isEmpty() ? "" : " " + f.nodes()), f.injectedMs() / 1000,
          after(f.injectedMs(), f.detectedMs()), after(f.injectedMs(), f.downedMs()),
          f.servedAgainAfterMs() == null ? "-" : String.format("+%.1fs", f.servedAgainAfterMs() / 1000),
          f.failedSeconds(), f.verdict());
    delivery("warm", report.delivery());
    if (report.coldDelivery() != null) delivery("cold restart", report.coldDelivery());
    var w = report.writers();
    System.out.println(!w.read() ? "one incarnation per user: journal writers not read, not checked"
        : String.format("one incarnation per user: %d persistence ids, %d events, %d handed over, %d written by two incarnations at once%s",
            w.persistenceIds(), w.events(), w.severalWriters(), w.interleaved(), w.interleavedExamples().isEmpty() ? "" : " " + w.interleavedExamples()));
    var s = report.summary();
    var c = report.cost();
    System.out.printf("strategy cost: %s timeline writes per post, %s entities asked per home read; partial home reads %d%n",
        c == null || c.writesPerPost() == null ? "-" : String.format("%.2f", c.writesPerPost()),
        c == null || c.entitiesPerRead() == null ? "-" : String.format("%.2f", c.entitiesPerRead()), s.partialReads());
    for (ExpectationResult e : report.expectations())
      System.out.printf("  %-4s %s: expected %s, was %s%n", e.holds() ? "ok" : "FAIL", e.name(), e.expected(), e.actual());
    System.out.println((report.passed() ? "PASSED" : "FAILED") + ": report " + results.resolve("report.html"));
  }

  /** One read-back's delivery check in a line, then a few examples of what went wrong. */
  private static void delivery(String readBack, DeliveryResult d) {
    System.out.printf("delivery (%s): %d acknowledged posts, %d unknown (%d appeared, %d not, %d unresolved), %d deliveries checked:"
            + " lost %d, duplicated %d, out of order %d, unreadable timelines %d, unanswered reads %d%n",
        readBack, d.ackedPosts(), d.infoPosts(), d.infoAppeared(), d.infoNotAppeared(), d.unresolvedPosts(), d.expectedDeliveries(),
        d.lost(), d.duplicated(), d.outOfOrderTimelines(), d.unreadableTimelines(), d.unansweredReads());
    for (List<String> examples : List.of(d.lostExamples(), d.duplicateExamples(), d.unresolvedExamples(), d.unansweredExamples()))
      examples.stream().limit(3).forEach(e -> System.out.println("    " + e));
  }

  private static String after(double injectedMs, Double atMs) {
    return atMs == null ? "-" : String.format("+%.1fs", (atMs - injectedMs) / 1000);
  }
}
