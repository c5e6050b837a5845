package dev.timeline.lab;

import java.util.Arrays;

/**
 * A directed graph over users 0..n-1 in compressed sparse rows: the neighbours of user i are
 * {@code targets[offsets[i] .. offsets[i + 1])}, sorted. Two int arrays whatever the size, so ten
 * million follows cost 40 MB, not ten million objects. Treated as immutable: nothing writes the
 * arrays after construction.
 */
record Adjacency(int[] offsets, int[] targets) {

  int users() {
    return offsets.length - 1;
  }

  long edges() {
    return targets.length;
  }

  int degree(int user) {
    return offsets[user + 1] - offsets[user];
  }

  int neighbour(int user, int k) {
    return targets[offsets[user] + k];
  }

  int[] neighbours(int user) {
    return Arrays.copyOfRange(targets, offsets[user], offsets[user + 1]);
  }

  /** The same edges the other way round (followers become followees), by a counting sort. */
  Adjacency transposed() {
    int n = users();
    int[] counts = new int[n + 1];
    for (int t : targets) counts[t + 1]++;
    for (int i = 0; i < n; i++) counts[i + 1] += counts[i];
    int[] next = Arrays.copyOf(counts, n);
    int[] reversed = new int[targets.length];
    // Sources are visited in increasing order, so every reversed row comes out sorted.
    for (int source = 0; source < n; source++)
      for (int e = offsets[source]; e < offsets[source + 1]; e++) reversed[next[targets[e]]++] = source;
    return new Adjacency(counts, reversed);
  }

  /**
   * From parallel edge arrays (length {@code count} used), each row sorted and without repeats or
   * self-loops.
   */
  static Adjacency fromEdges(int users, int[] from, int[] to, int count) {
    int[] offsets = new int[users + 1];
    for (int e = 0; e < count; e++) offsets[from[e] + 1]++;
    for (int i = 0; i < users; i++) offsets[i + 1] += offsets[i];
    int[] next = Arrays.copyOf(offsets, users);
    int[] targets = new int[count];
    for (int e = 0; e < count; e++) targets[next[from[e]]++] = to[e];
    // Sort each row, then squeeze out repeats and self-loops.
    int[] compact = new int[users + 1];
    int write = 0;
    for (int u = 0; u < users; u++) {
      Arrays.sort(targets, offsets[u], offsets[u + 1]);
      int rowStart = write;
      for (int e = offsets[u]; e < offsets[u + 1]; e++) {
        int t = targets[e];
        if (t == u || (write > rowStart && targets[write - 1] == t)) continue;
        targets[write++] = t;
      }
      compact[u + 1] = write;
    }
    return new Adjacency(compact, Arrays.copyOf(targets, write));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Adjacency a && Arrays.equals(offsets, a.offsets) && Arrays.equals(targets, a.targets);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(offsets) + Arrays.hashCode(targets);
  }

  @Override
  public String toString() {
    return "Adjacency[" + users() + " users, " + edges() + " edges]";
  }
}
