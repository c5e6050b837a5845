package dev.timeline.lab.dash;

import java.util.List;

/**
 * A fault button: exactly one {@code scripts/cluster} verb with its arguments. Only these verbs,
 * with a node index or milliseconds checked here, ever reach the script.
 */
record FaultCommand(List<String> args) {
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
    return switch (verb) {
      case "heal" -> new FaultCommand(List.of("heal"));
      case "journal-stop", "journal-start", "journal-crash" -> new FaultCommand(List.of("journal", verb.substring("journal-".length())));
      case "slow" -> {
        if (ms == null || ms < 0 || ms > 60_000) throw new IllegalArgumentException("slow needs ms, 0..60000");
        yield new FaultCommand(List.of("slow", nodeArg(verb, node), Integer.toString(ms)));
      }
      default -> new FaultCommand(List.of(verb, nodeArg(verb, node)));
    };
  }

  private static String nodeArg(String verb, Integer node) {
    if (node == null || node < 1 || node > 99) throw new IllegalArgumentException(verb + " needs a node index, 1..99");
    return Integer.toString(node);
  }

  /** As typed: {@code scripts/cluster crash 2}. */
  String line() {
    return "scripts/cluster " + String.join(" ", args);
  }
}
