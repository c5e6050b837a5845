package dev.timeline.lab.history;

import java.util.List;

/**
 * A fault the nemesis injected and what the cluster showed of it, in milliseconds since the run
 * started. Null where it did not happen (no member ever became unreachable, ...).
 *
 * @param verb         the scripts/cluster verb: crash, pause, partition, slow, journal-stop, ...
 * @param nodes        the nodes it was applied to (empty for journal faults)
 * @param injectedMs   when the verb was run
 * @param endedMs      when the fault ended (its restart, resume, heal, fast, journal start), if it did
 * @param detectedMs   when a live node first reported one of {@code nodes} unreachable
 * @param downedMs     when a live node first no longer listed one of {@code nodes} as a member, or as Down
 */
public record FaultRecord(
    String verb,
    List<Integer> nodes,
    double injectedMs,
    Double endedMs,
    Double detectedMs,
    Double downedMs) {}
