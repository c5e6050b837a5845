package dev.timeline.lab.sweep;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One varied parameter of a sweep: an experiment key (relative to {@code experiment}, e.g.
 * {@code load.rate}) and the values it takes, in order. A value may be a number, a string or an
 * object (e.g. a whole {@code load.mix}).
 */
public record Axis(String key, List<ConfigValue> values) {

  public Axis {
    values = List.copyOf(values);
  }

  /** How value i reads in a chart legend, a CSV cell and a progress line: 200, pull, home=30 post=50 user=20 (keys sorted). */
  public String label(int i) {
    ConfigValue v = values.get(i);
    if (v.valueType() == ConfigValueType.OBJECT) {
      Map<String, Object> map = ((com.typesafe.config.ConfigObject) v).unwrapped();
      return new java.util.TreeMap<>(map).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
    if (v.valueType() == ConfigValueType.LIST) return v.render(ConfigRenderOptions.concise());
    return String.valueOf(v.unwrapped());
  }

  /** Value i as a number, or null when it is not one. */
  public Double number(int i) {
    return values.get(i).unwrapped() instanceof Number n ? n.doubleValue() : null;
  }

  /** Whether every value is a number: the charts then use a linear x axis, else one category per value. */
  public boolean numeric() {
    for (int i = 0; i < values.size(); i++) if (number(i) == null) return false;
    return true;
  }
}
