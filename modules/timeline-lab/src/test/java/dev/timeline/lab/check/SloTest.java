package dev.timeline.lab.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import dev.timeline.lab.history.OpType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SloTest {

  @Test
  void theDefaultsAreTheReferenceConfiguration() {
    Slo slo = Slo.fromConfig(ConfigFactory.parseString(
        "window = 1s, success-ratio = 0.99, p99 { post = 1000ms, home = 500ms, user = 500ms }, fan-out-lag = 5s"));

    assertEquals(Slo.defaults(), slo);
  }

  @Test
  void boundsLeftOutAreNotChecked() {
    Slo slo = Slo.fromConfig(ConfigFactory.parseString("window = 250ms, success-ratio = 0.9, p99 { post = 2s }, fan-out-lag = null"));

    assertEquals(250, slo.windowMs());
    assertEquals(Map.of(OpType.post, 2000.0), slo.maxP99Ms());
    assertNull(slo.maxFanOutLagMs());
  }

  @Test
  void aWindowMustHaveALength() {
    assertThrows(IllegalArgumentException.class, () -> new Slo(0, 0.99, Map.of(), null));
  }
}
