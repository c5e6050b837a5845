package dev.timeline.lab.sweep;

import dev.timeline.lab.history.OpType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** sweep.csv: one row per point, the parameters first, empty cells where there is no value. */
public final class SweepCsv {
  private SweepCsv() {}

  public static String render(SweepResult r) {
    List<String> header = new ArrayList<>();
    if (r.seriesKey() != null) header.add(r.seriesKey());
    header.add(r.xKey());
    header.addAll(List.of("offered_rate", "achieved_rate"));
    for (OpType t : OpType.values())
      for (String f : List.of("count", "ok", "p50_ms", "p99_ms", "p999_ms")) header.add(t + "_" + f);
    header.addAll(List.of("partial_reads", "writes_per_post", "entities_per_read", "lag_p50_ms", "lag_p99_ms", "saturated", "why"));
    StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
    for (SweepPoint p : r.points()) {
      List<String> row = new ArrayList<>();
      if (r.seriesKey() != null) row.add(cell(p.series()));
      row.add(cell(p.x()));
      row.add(num(p.offeredRate()));
      row.add(num(p.achievedRate()));
      for (OpType t : OpType.values()) {
        OpSummary s = p.ops().get(t);
        if (s == null) row.addAll(List.of("", "", "", "", ""));
        else row.addAll(List.of(String.valueOf(s.count()), String.valueOf(s.ok()), num(s.p50Ms()), num(s.p99Ms()), num(s.p999Ms())));
      }
      row.add(String.valueOf(p.partialReads()));
      row.add(num(p.writesPerPost()));
      row.add(num(p.entitiesPerRead()));
      row.add(num(p.lagP50Ms()));
      row.add(num(p.lagP99Ms()));
      row.add(String.valueOf(p.saturated()));
      row.add(cell(String.join("; ", p.why())));
      csv.append(String.join(",", row)).append('\n');
    }
    return csv.toString();
  }

  public static void write(SweepResult r, Path file) {
    try {
      Files.writeString(file, render(r), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
  }

  private static String num(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.3f", v);
  }

  /** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
  static String cell(String v) {
    if (v == null) return "";
    return v.matches("(?s).*[\",\\r\\n].*") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }
}
