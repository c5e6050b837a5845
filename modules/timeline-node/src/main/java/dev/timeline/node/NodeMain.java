package dev.timeline.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.timeline.core.FanOut;
import dev.timeline.core.Journal;
import dev.timeline.core.TimelineConfig;
import dev.timeline.core.TimelineSettings;
import dev.timeline.core.UserEntity;
import dev.timeline.core.Users;
import dev.timeline.node.lab.LinkDelay;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.File;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * Runs one cluster node: an Akka cluster member that hosts user entities and fan-out, and serves
 * the HTTP API. It runs until coordinated shutdown ends it (SIGTERM, or being downed), which
 * leaves the cluster and then exits the JVM.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    version = "timeline-node 0.1.0",
    description = "Runs one timeline cluster node (Akka cluster member and HTTP API).",
    footer = {
        "",
        "Node i listens on Artery " + NodeMain.DefaultPorts.ARTERY + "+i, HTTP " + NodeMain.DefaultPorts.HTTP + "+i and admin "
            + NodeMain.DefaultPorts.ADMIN + "+i on 127.0.0.1 by default.",
        "Configuration, highest priority first: -D system properties, these options,",
        "--config FILE, application.conf, the modules' reference.conf.",
        "Exit status: 0 after a normal shutdown, 1 if the journal or a port is",
        "unavailable, 2 for bad options or configuration."})
public final class NodeMain implements Callable<Integer> {

  /**
   * A lone node's ports when no option names them, the only place that states them (scripts/cluster
   * names every port, from the cluster description it writes): node i on Artery ARTERY+i, HTTP
   * HTTP+i, admin ADMIN+i; with --fault-injection Artery binds RELAY_OFFSET above the port it
   * advertises.
   */
  public static final class DefaultPorts {
    public static final int ARTERY = 2550, HTTP = 8080, ADMIN = 8180, RELAY_OFFSET = 100;

    private DefaultPorts() {}
  }

  @Spec CommandSpec spec;

  @Option(names = "--index", paramLabel = "N", defaultValue = "1", description = "Node index i, 1-based (default: ${DEFAULT-VALUE}).")
  int index;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address to bind Artery and HTTP to (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--admin-host", paramLabel = "HOST",
      description = "Address to bind the admin port (/ready, /alive, --fault-injection, --bulk-import) to "
          + "(default: timeline.http.admin-host, 127.0.0.1, whatever --host is).")
  String adminHost;

  @Option(names = "--artery-port", paramLabel = "PORT", description = "Artery TCP port (default: " + DefaultPorts.ARTERY + " + index).")
  Integer arteryPort;

  @Option(names = "--artery-bind-port", paramLabel = "PORT",
      description = "With --fault-injection: the port Artery binds behind its relay (default: --artery-port + " + DefaultPorts.RELAY_OFFSET + ").")
  Integer arteryBindPort;

  @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port (default: " + DefaultPorts.HTTP + " + index).")
  Integer httpPort;

  @Option(names = "--seed", paramLabel = "HOST:PORT",
      description = "Artery address of a seed node; repeatable (default: 127.0.0.1:" + (DefaultPorts.ARTERY + 1) + ").")
  List<String> seeds;

  @Option(names = "--journal-url", paramLabel = "JDBC-URL", description = "Journal database URL (overrides timeline.journal.url).")
  String journalUrl;

  @Option(names = "--fault-injection",
      description = "Serve the fault-injection endpoints (network blackholes, link delay) on --fault-port. "
          + "For the local lab only: it turns on Artery's test mode and binds Artery to --artery-bind-port "
          + "behind a delaying relay on its advertised port.")
  boolean faultInjection;

  @Option(names = "--bulk-import",
      description = "Serve the bulk graph import (/admin/import/...) on --fault-port, for the lab's large graphs.")
  boolean bulkImport;

  @Option(names = "--fault-port", paramLabel = "PORT",
      description = "Admin HTTP port: readiness and liveness (/ready, /alive) always, and the endpoints of "
          + "--fault-injection and --bulk-import (default: " + DefaultPorts.ADMIN + " + index).")
  Integer faultPort;

  private int adminPort() {
    return faultPort != null ? faultPort : DefaultPorts.ADMIN + index;
  }

  private int arteryPort() {
    return arteryPort != null ? arteryPort : DefaultPorts.ARTERY + index;
  }

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON file overlaid on the defaults, e.g. config/node.conf.")
  File configFile;

  public static void main(String[] args) {
    System.exit(new CommandLine(new NodeMain()).execute(args));
  }

