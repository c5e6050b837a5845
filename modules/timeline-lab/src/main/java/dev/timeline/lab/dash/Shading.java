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
 * fault clicked again while it lasts stays one interval, from the first click.
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

  /** The intervals of {@code log} (oldest first), in the order their faults began. */
  static List<Interval> of(List<Logged> log) {
    Map<String, Interval> open = new LinkedHashMap<>();
    List<Interval> all = new ArrayList<>();
    for (Logged c : log) {
      if (!c.ok() || c.args().isEmpty()) continue;
      String verb = c.args().get(0);
      String arg = c.args().size() > 1 ? c.args().get(1) : null;
      switch (verb) {
        case "crash", "pause", "partition", "slow" -> begin(open, all, verb, arg, c);
        case "restart" -> {
          end(open, all, "crash", arg, c);
          end(open, all, "pause", arg, c);
        }
        case "resume" -> end(open, all, "pause", arg, c);
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
    Integer index = node == null ? null : Integer.valueOf(node);
    open.putIfAbsent(key(kind, node), new Interval(kind, index, kind + (node == null ? "" : " " + node), c.atMs(), null));
  }

  /** Ends the interval of (kind, node) when {@code c} has finished; one still running ends nothing yet. */
  private static void end(Map<String, Interval> open, List<Interval> all, String kind, String node, Logged c) {
    if (c.endedAtMs() == null) return;
    Interval i = open.remove(key(kind, node));
    if (i != null) all.add(new Interval(i.kind(), i.node(), i.label(), i.fromMs(), Math.max(i.fromMs(), c.endedAtMs())));
  }

  private static String key(String kind, String node) {
    return node == null ? kind : kind + " " + node;
  }
}
