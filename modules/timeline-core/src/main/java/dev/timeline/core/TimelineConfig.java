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

  /**
   * System properties, then {@code overrides}, then application.conf, then the journal driver,
   * Slick profile and projection dialect that suit {@code timeline.journal.url} (so a PostgreSQL
   * URL is all it takes to switch from H2), then every reference.conf.
   */
  public static Config load(Config overrides) {
    String url = merge(overrides, ConfigFactory.empty()).getString("timeline.journal.url");
    return merge(overrides, journalDefaultsFor(url));
  }

  private static Config merge(Config overrides, Config journalDefaults) {
    return ConfigFactory.defaultOverrides()
        .withFallback(overrides)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(journalDefaults)
        .withFallback(ConfigFactory.defaultReferenceUnresolved())
        .resolve();
  }

  static Config journalDefaultsFor(String url) {
    if (url.startsWith("jdbc:postgresql:"))
      return ConfigFactory.parseString("""
          timeline.journal {
            driver = "org.postgresql.Driver"
            slick-profile = "slick.jdbc.PostgresProfile$"
            projection-dialect = "postgres-dialect"
          }
          """);
    return ConfigFactory.empty(); // reference.conf's H2 settings
  }
}
