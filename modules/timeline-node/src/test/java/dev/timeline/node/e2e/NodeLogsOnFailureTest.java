package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLogsOnFailureTest {
  @Test
  void aFailureCarriesTheLastLinesOfTheLogsWrittenSinceTheTestBegan(@TempDir Path e2e) throws Exception {
    Instant began = Instant.now();
    Path run = Files.createDirectories(e2e.resolve("netns"));
    Path recent = Files.writeString(run.resolve("node-1.log"), IntStream.rangeClosed(1, 40).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));
    // As the kernel's coarse clock may stamp it: a few milliseconds before the test began.
    Files.setLastModifiedTime(recent, FileTime.from(began.minusMillis(4)));
    Path old = Files.writeString(run.resolve("node-2.log"), "an earlier test's line\n");
    Files.setLastModifiedTime(old, FileTime.from(began.minusSeconds(60)));
    Files.writeString(run.resolve("cluster.conf"), "not a log\n");

    String tails = NodeLogsOnFailure.tails(e2e, began);
    assertTrue(tails.contains("--- netns/node-1.log (last 25 of 40 lines) ---\nline 16\n"), tails);
    assertTrue(tails.endsWith("line 40\n"), tails);
    assertFalse(tails.contains("line 15\n"), tails);
    assertFalse(tails.contains("an earlier test's line"), tails);
    assertFalse(tails.contains("not a log"), tails);
    assertEquals("", NodeLogsOnFailure.tails(e2e.resolve("none"), began));
  }
}
