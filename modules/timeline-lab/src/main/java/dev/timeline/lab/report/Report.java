package dev.timeline.lab.report;

import com.typesafe.config.Config;
import dev.timeline.lab.check.Delivery;
import dev.timeline.lab.check.DeliveryResult;
import dev.timeline.lab.check.ExpectationResult;
import dev.timeline.lab.check.Expectations;
import dev.timeline.lab.check.FaultVerdict;
import dev.timeline.lab.check.FaultVerdicts;
import dev.timeline.lab.check.LagStats;
import dev.timeline.lab.check.OpStats;
import dev.timeline.lab.check.SingleWriter;
import dev.timeline.lab.check.SingleWriterResult;
import dev.timeline.lab.check.Slo;
import dev.timeline.lab.check.StrategyCost;
import dev.timeline.lab.check.Summary;
import dev.timeline.lab.check.Window;
import dev.timeline.lab.check.Windows;
import dev.timeline.lab.history.FaultRecord;
import dev.timeline.lab.history.FinalState;
import dev.timeline.lab.history.JournalWriters;
import dev.timeline.lab.history.LagSample;
import dev.timeline.lab.history.Op;
import dev.timeline.lab.history.OpType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an experiment found, as written to report.json and drawn in report.html.
 *
 * @param startedIso   wall-clock start of the measured run, ISO-8601; every other time is
 *                     milliseconds since then
 * @param totals       per operation type, over the whole run
 * @param delivery     the delivery check against the warm read-back (faults undone, settled)
 * @param coldDelivery the delivery check against the read-back after a cold restart of the whole
 *                     cluster from the journal; null when there was none
 * @param writers      the single-writer check of the journal
 * @param passed       whether every expectation holds (true when there is none)
 * @param cost         what the fan-out strategy cost, from the nodes' /metrics; null when not read
 * @param settings     the experiment's settings as the runner chose to record them (JSON-friendly
 *                     values: strings, numbers, booleans, lists, maps, null)
 */
public record Report(
    String name,
    String profile,
    String description,
    String startedIso,
    double durationMs,
    Slo slo,
    Map<OpType, OpStats> totals,
    LagStats lag,
    List<Window> windows,
    List<FaultVerdict> faults,
    DeliveryResult delivery,
    DeliveryResult coldDelivery,
    SingleWriterResult writers,
    List<ExpectationResult> expectations,
    boolean passed,
    Summary summary,
    StrategyCost cost,
    Map<String, Object> settings) {

  public Report {
    windows = List.copyOf(windows);
    faults = List.copyOf(faults);
    expectations = List.copyOf(expectations);
    // Not Map.copyOf: settings may hold nulls (an unset file) and their order is the reader's.
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /**
   * Runs every checker over a finished run's history and what was read back: {@code warm} after
   * the settle period, {@code cold} after a cold restart (null if none was made), {@code writers}
   * the journal's writer runs (null if they could not be read).
   */
  public static Report build(String name, String profile, String description, String startedIso, double durationMs,
      Slo slo, List<Op> history, List<LagSample> lags, List<FaultRecord> faults, FinalState warm, FinalState cold,
      JournalWriters writers, StrategyCost cost, Config expect, Map<String, Object> settings) {
    List<Window> windows = Windows.of(history, lags, slo, durationMs);
    Map<String, DeliveryResult> readBacks = new LinkedHashMap<>();
    readBacks.put("warm", Delivery.check(history, warm));
    if (cold != null) readBacks.put("cold", Delivery.check(history, cold));
    boolean dataLost = readBacks.values().stream().anyMatch(d -> d.lost() > 0);
    List<FaultVerdict> verdicts = FaultVerdicts.of(faults, history, windows, dataLost, durationMs, slo);
    Summary summary = Summary.of(history, windows, slo);
    SingleWriterResult singleWriter = SingleWriter.check(writers);
    List<ExpectationResult> expectations = Expectations.check(expect, summary, readBacks, singleWriter);
    boolean passed = expectations.stream().allMatch(ExpectationResult::holds);
    return new Report(name, profile, description, startedIso, durationMs, slo, totals(history), LagStats.of(lags),
        windows, verdicts, readBacks.get("warm"), readBacks.get("cold"), singleWriter, expectations, passed, summary, cost, settings);
  }

  private static Map<OpType, OpStats> totals(List<Op> history) {
    Map<OpType, List<Op>> byType = new EnumMap<>(OpType.class);
    for (OpType type : OpType.values()) {
      byType.put(type, new ArrayList<>());
    }
    history.forEach(op -> byType.get(op.type()).add(op));
    Map<OpType, OpStats> totals = new EnumMap<>(OpType.class);
    byType.forEach((type, ops) -> totals.put(type, OpStats.of(ops)));
    return Collections.unmodifiableMap(totals);
  }
}
