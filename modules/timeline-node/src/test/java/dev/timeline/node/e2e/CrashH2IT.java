package dev.timeline.node.e2e;

/** {@link CrashScenario} on the embedded default journal, the H2 server that scripts/cluster starts. */
class CrashH2IT extends CrashScenario {
  @Override
  String journal() {
    return "h2";
  }
}
