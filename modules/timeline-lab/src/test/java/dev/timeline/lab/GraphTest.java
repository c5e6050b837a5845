package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphTest {
  @TempDir Path dir;

  @Test
  void aGeneratedGraphHasTheMeanItWasAskedForAndAHeavyTail() {
    Graph g = Graph.generate(5000, 20, 1.5, 42);
    double mean = (double) g.follows() / g.users().size();
    assertEquals(20, mean, 3, "mean followers");
    int max = g.followersOf().values().stream().mapToInt(List::size).max().orElseThrow();
    assertTrue(max > 200, "a power law has users with far more followers than the mean: " + max);
    g.followersOf().forEach((user, followers) -> {
      assertTrue(!followers.contains(user), "nobody follows themselves");
      assertEquals(followers.size(), followers.stream().distinct().count(), "no follow twice");
    });
  }

  @Test
  void theSameSeedGivesTheSameGraph() {
    assertEquals(Graph.generate(300, 20, 1.5, 7), Graph.generate(300, 20, 1.5, 7));
  }

  @Test
  void anEdgeListIsReadSymmetricOrDirected() throws IOException {
    Path file = dir.resolve("g.edges");
    Files.writeString(file, "% comment\n1 0\n2 0\n2 1\n3 3\n");
    Graph symmetric = Graph.fromEdgeFile(file, true);
    assertEquals(List.of("n1", "n2"), symmetric.followersOf().get("n0"));
    assertEquals(List.of("n0", "n2"), symmetric.followersOf().get("n1"));
    assertEquals(6, symmetric.follows());
    Graph directed = Graph.fromEdgeFile(file, false);
    assertEquals(List.of("n1", "n2"), directed.followersOf().get("n0"));
    assertEquals(List.of("n2"), directed.followersOf().get("n1"));
    assertEquals(List.of(), directed.followersOf().get("n3"), "a self-loop is no follow");
    assertEquals(3, directed.follows());
  }
}
