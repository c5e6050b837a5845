package dev.timeline.lab.dash;

import dev.timeline.lab.Fault;
import java.util.List;

/**
 * A fault button: exactly one {@code scripts/cluster} fault verb. Only these verbs, with a node
 * index or milliseconds checked here, ever reach the script.
 */
record FaultCommand(Fault fault) {
  /** The buttons' verbs. */
  static final List<String> VERBS = List.of("crash", "pause", "resume", "restart", "partition", "heal", "slow", "fast",
      "journal-stop", "journal-start", "journal-crash");

  /**
   * The command for a button: {@code verb} one of {@link #VERBS}; {@code node} for the node verbs
   * (1..99); {@code ms} for slow (0..60000).
   * @throws IllegalArgumentException naming what is wrong
   */
  static FaultCommand of(String verb, Integer node, Integer ms) {
    if (verb == null || !VERBS.contains(verb)) throw new IllegalArgumentException("unknown fault '" + verb + "'; one of " + VERBS);
    if (verb.equals("slow") && (ms == null || ms < 0 || ms > 60_000)) throw new IllegalArgumentException("slow needs ms, 0..60000");
    boolean inRange = node != null && node >= 1 && node <= 99;
    Fault fault;
    try {
      fault = Fault.of(verb, inRange ? List.of(node) : List.of(), List.of(), ms, null);
    } catch (IllegalArgumentException noNode) {
      throw new IllegalArgumentException(verb + " needs a node index, 1..99");
    }
    return new FaultCommand(fault);
  }

  List<String> args() {
    return fault.args();
  }

  /** As typed: {@code scripts/cluster crash 2}. */
  String line() {
    return "scripts/cluster " + String.join(" ", args());
  }
}