  @Override
  public Integer call() {
    if (index < 1) throw new ParameterException(spec.commandLine(), "--index must be at least 1");
    // Before the first logger exists: logback reads it once, to put the node name in every line.
    System.setProperty("NODE_NAME", "node-" + index);
    Config config;
    NodeSettings settings;
    try {
      config = config();
      settings = NodeSettings.of(config); // the node's and the core's keys, read once here
    } catch (ConfigException e) {
      System.err.println("node-" + index + ": bad configuration: " + e.getMessage());
      return 2;
    }
    var log = LoggerFactory.getLogger(NodeMain.class);

    String artery = config.getString("akka.remote.artery.canonical.hostname") + ":"
        + config.getInt("akka.remote.artery.canonical.port");
    LinkDelay linkDelay = null;
    if (faultInjection) {
      int canonical = config.getInt("akka.remote.artery.canonical.port");
      try {
        linkDelay = LinkDelay.start(host, canonical, config.getInt("akka.remote.artery.bind.port"));
      } catch (java.io.IOException e) {
        return fail("cannot listen on " + artery + " (is the port in use?)", e);
      }
    }
    ActorSystem<Void> system;
    try {
      system = ActorSystem.create(Behaviors.empty(), "timeline", config);
    } catch (RuntimeException e) {
      return fail("cannot start the cluster node on " + artery + " (is the port in use?)", e);
    }
    // From here a non-zero exit runs coordinated shutdown from the JVM hook, leaving cleanly.
    try {
      Journal.createTablesIfMissing(system, settings.core().journal(), Duration.ofSeconds(30));
      Journal.guardIdleTransactions(system, settings.core().journal());
    } catch (RuntimeException e) {
      return fail("journal unavailable", e);
    }
    UserEntity.init(system, settings.core());
    FanOut.init(system, settings.core());
    Users users = new Users(system, settings.core());

    try {
      // This node's one metrics registry, made here and handed to what reports into it.
      var metrics = new NodeMetrics(system, settings, new PrometheusRegistry());
      HttpServer.start(system, settings, users, settings.host(), settings.port(), metrics).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return fail("cannot serve HTTP on " + settings.host() + ":" + settings.port() + " (is the port in use?)", e);
    }
    // The admin port, on loopback: always for /ready and /alive, plus what the flags ask for.
    var admin = NodeRoutes.adminPort(system, settings, users, Optional.ofNullable(linkDelay), bulkImport);
    try {
      HttpServer.start(system, admin.what(), settings.adminHost(), adminPort(), admin.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return fail("cannot serve the admin endpoints on " + settings.adminHost() + ":" + adminPort() + " (is the port in use?)", e);
    }
    log.info("node-{} up: Artery {}, seeds {}", index, artery, config.getStringList("akka.cluster.seed-nodes"));
    system.getWhenTerminated().toCompletableFuture().join();
    return 0;
  }

  private int fail(String what, Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null) root = root.getCause();
    System.err.println("node-" + index + ": " + what + ": " + root.getMessage());
    LoggerFactory.getLogger(NodeMain.class).error(what, cause);
    return 1;
  }

  /**
   * These options over the --config overlay, merged by {@link TimelineConfig#load}; an embedded
   * H2 journal made durable (see {@link #durableJournalUrl}).
   */
  Config config() {
    Map<String, Object> options = new HashMap<>();
    options.put("akka.remote.artery.canonical.hostname", host);
    options.put("akka.remote.artery.canonical.port", arteryPort());
    options.put("akka.cluster.seed-nodes",
        (seeds == null ? List.of("127.0.0.1:" + (DefaultPorts.ARTERY + 1)) : seeds).stream().map(this::seedAddress).toList());
    options.put("timeline.http.host", host);
    // The admin port follows its own setting (loopback by default), never --host: its endpoints
    // break the cluster or rewrite its graph on request.
    if (adminHost != null) options.put("timeline.http.admin-host", adminHost);
    // Akka Management's routes are served on the admin port; it names itself by this address.
    options.put("akka.management.http.port", adminPort());
    options.put("timeline.http.port", httpPort != null ? httpPort : DefaultPorts.HTTP + index);
    if (journalUrl != null) options.put("timeline.journal.url", journalUrl);
    if (faultInjection) {
      options.put("akka.remote.artery.advanced.test-mode", "on");
      // Artery binds behind the port it advertises; LinkDelay relays from the advertised port.
      options.put("akka.remote.artery.bind.hostname", host);
      options.put("akka.remote.artery.bind.port", arteryBindPort != null ? arteryBindPort : arteryPort() + DefaultPorts.RELAY_OFFSET);
    }
    // A node whose actor system has shut down (SIGTERM, downed by the split brain resolver)
    // must not linger as a process that answers nothing.
    options.put("akka.coordinated-shutdown.exit-jvm", "on");

    Config overlay = configFile == null
        ? ConfigFactory.empty()
        : ConfigFactory.parseFile(configFile, ConfigParseOptions.defaults().setAllowMissing(false));
    Config given = ConfigFactory.parseMap(options, "command line options").withFallback(overlay);
    Config config = TimelineConfig.load(given);
    String url = config.getString("timeline.journal.url");
    String durable = durableJournalUrl(url);
    // Loaded again rather than patched: the Slick settings were resolved from the url.
    return durable.equals(url) ? config
        : TimelineConfig.load(ConfigFactory.parseMap(Map.of("timeline.journal.url", durable), "durable journal").withFallback(given));
  }

  /**
   * An H2 database embedded in this node (a file URL) gets {@code WRITE_DELAY=0} unless its URL
   * sets WRITE_DELAY itself: with H2's default of 500 ms a commit stays in memory for up to half a
   * second, so a node killed right after a 201 loses the acknowledged post. Server and in-memory
   * URLs are left as they are (an H2 server's URL carries its own setting).
   */
  static String durableJournalUrl(String url) {
    boolean embeddedFile = url.startsWith("jdbc:h2:file:") || url.matches("jdbc:h2:[./~].*");
    if (!embeddedFile || url.toUpperCase(java.util.Locale.ROOT).contains(";WRITE_DELAY=")) return url;
    return url + ";WRITE_DELAY=0";
  }

  private String seedAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try {
      if (colon < 1) throw new NumberFormatException();
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      return "akka://timeline@" + hostPort.substring(0, colon) + ":" + port;
    } catch (NumberFormatException e) {
      throw new ParameterException(spec.commandLine(), "--seed must be HOST:PORT, not '" + hostPort + "'");
    }
  }
}
