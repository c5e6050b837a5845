package dev.timeline.lab;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where every process of a cluster listens, as {@code scripts/cluster start} (and {@code add})
 * wrote it to {@code cluster.conf} in its run directory: the lab and the dashboard take every
 * address from here, never from a port rule of their own.
 *
 * @param hosts      {@code loopback} (everything on 127.0.0.1) or {@code netns} (each node and the
 *                   journal in a network namespace of its own)
 * @param journalUrl the JDBC URL the nodes use
 * @param nodes      by node index
 * @param frontDoor  HOST:PORT of the front door while it runs, else null
 */
public record ClusterDescription(String hosts, String journalUrl, Map<Integer, Node> nodes, String frontDoor) {
  public static final String FILE = "cluster.conf";

  /** Node {@code index}: its Artery address, public HTTP API and admin port. */
  public record Node(int index, String host, int arteryPort, int httpPort, String adminHost, int adminPort) {
    public String http() {
      return "http://" + host + ":" + httpPort;
    }

    public String admin() {
      return "http://" + adminHost + ":" + adminPort;
    }

    /** HOST:PORT, as it appears in an Akka address. */
    public String artery() {
      return host + ":" + arteryPort;
    }
  }

  public ClusterDescription {
    nodes = Map.copyOf(nodes);
  }

  /** The description in {@code runDir}, if scripts/cluster wrote one there. */
  public static Optional<ClusterDescription> find(Path runDir) {
    Path file = runDir.resolve(FILE);
    return Files.isRegularFile(file) ? Optional.of(parse(file)) : Optional.empty();
  }

  /** The description in {@code runDir}; throws if there is none (no cluster was started there). */
  public static ClusterDescription read(Path runDir) {
    return find(runDir).orElseThrow(() -> new IllegalStateException(
        "no cluster description " + runDir.resolve(FILE) + " (scripts/cluster start writes it)"));
  }

  static ClusterDescription parse(Path file) {
    try {
      Config c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      Map<Integer, Node> nodes = new TreeMap<>();
      for (int i = 1; i <= c.getInt("nodes"); i++) {
        Config n = c.getConfig("node." + i);
        nodes.put(i, new Node(i, n.getString("host"), n.getInt("artery-port"), n.getInt("http-port"),
            n.getString("admin-host"), n.getInt("admin-port")));
      }
      return new ClusterDescription(c.getString("hosts"), c.getString("journal.url"), nodes,
          c.hasPath("front-door") ? c.getString("front-door") : null);
    } catch (ConfigException e) {
      throw new IllegalStateException("bad cluster description " + file + ": " + e.getMessage(), e);
    }
  }

  /** The front door's base URL ("http://HOST:PORT"), while it runs. */
  public Optional<String> frontDoorUrl() {
    return Optional.ofNullable(frontDoor).map(a -> "http://" + a);
  }

  public Node node(int index) {
    Node n = nodes.get(index);
    if (n == null) throw new IllegalArgumentException("node " + index + " is not in the cluster description (nodes " + nodes.keySet() + ")");
    return n;
  }

  /**
   * The index of the node with this Artery address ({@code akka://timeline@HOST:PORT} or
   * {@code HOST:PORT}), or 0 when no node of the description has it.
   */
  public int nodeOf(String address) {
    String hostPort = address.substring(address.indexOf('@') + 1);
    return nodes.values().stream().filter(n -> n.artery().equals(hostPort)).mapToInt(Node::index).findFirst().orElse(0);
  }
}
