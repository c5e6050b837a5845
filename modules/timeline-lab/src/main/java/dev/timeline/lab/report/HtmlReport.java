package dev.timeline.lab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.timeline.lab.check.DeliveryResult;
import dev.timeline.lab.check.ExpectationResult;
import dev.timeline.lab.check.FaultVerdict;
import dev.timeline.lab.check.LagStats;
import dev.timeline.lab.check.OpStats;
import dev.timeline.lab.check.SingleWriterResult;
import dev.timeline.lab.check.Slo;
import dev.timeline.lab.check.StrategyCost;
import dev.timeline.lab.check.Summary;
import dev.timeline.lab.check.Window;
import dev.timeline.lab.history.OpType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * report.html: one file that opens from disk without a network. Chart.js (from its WebJar), the
 * drawing script, the style sheet and the report data are all inlined; the tables are plain HTML
 * written here, so they read even where scripts do not run.
 */
public final class HtmlReport {

  static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.4.7/dist/chart.umd.js";
  /** Throughput, latency, fan-out lag: what body[data-charts] counts per report. */
  public static final int CHARTS_PER_REPORT = 3;
  /** A window's p99 resting on fewer samples than this is marked: it is little more than their maximum. */
  public static final int FEW_SAMPLES = 20;

  /** Before Chart.js, so that an error while loading it is recorded too. */
  static final String ERROR_HOOK = """
      window.labError = (message) => {
        const body = document.body;
        body.dataset.errors = body.dataset.errors ? body.dataset.errors + ' | ' + message : String(message);
      };
      window.onerror = (message, source, line) => { labError(message + (line ? ' (line ' + line + ')' : '')); };
      """;

  private HtmlReport() {}

  public static void write(Report report, Path file) {
    write(file, report.name() + " (" + report.profile() + ")", List.of(report));
  }

  /** Several reports side by side, one column each, e.g. one experiment under two profiles. */
  public static void writeComparison(List<Report> reports, Path file) {
    if (reports.isEmpty()) {
      throw new IllegalArgumentException("nothing to compare");
    }
    String title = reports.stream().map(r -> r.name() + " (" + r.profile() + ")").collect(Collectors.joining(" vs "));
    write(file, title, reports);
  }

