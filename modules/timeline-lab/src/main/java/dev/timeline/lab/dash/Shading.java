package dev.timeline.lab.dash;

import dev.timeline.lab.Fault;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fault intervals the charts shade, a pure function of the fault log: a fault starts at its
 * click and lasts until the command that undoes it has done so. crash N until restart N is done
 * (the node is back); pause N until resume N (or restart N); partition N until heal; slow N until
 * fast N; journal stop or crash until journal start, journal pause until journal resume (what
 * ends what is {@link Fault#ends}). A command that failed starts or ends nothing; one still queued
 * or running starts its fault (it was clicked) but ends none yet. A fault clicked again while it
 * lasts stays one interval, from the first click. A pause-storm is shaded while its command runs.
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
    Map<String, Lasting> open = new LinkedHashMap<>();
    List<Interval> all = new ArrayList<>();
    for (Logged c : log) {
      if (!c.ok()) continue;
      Optional<Fault> parsed = Fault.fromArgs(c.args());
      // crash all (a power loss) ends with a new start, which is no fault verb: not shaded.
      if (parsed.isEmpty() || parsed.get() instanceof Fault.CrashAll) continue;
      Fault fault = parsed.get();
      Interval shaded = interval(fault, c.atMs(), null);
      if (fault instanceof Fault.PauseStorm && c.endedAtMs() != null) all.add(interval(fault, c.atMs(), c.endedAtMs()));
      else if (fault.opens()) open.putIfAbsent(shaded.label(), new Lasting(fault, shaded));
      // What a command ends, it ends once it has done so; one still running ends nothing yet.
      else if (c.endedAtMs() != null)
        for (Lasting l : List.copyOf(open.values()))
          if (fault.ends(l.fault())) {
            open.remove(l.interval().label());
            Interval i = l.interval();
            all.add(new Interval(i.kind(), i.node(), i.label(), i.fromMs(), Math.max(i.fromMs(), c.endedAtMs())));
          }
    }
    List<Interval> result = new ArrayList<>(all);
    open.values().forEach(l -> result.add(l.interval()));
    result.sort((a, b) -> Long.compare(a.fromMs(), b.fromMs()));
    return result;
  }

  /** A fault in force and its interval so far. */
  private record Lasting(Fault fault, Interval interval) {}

  /**
   * Shaded as its verb and first node ({@code slow 3}, {@code partition 1}), a journal fault as
   * its command ({@code journal stop}); one label is one interval however often it is clicked.
   */
  private static Interval interval(Fault fault, long fromMs, Long toMs) {
    Integer node = fault.nodes().isEmpty() ? null : fault.nodes().get(0);
    String kind = node == null ? String.join(" ", fault.args()) : fault.verb();
    return new Interval(kind, node, kind + (node == null ? "" : " " + node), fromMs, toMs);
  }
}
