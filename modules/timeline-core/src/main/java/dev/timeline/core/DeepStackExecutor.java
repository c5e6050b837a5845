package dev.timeline.core;

import akka.dispatch.DispatcherPrerequisites;
import akka.dispatch.ExecutorServiceConfigurator;
import akka.dispatch.ExecutorServiceFactory;
import com.typesafe.config.Config;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of threads with a deep stack, for the dispatcher that runs the user entities.
 *
 * <p>Why: Akka 2.6's {@code EventSourcedBehavior} unstashes a command that persists nothing and
 * then the next one from inside the handling of the first (Running.onCommand → tryUnstashOne →
 * onCommand …), one level of stack per command, until a command persists. After a recovery, or
 * a write, that found a few thousand reads or deliveries stashed (a crashed node's followers all
 * rebuilding their home timelines from one author at once), a thread's default 1 MiB stack
 * overflows and the JVM exits (akka/akka#29933, fixed in Akka 2.9, whose licence this project
 * cannot take). The stash holds at most {@code akka.persistence.typed.stash-capacity} commands,
 * so a stack that takes that many levels ends the problem; {@code DeepStackExecutorTest} shows
 * both the overflow on an ordinary thread and its absence here.
 *
 * <p>Configured under the dispatcher's {@code deep-stack-executor}: {@code threads} and
 * {@code stack-size}. The stack is reserved address space, committed only as far as it is used.
 */
public final class DeepStackExecutor extends ExecutorServiceConfigurator {
  private final int threads;
  private final long stackSize;

  public DeepStackExecutor(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    Config own = config.getConfig("deep-stack-executor");
    this.threads = own.getInt("threads");
    this.stackSize = own.getBytes("stack-size");
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory akkas) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory deep = runnable -> {
      // Akka's threads, but deeper: its factory sets what a fatal error does (the system's
      // uncaught-exception handler), the daemon flag and the class loader; only it cannot set a stack size.
      Thread like = akkas.newThread(() -> {});
      Thread thread = new Thread(like.getThreadGroup(), runnable, id + "-" + count.incrementAndGet(), stackSize);
      thread.setDaemon(like.isDaemon());
      thread.setUncaughtExceptionHandler(like.getUncaughtExceptionHandler());
      thread.setContextClassLoader(like.getContextClassLoader());
      return thread;
    };
    return () -> Executors.newFixedThreadPool(threads, deep);
  }
}
