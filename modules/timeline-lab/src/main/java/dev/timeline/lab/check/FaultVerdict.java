package dev.timeline.lab.check;

import java.util.List;

/**
 * A fault and what it did to the service. Times are milliseconds since the run started, except
 * {@code allServedAgainAfterMs}, which counts from the injection.
 *
 * @param allServedAgainAfterMs when every user the fault affected had been served again (the
 *                              failover time as users see it); null if no user was affected or
 *                              one was never served again
 * @param failedSeconds       failed windows overlapping the fault, in seconds
 * @param verdict             "tolerated", "became a failure for N s" or "data lost"
 */
public record FaultVerdict(
    String verb,
    List<Integer> nodes,
    double injectedMs,
    Double endedMs,
    Double detectedMs,
    Double downedMs,
    Double allServedAgainAfterMs,
    double failedSeconds,
    String verdict) {

  public FaultVerdict {
    nodes = List.copyOf(nodes);
  }
}
