package dev.timeline.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Who follows whom in a run, fixed for the run. Users are indices 0..size-1; their ids are
 * rendered on demand ("u" + index for a generated graph, "n" + the file's number for an edge
 * list), and follows live in int arrays ({@link Adjacency}), so a graph of 100k users and 10M
 * follows takes about 40 MB and generates in seconds.
 */
public final class Graph {
  private final String prefix;
  /** The number in each user's id; null when it is the index itself. */
  private final long[] labels;
  private final Adjacency followers;
  /** Users 0..celebrities-1 are the generated celebrities. */
  private final int celebrities;

  private Graph(String prefix, long[] labels, Adjacency followers, int celebrities) {
    this.prefix = prefix;
    this.labels = labels;
    this.followers = followers;
    this.celebrities = celebrities;
  }

  /** How many users, from u0 on, are celebrities (0 unless generated with some). */
  public int celebrities() {
    return celebrities;
  }

  /** The graph an experiment's {@code graph} block describes. */
  static Graph of(Experiment.GraphSpec spec) {
    if (spec.file() != null) return fromEdgeFile(spec.file(), spec.symmetric());
    if (spec.followees() > 0) return withFollowees(spec.users(), spec.followees(), spec.seed());
    return generate(spec.users(), spec.meanFollowers(), spec.skew(), spec.seed(), spec.celebrities(), spec.celebrityFollowers());
  }

  public int size() {
    return followers.users();
  }

  public String id(int user) {
    return prefix + label(user);
  }

  /** The number in the user's id: the edge list's own id for a file, the index for a generated graph. */
  public long label(int user) {
    return labels == null ? user : labels[user];
  }

  public long follows() {
    return followers.edges();
  }

  public int followerCount(int user) {
    return followers.degree(user);
  }

  public int follower(int user, int k) {
    return followers.neighbour(user, k);
  }

  /** The user's followers, ascending. */
  public int[] followers(int user) {
    return followers.neighbours(user);
  }

  /** Who each user follows: computed on every call (a counting sort over all follows). */
  Adjacency following() {
    return followers.transposed();
  }

  /** user id -> follower ids, for the end-of-run delivery check; one String per follow, so for small graphs. */
  public Map<String, List<String>> followersById() {
    Map<String, List<String>> byId = new LinkedHashMap<>();
    for (int u = 0; u < size(); u++) {
      List<String> ids = new ArrayList<>(followerCount(u));
      for (int k = 0; k < followerCount(u); k++) ids.add(id(follower(u, k)));
      byId.put(id(u), List.copyOf(ids));
    }
    return byId;
  }

  /** Power-law followers without celebrities: see {@link #generate(int, double, double, long, int, double)}. */
  public static Graph generate(int users, double meanFollowers, double skew, long seed) {
    return generate(users, meanFollowers, skew, seed, 0, 0);
  }

  /**
   * {@code users} users whose follower counts follow a power law (Pareto with shape {@code skew},
   * scaled so the mean is {@code meanFollowers}), each capped at users - 1; followers picked
   * uniformly. The first {@code celebrities} users (u0, u1, ...) instead each have
   * {@code celebrityFollowers} × (users - 1) followers, on top of that mean. Same seed, same graph.
   */
  public static Graph generate(int users, double meanFollowers, double skew, long seed, int celebrities, double celebrityFollowers) {
    if (celebrities > users) throw new IllegalArgumentException("more celebrities (" + celebrities + ") than users (" + users + ")");
    Random random = new Random(seed);
    // Pareto(x_min, skew) has mean x_min * skew / (skew - 1).
    double xMin = meanFollowers * (skew - 1) / skew;
    int[] counts = new int[users];
    for (int i = 0; i < users; i++) {
      double draw = xMin / Math.pow(1 - random.nextDouble(), 1 / skew);
      counts[i] = (int) Math.min(users - 1, Math.round(draw));
    }
    for (int i = 0; i < celebrities; i++) counts[i] = (int) Math.round(celebrityFollowers * (users - 1));
    return new Graph("u", null, distinctRows(counts, random), celebrities);
  }

  /**
   * Every user follows exactly {@code followees} others, picked uniformly: a home timeline read
   * under pull then gathers from exactly that many authors (plus the reader).
   */
  public static Graph withFollowees(int users, int followees, long seed) {
    if (followees >= users) throw new IllegalArgumentException("followees (" + followees + ") must be below users (" + users + ")");
    int[] counts = new int[users];
    Arrays.fill(counts, followees);
    return new Graph("u", null, distinctRows(counts, new Random(seed)).transposed(), 0);
  }

