package dev.timeline.lab.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * results/index.html: every past run in a results directory, newest first, with both answers of
 * its headline and a link to its report; sweeps and side-by-side pages below. A directory that
 * holds no readable report (a run that broke, is still running, or predates report.json) is
 * skipped with a note saying why: one bad directory must not hide the others.
 */
public final class ResultsIndex {

  public static final String FILE = "index.html";

  /** A run's row. {@code link}: its report page relative to the index, null if it has none. */
  public record Run(String dir, Instant started, String name, String profile, Headline headline, String link) {}

  /** A sweep's row. */
  public record Sweep(String dir, Instant started, String name, String question, int points, String link) {}

  /** What was found: runs and sweeps newest first, comparison pages, and a note per skipped directory. */
  public record Found(List<Run> runs, List<Sweep> sweeps, List<String> comparisons, List<String> skipped) {
    public Found {
      runs = List.copyOf(runs);
      sweeps = List.copyOf(sweeps);
      comparisons = List.copyOf(comparisons);
      skipped = List.copyOf(skipped);
    }
  }

  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private ResultsIndex() {}

  /** Scans {@code results} and writes its index.html; returns what it found. */
  public static Found write(Path results) {
    Found found = scan(results);
    Path file = results.resolve(FILE);
    Path partial = results.resolve(FILE + ".tmp");
    try {
      // Written aside and moved in, so that a browser open on the index never reads half of it.
      Files.writeString(partial, page(found), StandardCharsets.UTF_8);
      try {
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
    return found;
  }

  static Found scan(Path results) {
    List<Run> runs = new ArrayList<>();
    List<Sweep> sweeps = new ArrayList<>();
    List<String> comparisons = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<Path> entries;
    try (Stream<Path> list = Files.list(results)) {
      entries = list.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + results, e);
    }
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (Files.isDirectory(entry)) {
        try {
          if (Files.exists(entry.resolve("report.json"))) {
            runs.add(run(entry, name));
          } else if (Files.exists(entry.resolve("sweep.json"))) {
            sweeps.add(sweep(entry, name));
          } else {
            skipped.add(name + ": no report.json or sweep.json (a run that broke or is still running)");
          }
        } catch (IOException | RuntimeException unreadable) {
          skipped.add(name + ": " + why(unreadable));
        }
      } else if (name.endsWith("-compare.html")) {
        comparisons.add(name);
      }
    }
    runs.sort(Comparator.comparing(Run::started).reversed());
    sweeps.sort(Comparator.comparing(Sweep::started).reversed());
    comparisons.sort(Comparator.reverseOrder());
    return new Found(runs, sweeps, comparisons, skipped);
  }

  private static Run run(Path dir, String name) throws IOException {
    JsonNode json = read(dir.resolve("report.json"), "report.json");
    Headline headline;
    try {
      headline = Headline.of(Headline.Facts.of(json));
    } catch (IllegalArgumentException incomplete) {
      throw new IllegalArgumentException("report.json: " + incomplete.getMessage(), incomplete);
    }
    return new Run(name, started(json, dir), json.path("name").asText(name), json.path("profile").asText(""), headline,
        Files.exists(dir.resolve("report.html")) ? link(name + "/report.html") : null);
  }

  private static Sweep sweep(Path dir, String name) throws IOException {
    JsonNode json = read(dir.resolve("sweep.json"), "sweep.json");
    if (!json.path("points").isArray()) throw new IllegalArgumentException("sweep.json: no points");
    return new Sweep(name, started(json, dir), json.path("name").asText(name), json.path("question").asText(""),
        json.get("points").size(), Files.exists(dir.resolve("sweep.html")) ? link(name + "/sweep.html") : null);
  }

  private static JsonNode read(Path file, String what) throws IOException {
    try {
      JsonNode json = ReportWriter.MAPPER.readTree(file.toFile());
      if (json == null || !json.isObject()) throw new IllegalArgumentException(what + " is not a JSON object");
      return json;
    } catch (com.fasterxml.jackson.core.JsonProcessingException broken) {
      throw new IllegalArgumentException(what + " is not valid JSON (half written?): "
          + broken.getOriginalMessage().lines().findFirst().orElse(""), broken);
    }
  }

