package dev.timeline.lab.dash;

import dev.timeline.lab.ClusterDescription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What scripts/cluster's run directory says about the processes, read as its {@code status} reads
 * it: node-i.pid per node, the pid still being that node's process (its command line names
 * {@code --index i} and the node's main class or scripts/node), "T" in /proc/PID/stat when paused.
 */
final class RunDir {
  private static final Pattern NODE_PID = Pattern.compile("node-([0-9]+)\\.pid");

  enum Process { running, paused, crashed }

  record NodeProcess(int index, long pid, Process state, boolean faultInjection) {}

  private final Path dir;

  RunDir(Path dir) {
    this.dir = dir;
  }

  Path path() {
    return dir;
  }

  /** Where the nodes listen (cluster.conf, which scripts/cluster start writes), if it is there. */
  Optional<ClusterDescription> findDescription() {
    return ClusterDescription.find(dir);
  }

  /** Where the nodes listen; throws if no cluster was started here. */
  ClusterDescription description() {
    return ClusterDescription.read(dir);
  }

  /** Every node with a pid file, by index. */
  List<NodeProcess> nodes() {
    List<NodeProcess> nodes = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        Matcher m = NODE_PID.matcher(f.getFileName().toString());
        if (m.matches()) nodes.add(node(Integer.parseInt(m.group(1)), f));
      });
    } catch (IOException noRunDir) {
      return List.of();
    }
    nodes.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return nodes;
  }

  private static NodeProcess node(int index, Path pidFile) {
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).strip());
    } catch (IOException | NumberFormatException e) {
      return new NodeProcess(index, -1, Process.crashed, false);
    }
    Path proc = Path.of("/proc", Long.toString(pid));
    String cmdline, stat;
    try {
      cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', '\n') + "\n";
      stat = Files.readString(proc.resolve("stat"));
    } catch (IOException gone) {
      return new NodeProcess(index, pid, Process.crashed, false);
    }
    String state = stat.substring(stat.lastIndexOf(')') + 1).strip();
    boolean ours = cmdline.isBlank() || (cmdline.contains("\n--index\n" + index + "\n")
        && (cmdline.contains("dev.timeline.node.NodeMain") || cmdline.contains("/scripts/node")));
    if (!ours || state.startsWith("Z") || state.startsWith("X")) return new NodeProcess(index, pid, Process.crashed, false);
    return new NodeProcess(index, pid, state.startsWith("T") ? Process.paused : Process.running,
        cmdline.contains("\n--fault-injection\n"));
  }

  /**
   * Whether this cluster runs with fault injection: a node process started with
   * {@code --fault-injection} (scripts/cluster starts every node so), or, when none runs, a node
   * log whose admin port served the fault endpoints ("admin (..., fault injection, ...)").
   */
  boolean faultInjection(List<NodeProcess> nodes) {
    if (nodes.stream().anyMatch(n -> n.state() != Process.crashed)) return nodes.stream().anyMatch(NodeProcess::faultInjection);
    for (NodeProcess n : nodes) {
      try (Stream<String> lines = Files.lines(dir.resolve("node-" + n.index() + ".log"))) {
        if (lines.anyMatch(l -> l.contains("admin (") && l.contains("fault injection"))) return true;
      } catch (IOException | java.io.UncheckedIOException unreadable) {
        // no log: no evidence
      }
    }
    return false;
  }

  /** The lines of faults.log, the fault verbs scripts/cluster ran here (none yet: empty). */
  List<String> faultsLog() {
    try {
      return Files.readAllLines(dir.resolve("faults.log"));
    } catch (IOException | java.io.UncheckedIOException unreadable) {
      return List.of();
    }
  }
}
