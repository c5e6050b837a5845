package dev.timeline.lab.dash;

import dev.timeline.lab.Console;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scripts/cluster dashboard}: serves the live dashboard until SIGTERM or Ctrl-C. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = "Serves a live page over the cluster of a scripts/cluster run directory on 127.0.0.1.")
public final class DashboardMain implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "8090", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--run-dir", required = true, description = "The cluster's run directory (scripts/cluster's TIMELINE_RUN_DIR).")
  Path runDir;

  @Option(names = "--root", defaultValue = ".", description = "The checkout whose scripts/cluster the fault buttons run.")
  Path root;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DashboardMain()).execute(args));
  }

  /**
   * Serves the dashboard of {@code runDir} from this JVM (the lab's, while an experiment runs), with
   * the load generator's view that {@code clients} hands out, and prints its URL; null, with the
   * reason printed, when it cannot (the port is taken).
   */
  public static AutoCloseable serve(Path root, Path runDir, int port, Supplier<ClientView> clients) {
    try {
      Dashboard dashboard = new Dashboard(root, runDir, port, clients);
      dashboard.start();
      Console.println("dashboard: http://127.0.0.1:" + dashboard.port() + "/ (live, until the experiment ends)");
      return dashboard;
    } catch (IOException e) {
      Console.println("dashboard: not started: " + (e instanceof BindException ? "port 127.0.0.1:" + port + " is taken" : e.toString())
          + " (experiment.dashboard.port picks another)");
      return null;
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Dashboard dashboard;
    try {
      dashboard = new Dashboard(root.toAbsolutePath().normalize(), runDir.toAbsolutePath().normalize(), port);
    } catch (BindException taken) {
      Console.error("dashboard: port 127.0.0.1:" + port + " is taken");
      return 1;
    } catch (IOException e) {
      Console.error("dashboard: " + e);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      dashboard.close();
      stopped.countDown();
    }, "dashboard-stop"));
    dashboard.start();
    Console.println("dashboard: http://127.0.0.1:" + dashboard.port() + "/ (cluster of " + runDir + ")");
    stopped.await();
    return 0;
  }
}
