package dev.timeline.lab.check;

import java.util.List;

/**
 * A fault and what it did to the service. Times are milliseconds since the run started, except
 * {@code servedAgainAfterMs}, which counts from the injection.
 *
 * @param servedAgainAfterMs when the last request due within the fault or its failure (up to
 *                           {@code failedUntilMs}) that was not served had completed (the
 *                           failover time as clients see it); null if every request was served
 * @param failedSeconds       failed windows overlapping the fault and right after it, in seconds
 * @param failedUntilMs       when its failure outlasted the fault, the end of the last failed
 *                            window after the fault's end; null if it did not
 * @param verdict             "tolerated", "became a failure for N s" (", M s of it after the fault
 *                            ended") or "data lost"
 */
public record FaultVerdict(
    String verb,
    List<Integer> nodes,
    double injectedMs,
    Double endedMs,
    Double detectedMs,
    Double downedMs,
    Double servedAgainAfterMs,
    double failedSeconds,
    Double failedUntilMs,
    String verdict) {

  public FaultVerdict {
    nodes = List.copyOf(nodes);
  }
}
