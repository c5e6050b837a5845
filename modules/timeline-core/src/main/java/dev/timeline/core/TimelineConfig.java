package dev.timeline.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Loads the configuration for a timeline ActorSystem. reference.conf derives the journal's Slick
 * and projection settings from {@code timeline.journal.*}; ConfigFactory.load() would resolve
 * those substitutions before the caller's overrides apply, so here the reference stays
 * unresolved until everything is merged.
 */
public final class TimelineConfig {
  private TimelineConfig() {}

  /** System properties, then {@code overrides}, then application.conf, then every reference.conf. */
  public static Config load(Config overrides) {
    return ConfigFactory.defaultOverrides()
        .withFallback(overrides)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReferenceUnresolved())
        .resolve();
  }
}
