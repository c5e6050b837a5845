package dev.timeline.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line is a
 * {@code # HELP}, a {@code # TYPE}, a comment, or a sample {@code name{label="value",...} value
 * [timestamp]}; label values are unescaped ({@code \\}, {@code \"}, {@code \n}). It refuses what
 * a Prometheus server would: a malformed line, a sample of a family with no TYPE before it, a
 * second TYPE for a family, a series given twice, and histograms whose buckets are not
 * cumulative or lack {@code le="+Inf"} equal to their {@code _count}.
 */
final class PrometheusText {

  record Sample(String name, Map<String, String> labels, double value) {}

  static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** Family name to its TYPE. */
  final Map<String, String> types = new LinkedHashMap<>();
  final Map<String, String> help = new HashMap<>();
  final List<Sample> samples = new ArrayList<>();

  private PrometheusText() {}

  static PrometheusText parse(String text) {
    var parsed = new PrometheusText();
    Set<String> seen = new HashSet<>();
    String[] lines = text.split("\n", -1);
    if (!text.isEmpty() && !text.endsWith("\n")) throw new IllegalArgumentException("the last line has no line feed");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      if (line.isBlank()) continue;
      try {
        if (line.startsWith("#")) parsed.comment(line);
        else {
          Sample sample = sample(line);
          String family = parsed.family(sample.name());
          if (family == null) throw new IllegalArgumentException("no TYPE before the sample of " + sample.name());
          if (!seen.add(sample.name() + new TreeMap<>(sample.labels())))
            throw new IllegalArgumentException("series given twice");
          parsed.samples.add(sample);
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + (n + 1) + " '" + line + "': " + e.getMessage(), e);
      }
    }
    parsed.checkHistograms();
    return parsed;
  }

  /** The value of the one series {@code name} with exactly {@code labels}, or NaN if absent. */
  double value(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .mapToDouble(Sample::value).findFirst().orElse(Double.NaN);
  }

  /** As {@link #value}, 0 when the series is absent (a counter not yet incremented). */
  double count(String name, Map<String, String> labels) {
    double v = value(name, labels);
    return Double.isNaN(v) ? 0 : v;
  }

  List<Sample> series(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  // ---- lines ----------------------------------------------------------------------------------

  private void comment(String line) {
    String[] parts = line.split(" ", 4);
    if (parts.length >= 3 && parts[0].equals("#") && (parts[1].equals("TYPE") || parts[1].equals("HELP"))) {
      String name = parts[2];
      if (!METRIC_NAME.matcher(name).matches()) throw new IllegalArgumentException("bad metric name " + name);
      if (parts[1].equals("TYPE")) {
        if (parts.length != 4 || !TYPES.contains(parts[3])) throw new IllegalArgumentException("bad type");
        if (types.containsKey(name)) throw new IllegalArgumentException("second TYPE for " + name);
        if (samples.stream().anyMatch(s -> name.equals(family(s.name()))))
          throw new IllegalArgumentException("TYPE after samples of " + name);
        types.put(name, parts[3]);
      } else {
        if (help.put(name, parts.length == 4 ? parts[3] : "") != null) throw new IllegalArgumentException("second HELP");
      }
    }
    // any other comment is ignored, as the format says
  }

  /** The family a sample belongs to: its own name, or a histogram's/summary's for _bucket, _sum, _count. */
  private String family(String sampleName) {
    if (types.containsKey(sampleName)) return sampleName;
    for (String suffix : List.of("_bucket", "_sum", "_count", "_created")) {
      if (!sampleName.endsWith(suffix)) continue;
      String base = sampleName.substring(0, sampleName.length() - suffix.length());
      String type = types.get(base);
      if (type == null) continue;
      if (type.equals("histogram") || (type.equals("summary") && !suffix.equals("_bucket"))) return base;
    }
    return null;
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
    String name = line.substring(0, i);
    if (!METRIC_NAME.matcher(name).matches()) throw new IllegalArgumentException("bad metric name '" + name + "'");
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        if (line.charAt(i) == '}') { i++; break; }
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        if (!LABEL_NAME.matcher(label).matches()) throw new IllegalArgumentException("bad label name '" + label + "'");
        if (line.charAt(eq + 1) != '"') throw new IllegalArgumentException("label value not quoted");
        var value = new StringBuilder();
        int j = eq + 2;
        for (;; j++) {
          char c = line.charAt(j);
          if (c == '"') break;
          if (c == '\\') {
            char e = line.charAt(++j);
            value.append(switch (e) {
              case '\\' -> '\\';
              case '"' -> '"';
              case 'n' -> '\n';
              default -> throw new IllegalArgumentException("bad escape \\" + e);
            });
          } else value.append(c);
        }
        if (labels.put(label, value.toString()) != null) throw new IllegalArgumentException("label " + label + " twice");
        i = j + 1;
        if (line.charAt(i) == ',') i++;
        else if (line.charAt(i) != '}') throw new IllegalArgumentException("expected , or } after a label");
      }
    }
    if (i >= line.length() || line.charAt(i) != ' ') throw new IllegalArgumentException("no value");
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2) throw new IllegalArgumentException("expected a value and an optional timestamp");
    if (rest.length == 2) Long.parseLong(rest[1]);
    return new Sample(name, labels, number(rest[0]));
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) throw new IllegalArgumentException("bad value " + text);
        yield Double.parseDouble(text);
      }
    };
  }

  /** Each histogram series: buckets cumulative in le order, ending in +Inf, which equals _count. */
  private void checkHistograms() {
    types.forEach((family, type) -> {
      if (!type.equals("histogram")) return;
      Map<Map<String, String>, TreeMap<Double, Double>> buckets = new HashMap<>();
      for (Sample s : series(family + "_bucket")) {
        Map<String, String> labels = new TreeMap<>(s.labels());
        String le = labels.remove("le");
        if (le == null) throw new IllegalArgumentException(family + "_bucket without le");
        buckets.computeIfAbsent(labels, k -> new TreeMap<>()).put(number(le), s.value());
      }
      buckets.forEach((labels, byBound) -> {
        double last = 0;
        for (double count : byBound.values()) {
          if (count < last) throw new IllegalArgumentException(family + labels + ": buckets not cumulative");
          last = count;
        }
        if (!byBound.containsKey(Double.POSITIVE_INFINITY))
          throw new IllegalArgumentException(family + labels + ": no le=\"+Inf\" bucket");
        double total = samples.stream()
            .filter(s -> s.name().equals(family + "_count") && new TreeMap<>(s.labels()).equals(labels))
            .mapToDouble(Sample::value).findFirst()
            .orElseThrow(() -> new IllegalArgumentException(family + labels + ": no _count"));
        if (total != byBound.get(Double.POSITIVE_INFINITY))
          throw new IllegalArgumentException(family + labels + ": _count is not the +Inf bucket");
      });
    });
  }
}
