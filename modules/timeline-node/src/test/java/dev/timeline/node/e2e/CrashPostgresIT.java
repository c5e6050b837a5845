package dev.timeline.node.e2e;

/** {@link CrashScenario} on PostgreSQL (Debian's package), which scripts/cluster starts in its run directory. */
class CrashPostgresIT extends CrashScenario {
  @Override
  String journal() {
    return "postgres";
  }
}
