package dev.timeline.lab.check;

import dev.timeline.lab.history.JournalWriters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Did any user entity run on two nodes at once? Each incarnation of an entity writes under its own
 * writer id, so a persistence id whose writers, in sequence-number order, go w1, w2, w1 had w1
 * writing again after w2 had taken over: two incarnations were alive and writing together. A
 * hand-over (w1, w2) or a restart (w1, w2, w3) is fine.
 */
public final class SingleWriter {

  private SingleWriter() {}

  /** {@code writers} null: the journal's writers could not be read, so nothing was checked. */
  public static SingleWriterResult check(JournalWriters writers) {
    if (writers == null) return SingleWriterResult.NOT_READ;
    int interleaved = 0;
    List<String> examples = new ArrayList<>();
    // Sorted, so that the examples are the same from run to run.
    for (Map.Entry<String, List<String>> e : new TreeMap<>(writers.writerRuns()).entrySet()) {
      Set<String> seen = new HashSet<>();
      String previous = null;
      boolean twice = false;
      for (String writer : e.getValue()) {
        // Runs are collapsed, but do not rely on it: a repeat of the previous run is the same run.
        if (!writer.equals(previous) && !seen.add(writer)) twice = true;
        previous = writer;
      }
      if (twice) {
        interleaved++;
        if (examples.size() < Delivery.MAX_EXAMPLES) examples.add(e.getKey() + ": " + String.join(", ", e.getValue()));
      }
    }
    return new SingleWriterResult(true, writers.persistenceIds(), writers.events(), writers.writerRuns().size(), interleaved, examples);
  }
}