  /**
   * Row i gets {@code counts[i]} distinct users other than i, uniformly. A stamp array marks who
   * row i has drawn, so no set is allocated; a row of more than half the users draws the users it
   * leaves out instead, so a celebrity followed by 90 % costs no more than one followed by 10 %.
   */
  private static Adjacency distinctRows(int[] counts, Random random) {
    int n = counts.length;
    long total = 0;
    for (int c : counts) total += c;
    if (total > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("too many follows for one graph: " + total);
    int[] offsets = new int[n + 1];
    for (int i = 0; i < n; i++) offsets[i + 1] = offsets[i] + counts[i];
    int[] targets = new int[(int) total];
    int[] stamp = new int[n];
    Arrays.fill(stamp, -1);
    for (int i = 0; i < n; i++) {
      int k = counts[i];
      int at = offsets[i];
      boolean drawChosen = k <= (n - 1) / 2;
      int draws = drawChosen ? k : n - 1 - k;
      stamp[i] = i;
      for (int drawn = 0; drawn < draws; ) {
        int candidate = random.nextInt(n);
        if (stamp[candidate] == i) continue;
        stamp[candidate] = i;
        drawn++;
        if (drawChosen) targets[at++] = candidate;
      }
      if (!drawChosen)
        for (int candidate = 0; candidate < n; candidate++) if (stamp[candidate] != i) targets[at++] = candidate;
      Arrays.sort(targets, offsets[i], offsets[i + 1]);
    }
    return new Adjacency(offsets, targets);
  }

  /**
   * An edge list ("u v" per line, non-negative numeric ids, more columns ignored; lines starting
   * with % or # are comments), as in ../shared/data/social-graphs: the lab's one reader of such
   * files (experiments and {@link DsbLoad}). Symmetric: each edge is a follow both ways; directed:
   * u follows v. Users are numbered in order of first appearance; a self-loop adds the user, not a
   * follow; a repeated edge is one follow. A line that is not such an edge is refused, by number.
   */
  public static Graph fromEdgeFile(Path file, boolean symmetric) {
    Map<Long, Integer> index = new HashMap<>();
    List<Long> labels = new ArrayList<>();
    IntList followee = new IntList();
    IntList follower = new IntList();
    try (BufferedReader in = Files.newBufferedReader(file)) {
      int lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        line = line.strip();
        if (line.isEmpty() || line.startsWith("%") || line.startsWith("#")) continue;
        String[] uv = line.split("[\\s,]+");
        long[] ends = new long[2];
        try {
          ends[0] = Long.parseLong(uv[0]);
          ends[1] = Long.parseLong(uv[1]);
          if (ends[0] < 0 || ends[1] < 0) throw new NumberFormatException("negative id");
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
          throw new IllegalArgumentException(file + ": line " + lineNo + " is not 'u v' with two user ids: '" + line + "'");
        }
        int u = index.computeIfAbsent(ends[0], label -> { labels.add(label); return labels.size() - 1; });
        int v = index.computeIfAbsent(ends[1], label -> { labels.add(label); return labels.size() - 1; });
        followee.add(v); // u follows v
        follower.add(u);
        if (symmetric) {
          followee.add(u);
          follower.add(v);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the graph file " + file, e);
    }
    long[] numbers = labels.stream().mapToLong(Long::longValue).toArray();
    return new Graph("n", numbers, Adjacency.fromEdges(numbers.length, followee.values, follower.values, followee.size), 0);
  }

  /** A growable int array, for reading edge lists without boxing every edge. */
  private static final class IntList {
    int[] values = new int[1024];
    int size;

    void add(int value) {
      if (size == values.length) values = Arrays.copyOf(values, size * 2);
      values[size++] = value;
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Graph g && prefix.equals(g.prefix) && Arrays.equals(labels, g.labels) && followers.equals(g.followers)
        && celebrities == g.celebrities;
  }

  @Override
  public int hashCode() {
    return Objects.hash(prefix, Arrays.hashCode(labels), followers, celebrities);
  }

  @Override
  public String toString() {
    return "Graph[" + size() + " users, " + follows() + " follows]";
  }
}
