package dev.timeline.core;

import java.util.List;

/**
 * How a tweet reaches followers, and every decision that depends on it. PUSH writes it into
 * every follower's home timeline; PULL only into the author's, and a home read gathers it;
 * HYBRID pushes below the follower threshold and pulls from celebrities at or above it (once
 * one, always one). Fixed per cluster: a tweet posted under PULL is in no home timeline, so
 * switching to PUSH later hides it.
 */
public enum Strategy {
  PUSH, PULL, HYBRID;

  public static Strategy parse(String name) {
    for (Strategy s : values()) if (s.name().equalsIgnoreCase(name)) return s;
    throw new IllegalArgumentException("must be push, pull or hybrid, not '" + name + "'");
  }

  /** Whether the author's next tweet is left for followers to pull (mentioned users still get it pushed). */
  boolean pulls(UserEntity.State author) {
    return this == PULL || (this == HYBRID && author.celebrity());
  }

  /** Hybrid: a user reaching {@code threshold} followers is a celebrity from then on. */
  boolean makesCelebrity(UserEntity.State user, int followers, int threshold) {
    return this == HYBRID && !user.celebrity() && followers >= threshold;
  }

  /** Followees whose tweets are pushed to {@code user}, so a rebuild of its home view reads them. */
  List<String> pushedFrom(UserEntity.State user) {
    if (this == PULL) return List.of();
    return user.following().toList().stream().filter(id -> !user.pulling().contains(id)).toList();
  }

  /** Followees whose tweets a home read of {@code user} gathers from their own timelines. */
  List<String> pullFrom(UserEntity.State user) {
    IdSet from = this == PULL ? user.following() : user.pulling();
    return from.toList().stream().filter(user.following()::contains).toList();
  }
}
