package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimelineSettingsTest {

  @Test
  void theReferenceReadsAsDocumented() {
    TimelineSettings s = TestSettings.REFERENCE;
    assertEquals(800, s.homeTimelineSize());
    assertEquals(128 * 1024, s.pageMaxBytes());
    assertEquals(Duration.ofSeconds(2), s.askTimeout());
    assertEquals(new TimelineSettings.HomeRebuildSettings(8, Duration.ofSeconds(1), Duration.ofMillis(500)), s.homeRebuild());
    assertEquals(Strategy.PUSH, s.fanOut().strategy());
    assertEquals(8, s.fanOut().instances());
    assertEquals(Duration.ofSeconds(3), s.journal().abortIdleTransactionsAfter());
  }

  @Test
  void overridesAreRead() {
    TimelineSettings s = TestSettings.with("fan-out { strategy = HyBrid, hybrid-threshold = 0 }, journal.abort-idle-transactions-after = 0s");
    assertEquals(Strategy.HYBRID, s.fanOut().strategy());
    assertEquals(0, s.fanOut().hybridThreshold());
    assertEquals(Duration.ZERO, s.journal().abortIdleTransactionsAfter());
  }

  @Test
  void aBadValueIsRefusedNamingItsKey() {
    refused("fan-out.strategy = sideways", "timeline.fan-out.strategy", "push, pull or hybrid");
    refused("fan-out.instances = 0", "timeline.fan-out.instances", "at least 1");
    refused("home-timeline-size = -5", "timeline.home-timeline-size", "at least 1");
    refused("home-rebuild.read-wait = 0s", "timeline.home-rebuild.read-wait", "longer than 0");
    refused("journal.abort-idle-transactions-after = -1s", "timeline.journal.abort-idle-transactions-after", "negative");
    refused("page-max-bytes = 4GiB", "timeline.page-max-bytes", "2GiB");
    assertThrows(ConfigException.WrongType.class, () -> TestSettings.with("snapshot-every = often"));
  }

  private static void refused(String hocon, String key, String why) {
    var e = assertThrows(ConfigException.BadValue.class, () -> TestSettings.with(hocon), hocon);
    assertTrue(e.getMessage().contains(key) && e.getMessage().contains(why), e.getMessage());
  }
}
