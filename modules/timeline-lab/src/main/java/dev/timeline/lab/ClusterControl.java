package dev.timeline.lab;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * scripts/cluster, run as a user would, in the lab's own run directory. Output of every call is
 * appended to {@code cluster.log} in the results directory.
 */
final class ClusterControl {
  private final Path root;
  private final Path runDir;
  private final Path transcript;

  ClusterControl(Path root, Path runDir, Path transcript) {
    this.root = root;
    this.runDir = runDir;
    this.transcript = transcript;
  }

  Path runDir() {
    return runDir;
  }

  /** Runs {@code scripts/cluster args}; throws with its output unless it exits 0 within 5 minutes. */
  String run(String... args) {
    List<String> command = new ArrayList<>(List.of(root.resolve("scripts/cluster").toString()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("cluster", ".out");
      ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().put("TIMELINE_RUN_DIR", runDir.toString());
      Process process = builder.start();
      boolean done = process.waitFor(5, TimeUnit.MINUTES);
      if (!done) process.destroyForcibly().waitFor();
      String output = Files.readString(out);
      Files.delete(out);
      Files.writeString(transcript, "$ scripts/cluster " + String.join(" ", args) + "\n" + output,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      if (!done || process.exitValue() != 0)
        throw new IllegalStateException("scripts/cluster " + String.join(" ", args) + (done ? " failed" : " timed out") + ":\n" + output);
      return output;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** What {@code scripts/cluster status --json} says of the cluster's processes now. */
  ClusterStatus status() {
    return ClusterStatus.parse(run("status", "--json"));
  }

  /** The run directory's node logs and the journal log, for the report. */
  List<Path> logs() {
    try (var files = Files.list(runDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
