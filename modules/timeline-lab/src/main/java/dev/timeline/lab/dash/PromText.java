package dev.timeline.lab.dash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of a Prometheus text exposition (format 0.0.4): one per line {@code name{labels}
 * value [timestamp]}; comments and blank lines are skipped, as is a line that does not parse.
 */
final class PromText {
  record Sample(String name, Map<String, String> labels, double value) {
    String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  private PromText() {}

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      Sample s = parseLine(line);
      if (s != null) samples.add(s);
    }
    return samples;
  }

  private static Sample parseLine(String line) {
    int i = 0, n = line.length();
    while (i < n && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
    String name = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < n && line.charAt(i) == '{') {
      i++;
      while (i < n && line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0 || eq + 1 >= n || line.charAt(eq + 1) != '"') return null;
        String key = line.substring(i, eq).strip();
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; j < n && line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\' && j + 1 < n) {
            char e = line.charAt(++j);
            value.append(e == 'n' ? '\n' : e);
          } else value.append(c);
        }
        if (j >= n) return null;
        labels.put(key, value.toString());
        i = j + 1;
        if (i < n && line.charAt(i) == ',') i++;
      }
      if (i >= n) return null;
      i++;
    }
    String[] rest = line.substring(i).strip().split("\\s+");
    if (name.isEmpty() || rest.length == 0 || rest[0].isEmpty()) return null;
    try {
      return new Sample(name, labels, parseValue(rest[0]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static double parseValue(String v) {
    return switch (v) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
  }
}
