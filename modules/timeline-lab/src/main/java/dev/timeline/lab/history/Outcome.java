package dev.timeline.lab.history;

/** As in Jepsen: ok (applied), fail (definitely not applied), info (unknown whether applied). */
public enum Outcome {
  ok,
  fail,
  info
}
