package dev.timeline.core;

/** Persistence ids are "User|id" (Akka's PersistenceId.of separator); this undoes that. */
final class PersistenceIds {
  private PersistenceIds() {}

  static String entityId(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    return bar < 0 ? persistenceId : persistenceId.substring(bar + 1);
  }
}
