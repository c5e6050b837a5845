package dev.timeline.lab.history;

import java.util.List;
import java.util.Map;

/**
 * A node's {@code GET /admin/journal/writers}: who wrote each persistence id's events.
 *
 * @param persistenceIds persistence ids in the journal
 * @param events         events in the journal
 * @param writerRuns     for every persistence id with more than one writer, its writers in
 *                       sequence-number order, consecutive equal writers collapsed into one run
 */
public record JournalWriters(long persistenceIds, long events, Map<String, List<String>> writerRuns) {
  public JournalWriters {
    writerRuns = Map.copyOf(writerRuns);
  }
}
