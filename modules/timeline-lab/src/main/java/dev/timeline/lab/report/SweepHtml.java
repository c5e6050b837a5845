package dev.timeline.lab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.timeline.lab.history.OpType;
import dev.timeline.lab.sweep.OpSummary;
import dev.timeline.lab.sweep.Saturation.SeriesSaturation;
import dev.timeline.lab.sweep.SweepPoint;
import dev.timeline.lab.sweep.SweepResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * sweep.html: one self-contained page of charts against the swept parameter, one line per series
 * value, under the question the sweep answers; then the saturation rates and a table of every
 * point. Chart.js and the data are inlined as in {@link HtmlReport}; sweep.js draws the charts.
 */
public final class SweepHtml {
  /** p50/p99 per operation type (3), throughput, writes per post, entities per read, fan-out lag. */
  public static final int CHARTS = OpType.values().length + 4;

  private SweepHtml() {}

  public static void write(SweepResult result, Path file) {
    try {
      Files.writeString(file, page(result), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
  }

  static String page(SweepResult r) {
    String title = r.question().isBlank() ? "sweep " + r.name() : r.question();
    StringBuilder html = new StringBuilder(512 * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(HtmlReport.escape(title)).append("</title>\n")
        .append("<style>\n").append(HtmlReport.resource("report.css"))
        .append(".grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 8px 24px; }\n")
        .append("</style>\n</head>\n<body>\n")
        .append("<h1>").append(HtmlReport.escape(title)).append("</h1>\n")
        .append("<section class=\"report\">\n")
        .append("<p class=\"meta\">sweep ").append(HtmlReport.escape(r.name())).append(" · started ").append(HtmlReport.escape(r.startedIso()))
        .append(" · x: ").append(HtmlReport.escape(r.xKey()))
        .append(r.seriesKey() == null ? "" : " · one line per " + HtmlReport.escape(r.seriesKey()))
        .append(" · ").append(r.points().size()).append(" points</p>\n")
        .append("<p class=\"note\">A point is <b>saturated</b> (red cross) when its achieved ok rate falls below ")
        .append(String.format(Locale.ROOT, "%.0f %%", r.throughputRatio() * 100))
        .append(" of the offered rate or an operation's p99 exceeds the SLO (").append(HtmlReport.escape(slo(r))).append(").</p>\n");
    html.append("<div class=\"grid\">\n");
    for (OpType t : OpType.values()) canvas(html, "latency-" + t);
    for (String kind : List.of("throughput", "writes", "entities", "lag")) canvas(html, kind);
    html.append("</div>\n");
    saturation(html, r);
    points(html, r);
    html.append("</section>\n")
        .append("<script>\n").append(HtmlReport.ERROR_HOOK).append("</script>\n")
        .append("<script>\n").append(HtmlReport.chartJs()).append("\n</script>\n")
        .append("<script type=\"application/json\" id=\"sweep-data\">").append(json(r)).append("</script>\n")
        .append("<script>\n").append(HtmlReport.resource("sweep.js")).append("</script>\n")
        .append("</body>\n</html>\n");
    return html.toString();
  }

  private static void canvas(StringBuilder html, String kind) {
    html.append("<div class=\"chart\"><canvas data-chart=\"").append(kind).append("\"></canvas></div>\n");
  }

  private static String slo(SweepResult r) {
    StringBuilder s = new StringBuilder();
    r.slo().forEach((type, ms) -> s.append(s.length() == 0 ? "" : ", ").append(type).append(" p99 ≤ ").append(String.format(Locale.ROOT, "%.0f ms", ms)));
    return s.length() == 0 ? "none" : s.toString();
  }

  private static void saturation(StringBuilder html, SweepResult r) {
    String x = HtmlReport.escape(r.xKey());
    html.append("<h3>Where each series saturated</h3>\n<p class=\"note\">Per series, walking x upward: the last ")
        .append(x).append(" before the first saturated point (when x is the offered rate, the saturation rate).</p>\n")
        .append("<div class=\"table-wrap\"><table class=\"kv\">\n")
        .append("<tr><th>").append(HtmlReport.escape(r.seriesKey() == null ? "series" : r.seriesKey()))
        .append("</th><th class=\"num\">held up to ").append(x).append("</th><th class=\"num\">first saturated at</th></tr>\n");
    for (SeriesSaturation s : r.saturation())
      html.append("<tr><td>").append(HtmlReport.escape(s.series() == null ? "all points" : s.series())).append("</td>")
          .append(num(s.held() == null ? "no point" : HtmlReport.escape(s.held())))
          .append(num(s.firstSaturated() == null ? "not reached" : HtmlReport.escape(s.firstSaturated()))).append("</tr>\n");
    html.append("</table></div>\n");
  }

  private static void points(StringBuilder html, SweepResult r) {
    html.append("<h3>Points</h3>\n<div class=\"table-wrap\"><table>\n<tr>");
    if (r.seriesKey() != null) html.append("<th>").append(HtmlReport.escape(r.seriesKey())).append("</th>");
    html.append("<th>").append(HtmlReport.escape(r.xKey())).append("</th><th class=\"num\">offered/s</th><th class=\"num\">ok/s</th>");
    for (OpType t : OpType.values()) html.append("<th class=\"num\">").append(t).append(" p50 / p99 / p99.9</th>");
    html.append("<th class=\"num\">writes/post</th><th class=\"num\">entities/read</th><th class=\"num\">partial reads</th>")
        .append("<th class=\"num\">lag p50 / p99</th><th>verdict</th></tr>\n");
    for (SweepPoint p : r.points()) {
      html.append("<tr>");
      if (r.seriesKey() != null) html.append("<td>").append(HtmlReport.escape(String.valueOf(p.series()))).append("</td>");
      html.append("<td>").append(HtmlReport.escape(p.x())).append("</td>").append(num(rate(p.offeredRate()))).append(num(rate(p.achievedRate())));
      for (OpType t : OpType.values()) {
        OpSummary s = p.ops().get(t);
        html.append(num(s == null || s.count() == 0 ? "—" : ms(s.p50Ms()) + " / " + ms(s.p99Ms()) + " / " + ms(s.p999Ms())));
      }
      html.append(num(ratio(p.writesPerPost()))).append(num(ratio(p.entitiesPerRead()))).append(num(String.valueOf(p.partialReads())))
          .append(num(ms(p.lagP50Ms()) + " / " + ms(p.lagP99Ms())))
          .append(p.saturated() ? "<td class=\"fail\">saturated: " + HtmlReport.escape(String.join("; ", p.why())) + "</td>" : "<td class=\"pass\">ok</td>")
          .append("</tr>\n");
    }
    html.append("</table></div>\n");
  }

  private static String num(String text) {
    return "<td class=\"num\">" + HtmlReport.escape(text) + "</td>";
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%.1f", perSecond);
  }

  private static String ratio(Double value) {
    return value == null ? "—" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String ms(Double ms) {
    if (ms == null) return "—";
    return String.format(Locale.ROOT, ms >= 100 ? "%.0f ms" : ms >= 10 ? "%.1f ms" : "%.2f ms", ms);
  }

  /** As in {@link HtmlReport}: '<' escaped so the JSON cannot end its script element. */
  private static String json(SweepResult r) {
    try {
      return ReportWriter.MAPPER.writeValueAsString(r).replace("<", "\\u003c");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("sweep data not serializable", e);
    }
  }
}