  /** The run's recorded start; else the directory's modification time. */
  private static Instant started(JsonNode json, Path dir) throws IOException {
    try {
      return Instant.parse(json.path("startedIso").asText());
    } catch (DateTimeParseException notRecorded) {
      return Files.getLastModifiedTime(dir).toInstant();
    }
  }

  private static String why(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * A relative link, percent-encoded (a directory given by --out may have any name), and starting
   * with "./" so that a first segment with a colon is not read as a scheme.
   */
  private static String link(String relative) {
    try {
      return new URI(null, null, "./" + relative, null).getRawPath();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("no link to " + relative, e);
    }
  }

  static String page(Found found) {
    StringBuilder html = new StringBuilder(16 * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Experiment results</title>\n<style>\n").append(HtmlReport.resource("report.css"))
        .append("td .answer { padding: 2px 6px; border-radius: 4px; display: inline-block; }\n")
        .append("</style>\n</head>\n<body>\n<h1>Experiment results</h1>\n<section class=\"report\">\n")
        .append("<p class=\"note\">Two answers per run: whether the experiment's expectations held, and what its users saw ")
        .append("(failed windows during faults) and whether anything acknowledged was lost or duplicated. ")
        .append("Regenerated after every experiment and sweep, and by <code>scripts/experiment --index</code>.</p>\n");
    html.append("<h3>Runs (").append(found.runs().size()).append(")</h3>\n");
    if (found.runs().isEmpty()) {
      html.append("<p class=\"note\">No run yet.</p>\n");
    } else {
      html.append("<div class=\"table-wrap\"><table class=\"runs\">\n<tr><th>started</th><th>experiment</th><th>expectations</th>")
          .append("<th>users</th><th>data</th><th>report</th></tr>\n");
      for (Run run : found.runs()) {
        Headline h = run.headline();
        html.append("<tr data-dir=\"").append(HtmlReport.escape(run.dir())).append("\"><td class=\"num\">")
            .append(SHOWN.format(run.started())).append("</td><td>").append(HtmlReport.escape(run.name()))
            .append(run.profile().isEmpty() ? "" : " <span class=\"profile\">" + HtmlReport.escape(run.profile()) + "</span>")
            .append("</td>");
        for (Headline.Part part : List.of(h.expectations(), h.users(), h.data())) {
          html.append("<td><span class=\"answer ").append(part.tone()).append("\">").append(HtmlReport.escape(part.text()))
              .append("</span></td>");
        }
        html.append("<td>").append(anchor(run.link(), "report")).append(" · ")
            .append(anchor(link(run.dir() + "/report.json"), "json")).append("</td></tr>\n");
      }
      html.append("</table></div>\n");
    }
    if (!found.sweeps().isEmpty()) {
      html.append("<h3>Sweeps (").append(found.sweeps().size()).append(")</h3>\n<div class=\"table-wrap\"><table>\n")
          .append("<tr><th>started</th><th>sweep</th><th>question</th><th class=\"num\">points</th><th>charts</th></tr>\n");
      for (Sweep s : found.sweeps()) {
        html.append("<tr><td class=\"num\">").append(SHOWN.format(s.started())).append("</td><td>").append(HtmlReport.escape(s.name()))
            .append("</td><td>").append(HtmlReport.escape(s.question())).append("</td><td class=\"num\">").append(s.points())
            .append("</td><td>").append(anchor(s.link(), "sweep")).append("</td></tr>\n");
      }
      html.append("</table></div>\n");
    }
    if (!found.comparisons().isEmpty()) {
      html.append("<h3>Side by side</h3>\n<ul>\n");
      found.comparisons().forEach(c -> html.append("<li>").append(anchor(link(c), c)).append("</li>\n"));
      html.append("</ul>\n");
    }
    if (!found.skipped().isEmpty()) {
      html.append("<h3>Skipped (").append(found.skipped().size()).append(")</h3>\n<ul class=\"skipped\">\n");
      found.skipped().forEach(s -> html.append("<li>").append(HtmlReport.escape(s)).append("</li>\n"));
      html.append("</ul>\n");
    }
    return html.append("</section>\n</body>\n</html>\n").toString();
  }

  private static String anchor(String href, String text) {
    return href == null ? "<span class=\"note\">no " + HtmlReport.escape(text) + "</span>"
        : "<a href=\"" + HtmlReport.escape(href) + "\">" + HtmlReport.escape(text) + "</a>";
  }
}
