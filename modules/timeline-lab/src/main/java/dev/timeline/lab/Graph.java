package dev.timeline.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Who follows whom in a run: user ids and, per user, its followers. Fixed for the run. */
public record Graph(List<String> users, Map<String, List<String>> followersOf) {

  public long follows() {
    return followersOf.values().stream().mapToLong(List::size).sum();
  }

  /**
   * {@code users} users whose follower counts follow a power law (Pareto with shape {@code skew},
   * scaled so the mean is {@code meanFollowers}), each capped at users - 1; followers picked
   * uniformly. The same seed gives the same graph.
   */
  public static Graph generate(int users, double meanFollowers, double skew, long seed) {
    Random random = new Random(seed);
    List<String> ids = new ArrayList<>(users);
    for (int i = 0; i < users; i++) ids.add("u" + i);
    // Pareto(x_min, skew) has mean x_min * skew / (skew - 1).
    double xMin = meanFollowers * (skew - 1) / skew;
    Map<String, List<String>> followersOf = new LinkedHashMap<>();
    for (int i = 0; i < users; i++) {
      double draw = xMin / Math.pow(1 - random.nextDouble(), 1 / skew);
      int count = (int) Math.min(users - 1, Math.round(draw));
      Set<Integer> chosen = new TreeSet<>();
      while (chosen.size() < count) {
        int follower = random.nextInt(users);
        if (follower != i) chosen.add(follower);
      }
      followersOf.put(ids.get(i), chosen.stream().map(ids::get).toList());
    }
    return new Graph(List.copyOf(ids), followersOf);
  }

  /**
   * An edge list ("u v" per line, numeric ids; lines starting with % or # are comments), as in
   * ../shared/data/social-graphs. Symmetric: each edge is a follow both ways; directed: u follows v.
   */
  public static Graph fromEdgeFile(Path file, boolean symmetric) {
    Map<String, Set<String>> followers = new LinkedHashMap<>();
    try (Stream<String> lines = Files.lines(file)) {
      lines.map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("%") && !line.startsWith("#"))
          .forEach(line -> {
            String[] uv = line.split("[\\s,]+");
            if (uv.length < 2) throw new IllegalArgumentException(file + ": not an edge: '" + line + "'");
            String u = "n" + Long.parseLong(uv[0]);
            String v = "n" + Long.parseLong(uv[1]);
            followers.computeIfAbsent(u, k -> new HashSet<>());
            followers.computeIfAbsent(v, k -> new HashSet<>());
            if (u.equals(v)) return;
            followers.get(v).add(u); // u follows v
            if (symmetric) followers.get(u).add(v);
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the graph file " + file, e);
    }
    Map<String, List<String>> followersOf = new LinkedHashMap<>();
    followers.forEach((user, set) -> {
      List<String> sorted = new ArrayList<>(set);
      Collections.sort(sorted);
      followersOf.put(user, List.copyOf(sorted));
    });
    return new Graph(List.copyOf(followersOf.keySet()), followersOf);
  }
}
