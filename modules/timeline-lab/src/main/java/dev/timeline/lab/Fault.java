package dev.timeline.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fault verb of {@code scripts/cluster}, as an experiment file, a fault button or a line of
 * {@code faults.log} names it: one record per verb. Each knows its command line, and a fault that
 * lasts knows the verb that undoes it, so that what ends what is said once, here (the nemesis and
 * the dashboard's shading both ask).
 */
public sealed interface Fault {
  /** The verbs of experiment files ({@code do = ...}) and fault buttons. */
  List<String> VERBS = List.of("crash", "pause", "resume", "restart", "stop", "partition", "heal",
      "slow", "fast", "journal-stop", "journal-start", "journal-pause", "journal-resume", "journal-crash",
      "crash-all", "start-all", "pause-storm");

  /** Its name in experiment files and reports: crash, journal-crash, pause-storm, ... */
  String verb();

  /** The nodes it acts on; empty for the journal, heal and the whole cluster. */
  default List<Integer> nodes() {
    return List.of();
  }

  /** Its arguments to scripts/cluster. */
  List<String> args();

  /** The verb that ends this fault while it lasts; empty for a verb that opens none (or ends by itself). */
  default Optional<Fault> undo() {
    return Optional.empty();
  }

  /** Whether it lasts, from when it is run until it is undone (or, a pause storm, until its command returns). */
  default boolean opens() {
    return undo().isPresent();
  }

  /** Whether running this ends {@code open}, a fault in force. */
  default boolean ends(Fault open) {
    return open.undo().filter(this::equals).isPresent();
  }

  record Crash(int node) implements Fault {
    public String verb() { return "crash"; }
    public List<Integer> nodes() { return List.of(node); }
    public List<String> args() { return List.of("crash", String.valueOf(node)); }
    public Optional<Fault> undo() { return Optional.of(new Restart(node)); }
  }

  /** A graceful leave. */
  record Stop(int node) implements Fault {
    public String verb() { return "stop"; }
    public List<Integer> nodes() { return List.of(node); }
    public List<String> args() { return List.of("stop", String.valueOf(node)); }
    public Optional<Fault> undo() { return Optional.of(new Restart(node)); }
  }

  /** Ends a crash, a stop or a pause of its node; of a running node, a rolling restart. */
  record Restart(int node) implements Fault {
    public String verb() { return "restart"; }
    public List<Integer> nodes() { return List.of(node); }
    public List<String> args() { return List.of("restart", String.valueOf(node)); }
    public boolean ends(Fault open) { return Fault.super.ends(open) || open.equals(new Pause(node)); }
  }

  record Pause(int node) implements Fault {
    public String verb() { return "pause"; }
    public List<Integer> nodes() { return List.of(node); }
    public List<String> args() { return List.of("pause", String.valueOf(node)); }
    public Optional<Fault> undo() { return Optional.of(new Resume(node)); }
  }

  record Resume(int node) implements Fault {
    public String verb() { return "resume"; }
    public List<Integer> nodes() { return List.of(node); }
    public List<String> args() { return List.of("resume", String.valueOf(node)); }
  }

  /** {@code count} times SIGSTOP for {@code pause}, SIGCONT, wait {@code gap}. */
  record Storm(int count, Duration pause, Duration gap) {}

  /** One fault from its first pause to its last resume: over when its command returns. */
  record PauseStorm(int node, Storm storm) implements Fault {
    public String verb() { return "pause-storm"; }
    public List<Integer> nodes() { return List.of(node); }
    public List<String> args() {
      return List.of("pause-storm", String.valueOf(node), String.valueOf(storm.count()), String.valueOf(storm.pause().toMillis()),
          String.valueOf(storm.gap().toMillis()));
    }
    public boolean opens() { return true; }
  }

  /** {@code side} cut off from {@code other} (empty: from the rest). */
  record Partition(List<Integer> side, List<Integer> other) implements Fault {
    public Partition {
      side = List.copyOf(side);
      other = List.copyOf(other);
    }
    public String verb() { return "partition"; }
    public List<Integer> nodes() { return side; }
    public List<String> args() {
      List<String> args = new ArrayList<>(List.of("partition"));
      side.forEach(n -> args.add(String.valueOf(n)));
      if (!other.isEmpty()) {
        args.add("--");
        other.forEach(n -> args.add(String.valueOf(n)));
      }
      return List.copyOf(args);
    }
    public Optional<Fault> undo() { return Optional.of(new Heal()); }
  }

  /** Ends every partition. */
  record Heal() implements Fault {
    public String verb() { return "heal"; }
    public List<String> args() { return List.of("heal"); }
  }

  /** Every packet of the node delayed {@code ms}. */
  record Slow(int node, int ms) implements Fault {
    public String verb() { return "slow"; }
    public List<Integer> nodes() { return List.of(node); }
    public List<String> args() { return List.of("slow", String.valueOf(node), String.valueOf(ms)); }
    public Optional<Fault> undo() { return Optional.of(new Fast(node)); }
  }

  record Fast(int node) implements Fault {
    public String verb() { return "fast"; }
    public List<Integer> nodes() { return List.of(node); }
    public List<String> args() { return List.of("fast", String.valueOf(node)); }
  }

  record JournalStop() implements Fault {
    public String verb() { return "journal-stop"; }
    public List<String> args() { return List.of("journal", "stop"); }
    public Optional<Fault> undo() { return Optional.of(new JournalStart()); }
  }

  /** SIGKILL of the journal database; journal-start brings it back on its data. */
  record JournalCrash() implements Fault {
    public String verb() { return "journal-crash"; }
    public List<String> args() { return List.of("journal", "crash"); }
    public Optional<Fault> undo() { return Optional.of(new JournalStart()); }
  }

  record JournalStart() implements Fault {
    public String verb() { return "journal-start"; }
    public List<String> args() { return List.of("journal", "start"); }
  }

  record JournalPause() implements Fault {
    public String verb() { return "journal-pause"; }
    public List<String> args() { return List.of("journal", "pause"); }
    public Optional<Fault> undo() { return Optional.of(new JournalResume()); }
  }

  record JournalResume() implements Fault {
    public String verb() { return "journal-resume"; }
    public List<String> args() { return List.of("journal", "resume"); }
  }

  /** SIGKILL of every node and the journal at once: a power loss. */
  record CrashAll() implements Fault {
    public String verb() { return "crash-all"; }
    public List<String> args() { return List.of("crash", "all"); }
    public Optional<Fault> undo() { return Optional.of(new StartAll()); }
  }

  /**
   * Every node and the journal started again on their data: ends a crash-all and any crash, stop,
   * journal stop or journal crash. Its arguments are only the verb: the cluster's own start
   * options are added by whoever knows them (the nemesis).
   */
  record StartAll() implements Fault {
    public String verb() { return "start-all"; }
    public List<String> args() { return List.of("start"); }
    public boolean ends(Fault open) {
      return open instanceof CrashAll || open instanceof Crash || open instanceof Stop || open instanceof JournalStop
          || open instanceof JournalCrash;
    }
  }

  /**
   * The fault {@code verb} (one of {@link #VERBS}) names: on {@code nodes} (one for the verbs of a
   * node), {@code other} a partition's other side (empty: the rest), {@code ms} slow's delay,
   * {@code storm} a pause storm's shape.
   *
   * @throws IllegalArgumentException for an unknown verb, or one without what it needs
   */
  static Fault of(String verb, List<Integer> nodes, List<Integer> other, Integer ms, Storm storm) {
    if (verb == null || !VERBS.contains(verb)) throw new IllegalArgumentException("'" + verb + "' is not one of " + VERBS);
    return switch (verb) {
      case "partition" -> {
        if (nodes.isEmpty()) throw new IllegalArgumentException("partition needs node = N or nodes = [...]");
        yield new Partition(nodes, other);
      }
      case "heal" -> new Heal();
      case "journal-stop" -> new JournalStop();
      case "journal-start" -> new JournalStart();
      case "journal-pause" -> new JournalPause();
      case "journal-resume" -> new JournalResume();
      case "journal-crash" -> new JournalCrash();
      case "crash-all" -> new CrashAll();
      case "start-all" -> new StartAll();
      default -> {
        if (nodes.size() != 1) throw new IllegalArgumentException(verb + " needs one node: node = N");
        int node = nodes.get(0);
        yield switch (verb) {
          case "crash" -> new Crash(node);
          case "stop" -> new Stop(node);
          case "restart" -> new Restart(node);
          case "pause" -> new Pause(node);
          case "resume" -> new Resume(node);
          case "fast" -> new Fast(node);
          case "slow" -> {
            if (ms == null) throw new IllegalArgumentException("slow needs ms = <delay>");
            yield new Slow(node, ms);
          }
          case "pause-storm" -> {
            if (storm == null) throw new IllegalArgumentException("pause-storm needs count = N, pause = <duration>, gap = <duration>");
            yield new PauseStorm(node, storm);
          }
          default -> throw new IllegalStateException("a verb of VERBS without its record: " + verb);
        };
      }
    };
  }

  /**
   * The fault a {@code scripts/cluster} command line names ({@code crash 2}, {@code journal crash},
   * {@code partition 1 -- 3}, as faults.log has them); empty for any other command or one that
   * does not parse.
   */
  static Optional<Fault> fromArgs(List<String> args) {
    if (args.isEmpty()) return Optional.empty();
    String word = args.get(0);
    List<String> rest = args.subList(1, args.size());
    try {
      if (word.equals("journal") && rest.size() == 1) return Optional.of(of("journal-" + rest.get(0), List.of(), List.of(), null, null));
      if (args.equals(List.of("crash", "all"))) return Optional.of(new CrashAll());
      if (args.equals(List.of("heal"))) return Optional.of(new Heal());
      int dash = rest.indexOf("--");
      if (word.equals("partition"))
        return Optional.of(of(word, numbers(dash < 0 ? rest : rest.subList(0, dash)),
            dash < 0 ? List.of() : numbers(rest.subList(dash + 1, rest.size())), null, null));
      List<Integer> n = numbers(rest);
      return Optional.ofNullable(switch (word) {
        case "crash", "stop", "restart", "pause", "resume", "fast" -> of(word, n, List.of(), null, null);
        case "slow" -> n.size() == 2 ? new Slow(n.get(0), n.get(1)) : null;
        case "pause-storm" -> n.size() == 4
            ? new PauseStorm(n.get(0), new Storm(n.get(1), Duration.ofMillis(n.get(2)), Duration.ofMillis(n.get(3)))) : null;
        default -> null;
      });
    } catch (IllegalArgumentException notAFault) { // another command, a node that is no number
      return Optional.empty();
    }
  }

  private static List<Integer> numbers(List<String> words) {
    return words.stream().map(Integer::valueOf).toList();
  }
}
