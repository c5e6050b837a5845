package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphTest {
  @TempDir Path dir;

  @Test
  void aGeneratedGraphHasTheMeanItWasAskedForAndAHeavyTail() {
    Graph g = Graph.generate(5000, 20, 1.5, 42);
    double mean = (double) g.follows() / g.size();
    assertEquals(20, mean, 3, "mean followers");
    int max = 0;
    for (int u = 0; u < g.size(); u++) max = Math.max(max, g.followerCount(u));
    assertTrue(max > 200, "a power law has users with far more followers than the mean: " + max);
    assertWellFormed(g);
  }

  @Test
  void theSameSeedGivesTheSameGraphAndAnotherSeedAnother() {
    assertEquals(Graph.generate(300, 20, 1.5, 7, 1, 0.3), Graph.generate(300, 20, 1.5, 7, 1, 0.3));
    assertNotEquals(Graph.generate(300, 20, 1.5, 7), Graph.generate(300, 20, 1.5, 8));
  }

  @Test
  void celebritiesAreFollowedByTheirFractionOfEveryone() {
    Graph g = Graph.generate(2000, 10, 1.5, 3, 2, 0.4);
    assertEquals(Math.round(0.4 * 1999), g.followerCount(0), "u0 is followed by 40 % of the others");
    assertEquals(Math.round(0.4 * 1999), g.followerCount(1));
    assertEquals("u0", g.id(0));
    Graph half = Graph.generate(1000, 10, 1.5, 3, 1, 0.9);
    assertEquals(Math.round(0.9 * 999), half.followerCount(0), "more than half: drawn as the complement, same count");
    Graph everyone = Graph.generate(1000, 10, 1.5, 3, 1, 1.0);
    assertEquals(999, everyone.followerCount(0), "everyone but itself");
    assertWellFormed(g);
    assertWellFormed(half);
    assertWellFormed(everyone);
    // Without celebrities the same seed draws the others the same way: they add to the mean, not replace it.
    double othersMean = (g.follows() - g.followerCount(0) - g.followerCount(1)) / (double) (g.size() - 2);
    assertEquals(10, othersMean, 2.5);
  }

  @Test
  void everyUserCanFollowExactlyKOthers() {
    Graph g = Graph.withFollowees(500, 25, 1);
    Adjacency following = g.following();
    for (int u = 0; u < g.size(); u++) assertEquals(25, following.degree(u), "u" + u + " follows 25");
    assertEquals(500L * 25, g.follows());
    assertWellFormed(g);
  }

  @Test
  void followingIsFollowersTurnedAround() {
    Graph g = Graph.generate(200, 8, 1.5, 5);
    Adjacency following = g.following();
    long edges = 0;
    for (int u = 0; u < g.size(); u++)
      for (int f : g.followers(u)) {
        assertTrue(java.util.Arrays.binarySearch(following.neighbours(f), u) >= 0, f + " follows " + u);
        edges++;
      }
    assertEquals(edges, following.edges());
  }

  @Test
  void aHundredThousandUsersWithTenMillionFollowsGenerateInSeconds() {
    long t0 = System.nanoTime();
    Graph g = Graph.generate(100_000, 100, 1.5, 42, 1, 0.5);
    Adjacency following = g.following();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(g.follows() > 9_000_000, "about 10M follows: " + g.follows());
    assertEquals(g.follows(), following.edges());
    assertTrue(seconds < 20, "generated and turned around in " + seconds + " s");
  }

  @Test
  void anEdgeListIsReadSymmetricOrDirected() throws IOException {
    Path file = dir.resolve("g.edges");
    Files.writeString(file, "% comment\n1 0\n2 0\n2 1\n3 3\n1 0\n");
    Graph symmetric = Graph.fromEdgeFile(file, true);
    Map<String, List<String>> s = symmetric.followersById();
    assertEquals(List.of("n1", "n2"), s.get("n0"));
    assertEquals(List.of("n0", "n2"), s.get("n1"));
    assertEquals(6, symmetric.follows(), "the repeated edge counts once");
    Graph directed = Graph.fromEdgeFile(file, false);
    Map<String, List<String>> d = directed.followersById();
    assertEquals(List.of("n1", "n2"), d.get("n0"));
    assertEquals(List.of("n2"), d.get("n1"));
    assertEquals(List.of(), d.get("n3"), "a self-loop is no follow");
    assertEquals(3, directed.follows());
  }

  /** Nobody follows themselves or anyone twice; rows are sorted. */
  static void assertWellFormed(Graph g) {
    for (int u = 0; u < g.size(); u++) {
      int[] followers = g.followers(u);
      int[] sorted = followers.clone();
      java.util.Arrays.sort(sorted);
      assertArrayEquals(sorted, followers);
      for (int i = 0; i < followers.length; i++) {
        assertNotEquals(u, followers[i], "nobody follows themselves");
        if (i > 0) assertNotEquals(followers[i - 1], followers[i], "no follow twice");
      }
    }
  }
}
