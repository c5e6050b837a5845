package dev.timeline.lab.check;

import java.util.List;

/**
 * A fault and what it did to the service. Times are milliseconds since the run started, except
 * {@code firstSuccessAfterMs}, which counts from the injection.
 *
 * @param firstSuccessAfterMs when a user the fault affected was first served again; null if no
 *                            user was affected or none was served again
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
    Double firstSuccessAfterMs,
    double failedSeconds,
    String verdict) {

  public FaultVerdict {
    nodes = List.copyOf(nodes);
  }
}
