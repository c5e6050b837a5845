package dev.timeline.lab.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.timeline.lab.history.JournalWriters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SingleWriterTest {

  @Test
  void aWriterThatWritesAgainAfterAnotherRanTwiceAtOnce() {
    JournalWriters writers = new JournalWriters(4, 40, Map.of(
        "User|alice", List.of("w1", "w2", "w1"),   // w1 wrote on after w2 took over: two at once
        "User|bob", List.of("w3", "w4"),           // a hand-over
        "User|carol", List.of("w5", "w6", "w7"),   // two hand-overs (a crash, a cold restart)
        "User|dave", List.of("w8", "w9", "w10", "w9")));

    SingleWriterResult result = SingleWriter.check(writers);

    assertEquals(2, result.interleaved());
    assertEquals(List.of("User|alice: w1, w2, w1", "User|dave: w8, w9, w10, w9"), result.interleavedExamples());
    assertEquals(4, result.severalWriters());
    assertEquals(40, result.events());
  }

  @Test
  void handOversAloneAreFine() {
    SingleWriterResult result = SingleWriter.check(new JournalWriters(3, 30, Map.of("User|bob", List.of("w3", "w4"))));

    assertEquals(0, result.interleaved());
    assertEquals(1, result.severalWriters());
  }

  @Test
  void aRepeatedRunIsOneRunNotTwoIncarnations() {
    SingleWriterResult result = SingleWriter.check(new JournalWriters(1, 5, Map.of("User|bob", List.of("w3", "w3", "w4"))));

    assertEquals(0, result.interleaved());
  }

  @Test
  void writersNotReadAreNotChecked() {
    assertFalse(SingleWriter.check(null).read());
  }
}
