package dev.timeline.lab.check;

import java.util.List;

/**
 * The single-writer check, from the journal's writer runs.
 *
 * @param read                whether the journal's writers could be read at all
 * @param persistenceIds      persistence ids in the journal
 * @param events              events in the journal
 * @param severalWriters      persistence ids written by more than one incarnation (hand-overs)
 * @param interleaved         persistence ids where one incarnation wrote again after another had
 *                            written: the entity ran on two nodes at once
 * @param interleavedExamples up to 10, as "persistenceId: w1, w2, w1"
 */
public record SingleWriterResult(boolean read, long persistenceIds, long events, int severalWriters, int interleaved,
    List<String> interleavedExamples) {

  static final SingleWriterResult NOT_READ = new SingleWriterResult(false, 0, 0, 0, 0, List.of());

  public SingleWriterResult {
    interleavedExamples = List.copyOf(interleavedExamples);
  }
}
