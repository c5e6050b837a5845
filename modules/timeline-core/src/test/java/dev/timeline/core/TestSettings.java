package dev.timeline.core;

import com.typesafe.config.ConfigFactory;

/** Core settings for tests that run entities without a node: reference.conf with some keys overridden. */
final class TestSettings {
  private TestSettings() {}

  static final TimelineSettings REFERENCE = with("");

  /** {@code hocon}: keys under {@code timeline}, e.g. {@code "home-timeline-size = 3"}. */
  static TimelineSettings with(String hocon) {
    return TimelineSettings.from(ConfigFactory.parseString("timeline {\n" + hocon + "\n}")
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }
}
