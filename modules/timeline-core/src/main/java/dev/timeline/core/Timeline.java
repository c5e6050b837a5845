package dev.timeline.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * An immutable list of tweets, newest first, without duplicates, holding at most the newest
 * {@code capacity} entries. Inserting copies the array (capacity is small: hundreds), which keeps
 * the entity state a plain value.
 */
public final class Timeline {
  private static final Tweet[] NONE = new Tweet[0];
  private final Tweet[] newestFirst;

  private Timeline(Tweet[] newestFirst) {
    this.newestFirst = newestFirst;
  }

  public static Timeline empty() {
    return new Timeline(NONE);
  }

  // DELEGATING: the value is the bare JSON array. Left to infer the mode, Jackson 2.11 with the
  // parameter-names module (as Akka configures it) takes the parameter name for a property and
  // then fails to read the array it wrote.
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Timeline of(List<Tweet> tweets) {
    Tweet[] sorted = tweets.toArray(NONE);
    Arrays.sort(sorted, (a, b) -> b.id().compareTo(a.id()));
    return new Timeline(sorted);
  }

  @JsonValue
  public List<Tweet> tweets() {
    return Collections.unmodifiableList(Arrays.asList(newestFirst));
  }

  public int size() {
    return newestFirst.length;
  }

  /** Where the tweet id is or would go: index if present, else -(insertion point) - 1. */
  private int search(String tweetId) {
    int lo = 0, hi = newestFirst.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = newestFirst[mid].id().compareTo(tweetId);
      if (c > 0) lo = mid + 1; // newest first: larger ids come earlier
      else if (c < 0) hi = mid - 1;
      else return mid;
    }
    return -(lo + 1);
  }

  /** True when inserting would change nothing: a duplicate, or older than a full timeline keeps. */
  public boolean wouldIgnore(Tweet tweet, int capacity) {
    int at = search(tweet.id());
    return at >= 0 || -(at + 1) >= capacity;
  }

  public Timeline insert(Tweet tweet, int capacity) {
    if (wouldIgnore(tweet, capacity)) return this;
    int at = -(search(tweet.id()) + 1);
    int newSize = Math.min(newestFirst.length + 1, capacity);
    Tweet[] next = new Tweet[newSize];
    System.arraycopy(newestFirst, 0, next, 0, at);
    next[at] = tweet;
    System.arraycopy(newestFirst, at, next, at + 1, newSize - at - 1);
    return new Timeline(next);
  }

  public Optional<Tweet> find(Predicate<Tweet> predicate) {
    for (Tweet t : newestFirst) if (predicate.test(t)) return Optional.of(t);
    return Optional.empty();
  }

  /** Up to {@code limit} tweets strictly older than {@code cursor} (a tweet id), or from the top. */
  public List<Tweet> page(Optional<String> cursor, int limit) {
    return page(cursor, 0, limit);
  }

  /** The same, leaving out the first {@code skip} of them (an offset read: DeathStarBench's start). */
  public List<Tweet> page(Optional<String> cursor, int skip, int limit) {
    if (skip < 0) throw new IllegalArgumentException("skip must not be negative: " + skip);
    int after = cursor.map(c -> {
      int at = search(c);
      return at >= 0 ? at + 1 : -(at + 1);
    }).orElse(0);
    int from = (int) Math.min(newestFirst.length, (long) after + skip);
    List<Tweet> out = new ArrayList<>(Math.min(limit, Math.max(0, newestFirst.length - from)));
    for (int i = from; i < newestFirst.length && out.size() < limit; i++) out.add(newestFirst[i]);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Timeline t && Arrays.equals(newestFirst, t.newestFirst);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(newestFirst);
  }

  @Override
  public String toString() {
    return "Timeline" + Arrays.toString(newestFirst);
  }
}
