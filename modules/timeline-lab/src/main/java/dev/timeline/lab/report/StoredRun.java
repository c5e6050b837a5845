package dev.timeline.lab.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.timeline.lab.check.Slo;
import dev.timeline.lab.check.StrategyCost;
import dev.timeline.lab.history.FaultRecord;
import dev.timeline.lab.history.FinalState;
import dev.timeline.lab.history.JournalWriters;
import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OwnTweet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the checkers read of a finished run, besides its history: stored in the run's
 * directory as {@value #FILE} next to {@code history.jsonl}, so that {@code scripts/experiment
 * --analyze DIR} can run the checkers again and rebuild the report, as Jepsen's analyze does.
 * The run itself builds its report from the same stored form.
 *
 * @param expect      the experiment's {@code expect} block, as JSON
 * @param followersOf the run's follow graph (user -> followers), once for both read-backs
 * @param warm        the read-back after the settle period
 * @param cold        the read-back after the cold restart; null when there was none
 * @param writers     the journal's writer runs; null when they could not be read
 * @param cost        the strategy's cost from the nodes' counters; null when not read
 */
public record StoredRun(String name, String profile, String description, String startedIso, double durationMs, Slo slo,
                        String expect, List<LagSample> lags, List<FaultRecord> faults, Map<String, List<String>> followersOf,
                        ReadBack warm, ReadBack cold, JournalWriters writers, StrategyCost cost, Map<String, Object> settings) {
  public static final String FILE = "checked.json";
  public static final String HISTORY = "history.jsonl";

  /** A {@link FinalState} without the follow graph, which both read-backs share. */
  public record ReadBack(Map<String, List<String>> homeTimelines, Map<String, List<OwnTweet>> userTimelines,
                         int homeTimelineLimit, int userTimelineLimit, List<String> unansweredReads) {
    static ReadBack of(FinalState s) {
      return s == null ? null
          : new ReadBack(s.homeTimelines(), s.userTimelines(), s.homeTimelineLimit(), s.userTimelineLimit(), s.unansweredReads());
    }

    FinalState state(Map<String, List<String>> followersOf) {
      return new FinalState(followersOf, homeTimelines, userTimelines, homeTimelineLimit, userTimelineLimit, unansweredReads);
    }
  }

  public static StoredRun of(String name, String profile, String description, String startedIso, double durationMs, Slo slo,
      Config expect, List<LagSample> lags, List<FaultRecord> faults, FinalState warm, FinalState cold, JournalWriters writers,
      StrategyCost cost, Map<String, Object> settings) {
    return new StoredRun(name, profile, description, startedIso, durationMs, slo, expect.root().render(ConfigRenderOptions.concise()),
        lags, faults, warm.followersOf(), ReadBack.of(warm), ReadBack.of(cold), writers, cost, settings);
  }

  /** Runs every checker over {@code history} and what this run read back. */
  public Report report(List<Op> history) {
    return Report.build(name, profile, description, startedIso, durationMs, slo, history, lags, faults, warm.state(followersOf),
        cold == null ? null : cold.state(followersOf), writers, cost, ConfigFactory.parseString(expect), settings);
  }

  /** Runs every checker over {@code history} and what this run read back; writes report.json and report.html into {@code dir}. */
  public Report writeReport(Path dir, List<Op> history) {
    Report report = report(history);
    ReportWriter.writeJson(report, dir.resolve("report.json"));
    HtmlReport.write(report, dir.resolve("report.html"));
    return report;
  }

  /** The checkers run again over the run stored in {@code dir}, its report rebuilt there. */
  public static Report analyze(Path dir) {
    return read(dir).writeReport(dir, history(dir));
  }

  /** Writes {@value #FILE} and {@value #HISTORY} into {@code dir}. */
  public void write(Path dir, List<Op> history) {
    ReportWriter.writeJson(this, dir.resolve(FILE));
    ReportWriter.writeHistory(history, dir.resolve(HISTORY));
  }

  /** The stored run in {@code dir}; throws naming the file that is missing or unreadable. */
  public static StoredRun read(Path dir) {
    return ReportWriter.readJson(dir.resolve(FILE), StoredRun.class);
  }

  /** {@value #HISTORY} of {@code dir}, in its order. */
  public static List<Op> history(Path dir) {
    Path file = dir.resolve(HISTORY);
    try (var lines = Files.lines(file)) {
      return lines.filter(l -> !l.isBlank()).map(l -> ReportWriter.parse(l, Op.class, file)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
  }
}