  private static void write(Path file, String title, List<Report> reports) {
    try {
      Files.writeString(file, page(title, reports), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
  }

  static String page(String title, List<Report> reports) {
    StringBuilder html = new StringBuilder(512 * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(escape(title)).append("</title>\n")
        .append("<style>\n").append(resource("report.css")).append("</style>\n</head>\n<body data-few-samples=\"")
        .append(FEW_SAMPLES).append("\">\n")
        .append("<h1>").append(escape(title)).append("</h1>\n")
        .append("<div class=\"columns\" style=\"grid-template-columns: repeat(").append(reports.size())
        .append(", minmax(0, 1fr))\">\n");
    for (int i = 0; i < reports.size(); i++) {
      section(html, reports.get(i), i);
    }
    html.append("</div>\n")
        .append("<script>\n").append(ERROR_HOOK).append("</script>\n")
        .append("<script>\n").append(chartJs()).append("\n</script>\n")
        .append("<script type=\"application/json\" id=\"report-data\">").append(json(reports)).append("</script>\n")
        .append("<script>\n").append(resource("report.js")).append("</script>\n")
        .append("</body>\n</html>\n");
    return html.toString();
  }

  private static void section(StringBuilder html, Report r, int index) {
    html.append("<section class=\"report\" data-report=\"").append(index).append("\">\n")
        .append("<h2>").append(escape(r.name())).append(" <span class=\"profile\">").append(escape(r.profile()))
        .append("</span></h2>\n");
    headline(html, Headline.of(r));
    if (r.description() != null && !r.description().isBlank()) {
      html.append("<p>").append(escape(r.description())).append("</p>\n");
    }
    html.append("<p class=\"meta\">started ").append(escape(r.startedIso())).append(" · measured ")
        .append(seconds(r.durationMs())).append(" · SLO: ").append(escape(describe(r.slo()))).append("</p>\n");

    html.append("<h3>Service over time</h3>\n");
    for (String chart : List.of("throughput", "latency", "lag")) {
      html.append("<div class=\"chart\"><canvas data-chart=\"").append(chart).append("\"></canvas></div>\n");
    }
    html.append("<p class=\"note\">Shaded: faults, from injection to end (or to the end of the run). ")
        .append("Red strip along the time axis: windows that broke the SLO. Operations are counted in the window they were ")
        .append("due in: offered is what the open-model load asked for, ok is what it achieved. Hollow dots: a p99 resting on ")
        .append("fewer than ").append(FEW_SAMPLES).append(" samples (hover a point for its count).</p>\n");

    faults(html, r.faults());
    delivery(html, r.delivery(), r.coldDelivery());
    writers(html, r.writers());
    expectations(html, r.expectations());
    summary(html, r.summary(), r.totals(), r.lag(), r.cost());
    failedWindows(html, r.windows());
    if (!r.settings().isEmpty()) {
      html.append("<details><summary>Settings</summary><pre>").append(escape(prettyJson(r.settings()))).append("</pre></details>\n");
    }
    html.append("</section>\n");
  }

  /** The two questions apart: did the expectations hold; what did users see, and did they lose anything. */
  static void headline(StringBuilder html, Headline h) {
    html.append("<div class=\"headline\">\n");
    for (Headline.Part part : List.of(h.expectations(), h.users(), h.data())) {
      html.append("<div class=\"answer ").append(part.tone()).append("\" data-answer=\"").append(part.label().toLowerCase(Locale.ROOT))
          .append("\"><b>").append(escape(part.label())).append(":</b> ").append(escape(part.text())).append("</div>\n");
    }
    if (!h.faults().isEmpty()) {
      html.append("<ul class=\"fault-lines\">\n");
      h.faults().forEach(line -> html.append("<li>").append(escape(line)).append("</li>\n"));
      html.append("</ul>\n");
    }
    html.append("</div>\n");
  }

  private static void faults(StringBuilder html, List<FaultVerdict> faults) {
    html.append("<h3>Faults</h3>\n");
    if (faults.isEmpty()) {
      html.append("<p class=\"note\">No faults were injected.</p>\n");
      return;
    }
    html.append("<div class=\"table-wrap\"><table>\n<tr><th>fault</th><th>nodes</th><th class=\"num\">injected at</th>")
        .append("<th class=\"num\">ended at</th><th class=\"num\">detected at</th><th class=\"num\">downed at</th>")
        .append("<th class=\"num\">served again after</th><th class=\"num\">failed seconds</th><th>verdict</th></tr>\n");
    for (FaultVerdict f : faults) {
      String verdictClass = f.verdict().equals("tolerated") ? "pass" : f.verdict().equals("data lost") ? "fail" : "warn";
      html.append("<tr><td>").append(escape(f.verb())).append("</td>")
          .append("<td>").append(f.nodes().isEmpty() ? "—" : escape(f.nodes().stream().map(String::valueOf).collect(Collectors.joining(", ")))).append("</td>")
          .append(num(seconds(f.injectedMs())))
          .append(num(f.endedMs() == null ? "not ended" : seconds(f.endedMs())))
          .append(num(sinceInjection(f.detectedMs(), f.injectedMs())))
          .append(num(sinceInjection(f.downedMs(), f.injectedMs())))
          .append(num(f.servedAgainAfterMs() == null ? "—" : "+" + seconds(f.servedAgainAfterMs())))
          .append(num(plain(f.failedSeconds()) + " s"))
          .append("<td class=\"verdict ").append(verdictClass).append("\">").append(escape(f.verdict())).append("</td></tr>\n");
    }
    html.append("</table></div>\n");
  }

  /**
   * One column per read-back: warm (after the settle period), cold (after a restart of the whole
   * cluster from the journal).
   */
  private static void delivery(StringBuilder html, DeliveryResult warm, DeliveryResult cold) {
    List<DeliveryResult> reads = cold == null ? List.of(warm) : List.of(warm, cold);
    html.append("<h3>Delivery</h3>\n<div class=\"table-wrap\"><table class=\"delivery\">\n<tr><th></th><th class=\"num\">warm</th>")
        .append(cold == null ? "" : "<th class=\"num\">cold restart</th>").append("</tr>\n");
    deliveryRow(html, reads, "acknowledged posts", d -> d.ackedPosts(), null);
    deliveryRow(html, reads, "unknown posts (info): appeared / not appeared", d -> d.infoAppeared() + " / " + d.infoNotAppeared(), null);
    deliveryRow(html, reads, "unknown posts unresolved", d -> d.unresolvedPosts(), DeliveryResult::unresolvedPosts);
    deliveryRow(html, reads, "deliveries checked (post × timeline)", d -> d.expectedDeliveries(), null);
    deliveryRow(html, reads, "lost", d -> d.lost(), DeliveryResult::lost);
    deliveryRow(html, reads, "duplicated (of them: one request id, two tweets)", d -> d.duplicated() + " (" + d.duplicatedPosts() + ")",
        DeliveryResult::duplicated);
    deliveryRow(html, reads, "timelines out of order", d -> d.outOfOrderTimelines(), DeliveryResult::outOfOrderTimelines);
    deliveryRow(html, reads, "timelines unreadable (deliveries unchecked)",
        d -> d.unreadableTimelines() + " (" + d.uncheckedDeliveries() + ")", DeliveryResult::unreadableTimelines);
    deliveryRow(html, reads, "reads unanswered", d -> d.unansweredReads(), DeliveryResult::unansweredReads);
    html.append("</table></div>\n");
    String[] names = {"warm", "cold restart"};
    for (int i = 0; i < reads.size(); i++) {
      DeliveryResult d = reads.get(i);
      examples(html, names[i] + ": lost, for example (tweet → timeline)", d.lostExamples());
      examples(html, names[i] + ": duplicated, for example (request id → tweets)", d.duplicateExamples());
      examples(html, names[i] + ": unresolved, for example", d.unresolvedExamples());
      examples(html, names[i] + ": unanswered, for example", d.unansweredExamples());
    }
  }

  /** {@code failing}: a count that marks the cell failed when above 0 (passed at 0); null for a plain row. */
  private static void deliveryRow(StringBuilder html, List<DeliveryResult> reads, String label,
      Function<DeliveryResult, Object> value, ToLongFunction<DeliveryResult> failing) {
    html.append("<tr><th>").append(escape(label)).append("</th>");
    for (DeliveryResult d : reads) {
      String text = String.valueOf(value.apply(d));
      String css = failing == null ? "" : failing.applyAsLong(d) > 0 ? " fail" : " pass";
      html.append("<td class=\"num").append(css).append("\">").append(escape(text)).append("</td>");
    }
    html.append("</tr>\n");
  }

  private static void examples(StringBuilder html, String title, List<String> examples) {
    if (examples.isEmpty()) return;
    html.append("<p class=\"note\">").append(escape(title)).append(":</p>\n<ul class=\"examples\">\n");
    examples.forEach(e -> html.append("<li>").append(escape(e)).append("</li>\n"));
    html.append("</ul>\n");
  }

  private static void writers(StringBuilder html, SingleWriterResult w) {
    html.append("<h3>One incarnation per user</h3>\n");
    if (!w.read()) {
      html.append("<p class=\"note fail\">The journal's writers could not be read (GET /admin/journal/writers): not checked.</p>\n");
      return;
    }
    html.append("<div class=\"table-wrap\"><table class=\"kv\">\n");
    row(html, "persistence ids / events in the journal", w.persistenceIds() + " / " + w.events(), null);
    row(html, "written by more than one incarnation (hand-overs)", String.valueOf(w.severalWriters()), null);
    row(html, "an incarnation wrote again after another (ran on two nodes at once)", String.valueOf(w.interleaved()),
        w.interleaved() > 0 ? "fail" : "pass");
    html.append("</table></div>\n");
    examples(html, "interleaved writers, for example", w.interleavedExamples());
  }

  private static void expectations(StringBuilder html, List<ExpectationResult> expectations) {
    html.append("<h3>Expectations</h3>\n");
    if (expectations.isEmpty()) {
      html.append("<p class=\"note\">None set: the run passes whatever happened.</p>\n");
      return;
    }
    html.append("<div class=\"table-wrap\"><table>\n<tr><th>expectation</th><th>expected</th><th>actual</th><th>result</th></tr>\n");
    for (ExpectationResult e : expectations) {
      html.append("<tr><td>").append(escape(e.name())).append("</td><td>").append(escape(e.expected()))
          .append("</td><td>").append(escape(e.actual())).append("</td>")
          .append(e.holds() ? "<td class=\"pass\">pass</td>" : "<td class=\"fail\">fail</td>").append("</tr>\n");
    }
    html.append("</table></div>\n");
  }

  private static void summary(StringBuilder html, Summary s, Map<OpType, OpStats> totals, LagStats lag, StrategyCost cost) {
    html.append("<h3>Summary</h3>\n<div class=\"table-wrap\"><table class=\"kv\">\n");
    row(html, "operations", String.valueOf(s.ops()), null);
    row(html, "ok / fail / info", s.ok() + " / " + s.fail() + " / " + s.info(), null);
    row(html, "partial home reads (ok, a followee left out)", String.valueOf(s.partialReads()), s.partialReads() > 0 ? "warn" : null);
    row(html, "success ratio", s.successRatio() == null ? "—" : String.format(Locale.ROOT, "%.4f", s.successRatio()), null);
    row(html, "failed windows", String.valueOf(s.failedWindows()), s.failedWindows() > 0 ? "warn" : null);
    row(html, "failed seconds", plain(s.failedSeconds()) + " s", s.failedSeconds() > 0 ? "warn" : null);
    row(html, "fan-out lag p50 / p99 / max", ms(lag.p50Ms()) + " / " + ms(lag.p99Ms()) + " / " + ms(lag.maxMs()), null);
    row(html, "fan-out lag samples (never visible)", lag.samples() + " (" + lag.neverVisible() + ")",
        lag.neverVisible() > 0 ? "warn" : null);
    if (cost != null) {
      row(html, "timeline writes per post", ratio(cost.writesPerPost()), null);
      row(html, "entities asked per home read", ratio(cost.entitiesPerRead()), null);
      row(html, "counted by the nodes: posts / writes / home reads / partial", cost.counted().posts() + " / "
          + cost.counted().timelineWrites() + " / " + cost.counted().homeReads() + " / " + cost.counted().partialReads(), null);
    }
    html.append("</table></div>\n");

    html.append("<div class=\"table-wrap\"><table>\n<tr><th>operation</th><th class=\"num\">ok</th><th class=\"num\">fail</th>")
        .append("<th class=\"num\">info</th><th class=\"num\">p50</th><th class=\"num\">p99</th><th class=\"num\">max</th></tr>\n");
    totals.forEach((type, t) -> html.append("<tr><td>").append(type).append("</td>")
        .append(num(String.valueOf(t.ok()))).append(num(String.valueOf(t.fail()))).append(num(String.valueOf(t.info())))
        .append(num(t.count() == 0 ? "—" : ms(t.p50Ms()))).append(num(t.count() == 0 ? "—" : ms(t.p99Ms())))
        .append(num(t.count() == 0 ? "—" : ms(t.maxMs()))).append("</tr>\n"));
    html.append("</table></div>\n");
  }

  /**
   * Each failed window with the samples its p99s rest on: a p99 of 5 samples is their maximum,
   * one slow request, so a count below {@link #FEW_SAMPLES} is marked.
   */
  private static void failedWindows(StringBuilder html, List<Window> windows) {
    List<Window> failed = windows.stream().filter(Window::failed).toList();
    if (failed.isEmpty()) {
      return;
    }
    html.append("<details><summary>Failed windows (").append(failed.size()).append(")</summary>\n")
        .append("<div class=\"table-wrap\"><table>\n<tr><th class=\"num\">from</th><th>why</th>")
        .append("<th>samples (p99 of fewer than ").append(FEW_SAMPLES).append(" marked)</th></tr>\n");
    for (Window w : failed) {
      List<String> samples = new ArrayList<>();
      w.ops().forEach((type, stats) -> {
        if (stats.count() > 0) samples.add(samples(type.name(), stats.count()));
      });
      if (w.lagP99Ms() != null) samples.add(samples("lag", w.lagSamples()));
      html.append("<tr>").append(num(seconds(w.startMs()))).append("<td>").append(escape(String.join("; ", w.reasons())))
          .append("</td><td>").append(String.join(" · ", samples)).append("</td></tr>\n");
    }
    html.append("</table></div></details>\n");
  }

  private static String samples(String what, int count) {
    String text = escape(what) + " " + count;
    return count < FEW_SAMPLES ? "<span class=\"few\" title=\"a p99 of so few samples is little more than their maximum\">" + text + "</span>" : text;
  }

  private static void row(StringBuilder html, String label, String value, String cssClass) {
    html.append("<tr><th>").append(escape(label)).append("</th><td class=\"num")
        .append(cssClass == null ? "" : " " + cssClass).append("\">").append(escape(value)).append("</td></tr>\n");
  }

  private static String num(String text) {
    return "<td class=\"num\">" + escape(text) + "</td>";
  }

  private static String describe(Slo slo) {
    List<String> rules = new ArrayList<>();
    rules.add(plain(slo.windowMs()) + " ms windows");
    rules.add("success ≥ " + plain(slo.minSuccessRatio()));
    slo.maxP99Ms().forEach((type, bound) -> rules.add(type + " p99 ≤ " + plain(bound) + " ms"));
    if (slo.maxFanOutLagMs() != null) {
      rules.add("fan-out lag p99 ≤ " + plain(slo.maxFanOutLagMs()) + " ms");
    }
    return String.join(", ", rules);
  }

  private static String sinceInjection(Double atMs, double injectedMs) {
    return atMs == null ? "—" : seconds(atMs) + " (+" + seconds(atMs - injectedMs) + ")";
  }

  private static String ratio(Double value) {
    return value == null ? "—" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String seconds(double ms) {
    return String.format(Locale.ROOT, "%.1f s", ms / 1000);
  }

  private static String ms(Double ms) {
    if (ms == null) {
      return "—";
    }
    String pattern = ms >= 100 ? "%.0f ms" : ms >= 10 ? "%.1f ms" : "%.2f ms";
    return String.format(Locale.ROOT, pattern, ms);
  }

  private static String plain(double value) {
    return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * JSON inside a script element ends at the first "&lt;/script": escaping every '<' (only ever
   * inside strings in JSON) as \u003c keeps it whole, and JSON.parse reads it back unchanged.
   */
  private static String json(List<Report> reports) {
    try {
      return ReportWriter.MAPPER.writeValueAsString(reports).replace("<", "\\u003c");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report data not serializable", e);
    }
  }

  private static String prettyJson(Object value) {
    try {
      return ReportWriter.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("settings not serializable", e);
    }
  }

  /**
   * The UMD bundle, without its source-map comment (the map is not shipped). It must not contain
   * "&lt;/script", which would end the inline script early.
   */
  static String chartJs() {
    String script = classpathText(CHART_JS).replaceAll("(?m)^//# sourceMappingURL=.*$", "");
    if (script.toLowerCase(Locale.ROOT).contains("</script")) {
      throw new IllegalStateException(CHART_JS + " contains </script and cannot be inlined");
    }
    return script;
  }

  static String resource(String name) {
    return classpathText("dev/timeline/lab/report/" + name);
  }

  private static String classpathText(String path) {
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
  }
}
