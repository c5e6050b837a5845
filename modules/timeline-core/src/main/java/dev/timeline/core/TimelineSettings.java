package dev.timeline.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * The core's settings ({@code timeline.*} in reference.conf, where each key is explained), read
 * and checked once, by {@link #from}, when a node starts, and passed to what needs them. One
 * component per key; one nested record per section.
 *
 * @param pageMaxBytes what the tweets of one timeline page or delivery batch may take in a
 *     message (see {@link UserProtocol.TimelinePage#within}), so it fits an Artery frame
 * @param pullMaxFollowees followees a home read gathers from at most
 * @param entityStackBytes the thread stack the user entities need (see {@link DeepStacks})
 */
public record TimelineSettings(
    int homeTimelineSize,
    int userTimelineSize,
    int snapshotEvery,
    Duration askTimeout,
    Duration askResendInterval,
    Duration pullTimeout,
    int pullMaxFollowees,
    int pageMaxBytes,
    long entityStackBytes,
    HomeRebuildSettings homeRebuild,
    FanOutSettings fanOut,
    JournalSettings journal) {

  /** {@code timeline.home-rebuild}: how a starting entity rebuilds its home view (see {@link HomeView}). */
  public record HomeRebuildSettings(int parallelism, Duration readWait, Duration retryDelay) {}

  /** {@code timeline.fan-out}: the strategy, and the projections that carry tweets and follows (see {@link FanOut}). */
  public record FanOutSettings(Strategy strategy, int hybridThreshold, int instances, Duration deliveryTimeout,
                               int groupSize, Duration groupWithin, int maxInFlight, int retries, Duration retryDelay) {}

  /** {@code timeline.journal}: where it is; {@code abortIdleTransactionsAfter} zero when off. */
  public record JournalSettings(Journal.Login login, Duration abortIdleTransactionsAfter) {}

  /** Reads {@code timeline.*} of a node's whole configuration; a missing or bad value is a ConfigException naming the key. */
  public static TimelineSettings from(Config config) {
    long pageMaxBytes = config.getBytes("timeline.page-max-bytes");
    if (pageMaxBytes < 1 || pageMaxBytes > Integer.MAX_VALUE)
      throw bad(config, "timeline.page-max-bytes", "must be between 1 byte and 2GiB, not " + pageMaxBytes + " bytes");
    return new TimelineSettings(
        atLeast(config, "timeline.home-timeline-size", 1),
        atLeast(config, "timeline.user-timeline-size", 1),
        atLeast(config, "timeline.snapshot-every", 1),
        positive(config, "timeline.ask-timeout"),
        positive(config, "timeline.ask-resend-interval"),
        positive(config, "timeline.pull-timeout"),
        atLeast(config, "timeline.pull-max-followees", 1),
        (int) pageMaxBytes,
        config.getBytes("timeline.entity-stack"),
        new HomeRebuildSettings(
            atLeast(config, "timeline.home-rebuild.parallelism", 1),
            positive(config, "timeline.home-rebuild.read-wait"),
            positive(config, "timeline.home-rebuild.retry-delay")),
        new FanOutSettings(
            strategy(config, "timeline.fan-out.strategy"),
            atLeast(config, "timeline.fan-out.hybrid-threshold", 0),
            atLeast(config, "timeline.fan-out.instances", 1),
            positive(config, "timeline.fan-out.delivery-timeout"),
            atLeast(config, "timeline.fan-out.group-size", 1),
            positive(config, "timeline.fan-out.group-within"),
            atLeast(config, "timeline.fan-out.max-in-flight", 1),
            atLeast(config, "timeline.fan-out.retries", 0),
            positive(config, "timeline.fan-out.retry-delay")),
        new JournalSettings(Journal.Login.of(config), notNegative(config, "timeline.journal.abort-idle-transactions-after")));
  }

  private static Strategy strategy(Config c, String path) {
    try {
      return Strategy.parse(c.getString(path));
    } catch (IllegalArgumentException e) {
      throw bad(c, path, e.getMessage());
    }
  }

  private static int atLeast(Config c, String path, int min) {
    int value = c.getInt(path);
    if (value < min) throw bad(c, path, "must be at least " + min + ", not " + value);
    return value;
  }

  private static Duration positive(Config c, String path) {
    Duration value = c.getDuration(path);
    if (value.isNegative() || value.isZero()) throw bad(c, path, "must be longer than 0, not " + value);
    return value;
  }

  private static Duration notNegative(Config c, String path) {
    Duration value = c.getDuration(path);
    if (value.isNegative()) throw bad(c, path, "must not be negative, not " + value);
    return value;
  }

  private static ConfigException bad(Config c, String path, String message) {
    return new ConfigException.BadValue(c.getValue(path).origin(), path, message);
  }
}
