package dev.timeline.lab.dash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault intervals the charts shade, a pure function of the fault log: a fault starts at its
 * click and lasts until the command that undoes it has done so. crash N until restart N is done
 * (the node is back); pause N until resume N (or restart N); partition N until heal; slow N until
 * fast N; journal stop or crash until journal start. A command that failed starts or ends
 * nothing; one still queued or running starts its fault (it was clicked) but ends none yet. A
 * fault clicked again while it lasts stays one interval, from the first click. A pause-storm
 * is shaded while its command runs.
 *
 * <p>The log is what scripts/cluster appends to {@code faults.log} in the run directory for every
 * fault verb it ran, whoever ran it (this page, an experiment's nemesis, a terminal), plus the
 * page's own commands still queued or running, which the file does not have yet.
 */
final class Shading {
  private Shading() {}

  /**
   * One fault button's command as logged: {@code atMs} its click, {@code endedAtMs} when it
   * finished (null while queued or running); {@code ok}: false once it failed.
   */
  record Logged(List<String> args, long atMs, Long endedAtMs, boolean ok) {}

  /** A shaded interval; {@code toMs} null while the fault lasts. {@code node} null for the journal. */
  record Interval(String kind, Integer node, String label, long fromMs, Long toMs) {}

  /**
   * The lines of {@code faults.log}, oldest first: {@code STARTED_MS ENDED_MS EXIT VERB [ARG...]}
   * (epoch milliseconds, the verb's exit status). A line that does not parse (one being written,
   * one from an older script) is skipped.
   */
  static List<Logged> parse(List<String> lines) {
    List<Logged> log = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4) continue;
      try {
        log.add(new Logged(List.of(f).subList(3, f.length), Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]) == 0));
      } catch (NumberFormatException e) {
        // not a line of ours
      }
    }
    return log;
  }

  /** The intervals of {@code log} (oldest first), in the order their faults began. */
  static List<Interval> of(List<Logged> log) {
    Map<String, Interval> open = new LinkedHashMap<>();
    List<Interval> all = new ArrayList<>();
    for (Logged c : log) {
      if (!c.ok() || c.args().isEmpty()) continue;
      String verb = c.args().get(0);
      String arg = c.args().size() > 1 ? c.args().get(1) : null;
      switch (verb) {
        // crash all (a power loss) ends with a new start, which is no fault verb: not shaded.
        case "crash", "pause", "partition", "slow" -> {
          if (!"all".equals(arg)) begin(open, all, verb, arg, c);
        }
        case "restart" -> {
          end(open, all, "crash", arg, c);
          end(open, all, "pause", arg, c);
        }
        case "resume" -> end(open, all, "pause", arg, c);
        case "pause-storm" -> {
          if (c.endedAtMs() != null) all.add(new Interval(verb, index(arg), verb + " " + arg, c.atMs(), c.endedAtMs()));
          else begin(open, all, verb, arg, c);
        }
        case "fast" -> end(open, all, "slow", arg, c);
        case "heal" -> {
          for (Interval i : List.copyOf(open.values()))
            if (i.kind().equals("partition")) end(open, all, "partition", String.valueOf(i.node()), c);
        }
        case "journal" -> {
          if (arg == null) continue;
          if (arg.equals("stop") || arg.equals("crash")) begin(open, all, "journal " + arg, null, c);
          else if (arg.equals("start")) {
            end(open, all, "journal stop", null, c);
            end(open, all, "journal crash", null, c);
          }
        }
        default -> { }
      }
    }
    List<Interval> result = new ArrayList<>(all);
    result.addAll(open.values());
    result.sort((a, b) -> Long.compare(a.fromMs(), b.fromMs()));
    return result;
  }

  private static void begin(Map<String, Interval> open, List<Interval> all, String kind, String node, Logged c) {
    open.putIfAbsent(key(kind, node), new Interval(kind, index(node), kind + (node == null ? "" : " " + node), c.atMs(), null));
  }

  /** Ends the interval of (kind, node) when {@code c} has finished; one still running ends nothing yet. */
  private static void end(Map<String, Interval> open, List<Interval> all, String kind, String node, Logged c) {
    if (c.endedAtMs() == null) return;
    Interval i = open.remove(key(kind, node));
    if (i != null) all.add(new Interval(i.kind(), i.node(), i.label(), i.fromMs(), Math.max(i.fromMs(), c.endedAtMs())));
  }

  private static Integer index(String node) {
    try {
      return node == null ? null : Integer.valueOf(node);
    } catch (NumberFormatException e) {
      return null;  // "all"
    }
  }

  private static String key(String kind, String node) {
    return node == null ? kind : kind + " " + node;
  }
}
