package dev.timeline.lab.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.timeline.lab.Experiment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep file: a base experiment and one or two varied parameters. Every key, with its default,
 * is documented in the lab's reference.conf ({@code sweep { ... }}); the base takes the keys of an
 * experiment file.
 *
 * @param base             the base experiment, rooted at {@code experiment} (without reference defaults)
 * @param x                the parameter along the x axis of every chart
 * @param series           the parameter that draws one line per value; null for a single line
 * @param throughputRatio  a point whose achieved ok rate falls below this times the offered rate is saturated
 */
public record SweepSpec(String name, String question, Config base, Axis x, Axis series, double throughputRatio) {

  /** Keys a sweep may not vary: a sweep point runs no fault schedule and checks no expectations. */
  static final List<String> NOT_VARIED = List.of("faults", "expect", "name", "description");

  /** Reads {@code file} with {@code overrides} (keys under {@code sweep}, e.g. sweep.base.duration) on top. */
  public static SweepSpec load(Path file, Config overrides) {
    Config parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    if (!parsed.hasPath("sweep")) throw new ConfigException.Missing("sweep");
    Config c = overrides.withFallback(parsed).withFallback(ConfigFactory.defaultReference()).resolve().getConfig("sweep");
    Axis x = axis(c, "x");
    Axis series = c.getIsNull("series") ? null : axis(c, "series");
    if (series != null && series.key().equals(x.key())) throw new ConfigException.BadValue("sweep.series.key", "must differ from sweep.x.key");
    double ratio = c.getDouble("saturation.throughput-ratio");
    if (!(ratio > 0 && ratio <= 1)) throw new ConfigException.BadValue("sweep.saturation.throughput-ratio", "must be in (0, 1]");
    String name = c.getString("name");
    if (!name.matches("[A-Za-z0-9_.-]+")) throw new ConfigException.BadValue("sweep.name", "letters, digits, '.', '_' and '-' only (it names a directory)");
    SweepSpec spec = new SweepSpec(name, c.getString("question"), c.getConfig("base").atPath("experiment"), x, series, ratio);
    spec.points(); // every point must be a valid experiment: fail now, not an hour in
    return spec;
  }

  private static Axis axis(Config c, String which) {
    Config a = c.getConfig(which);
    String key = a.getString("key");
    String path = "sweep." + which + ".key";
    if (NOT_VARIED.stream().anyMatch(k -> key.equals(k) || key.startsWith(k + ".")))
      throw new ConfigException.BadValue(path, "'" + key + "' cannot be varied by a sweep");
    if (!ConfigFactory.defaultReference().hasPath("experiment." + key))
      throw new ConfigException.BadValue(path, "'" + key + "' is not an experiment key (see reference.conf), e.g. load.rate, "
          + "load.mix, graph.mean-followers, graph.celebrity-followers, graph.followees, cluster.nodes, cluster.strategy");
    List<ConfigValue> values = new ArrayList<>(a.getList("values"));
    if (values.isEmpty()) throw new ConfigException.BadValue("sweep." + which + ".values", "needs at least one value");
    return new Axis(key, values);
  }

  /** Every point: series outer, x inner, as one experiment each (validated). */
  public List<SweepPoint.Plan> points() {
    List<SweepPoint.Plan> plans = new ArrayList<>();
    int seriesCount = series == null ? 1 : series.values().size();
    for (int s = 0; s < seriesCount; s++)
      for (int i = 0; i < x.values().size(); i++) {
        Config point = base.withValue("experiment." + x.key(), x.values().get(i));
        if (series != null) point = point.withValue("experiment." + series.key(), series.values().get(s));
        String label = (series == null ? "" : series.key() + " " + series.label(s) + ", ") + x.key() + " " + x.label(i);
        point = point.withValue("experiment.name", ConfigValueFactory.fromAnyRef(name + ": " + label));
        plans.add(new SweepPoint.Plan(plans.size(), series == null ? null : s, i, label, Experiment.fromConfig(point)));
      }
    return plans;
  }
}
