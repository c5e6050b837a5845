package dev.timeline.node;

import com.typesafe.config.Config;
import dev.timeline.core.TimelineSettings;
import dev.timeline.node.lab.JournalWriters;
import java.time.Duration;
import java.util.Locale;

/**
 * The runnable node's own settings ({@code timeline.http.*}, {@code timeline.metrics.*} in this
 * module's reference.conf), parsed once by {@link NodeMain} and handed to what serves HTTP: no
 * class of this module reads the actor system's config itself.
 *
 * @param host            public API address ({@code timeline.http.host})
 * @param port            public API port
 * @param adminHost       admin port address; loopback unless asked otherwise
 * @param maxBody         larger public request bodies are a 413
 * @param maxImportBody   the same for the lab's bulk import on the admin port
 * @param capacity        requests per second this node starts on /users... and /wrk2-api (0: no limit)
 * @param capacityQueue   a request that would wait longer for its turn is a 503 at once
 * @param maxInProgress   requests in progress on /users... and /wrk2-api at most; one more is a 503 at once (0: no bound)
 * @param clusterStatsTimeout  GET /cluster waits this long for shard statistics
 * @param metricsShardingTimeout  each Prometheus scrape waits this long for the shard regions
 * @param journalTable    the journal's event table as akka-persistence-jdbc names it (for the lab's
 *                        journal writers report)
 * @param described       what GET /cluster tells the lab about this node's domain settings
 */
public record NodeSettings(
    String host,
    int port,
    String adminHost,
    long maxBody,
    long maxImportBody,
    int capacity,
    Duration capacityQueue,
    int maxInProgress,
    Duration clusterStatsTimeout,
    Duration metricsShardingTimeout,
    JournalWriters.Table journalTable,
    TimelineSettings core) {

  /** Reads every key of this record from a node's whole, resolved configuration. */
  public static NodeSettings of(Config config) {
    TimelineSettings core = TimelineSettings.from(config);
    Config http = config.getConfig("timeline.http");
    return new NodeSettings(
        http.getString("host"),
        http.getInt("port"),
        http.getString("admin-host"),
        http.getBytes("max-body"),
        http.getBytes("max-import-body"),
        http.getInt("capacity"),
        http.getDuration("capacity-queue"),
        http.getInt("max-in-progress"),
        http.getDuration("cluster-stats-timeout"),
        config.getDuration("timeline.metrics.sharding-timeout"),
        JournalWriters.Table.of(config, core.journal().login()),
        core);
  }
}
