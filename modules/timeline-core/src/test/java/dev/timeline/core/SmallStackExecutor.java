package dev.timeline.core;

import akka.dispatch.DispatcherPrerequisites;
import akka.dispatch.ExecutorServiceConfigurator;
import akka.dispatch.ExecutorServiceFactory;
import com.typesafe.config.Config;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of threads with a stack of a given size, smaller than the JVM's: what a default
 * stack does with a full stash of commands ({@link DeepStacksTest}). Configured under the
 * dispatcher's {@code small-stack-executor}: {@code threads} and {@code stack-size}.
 */
public final class SmallStackExecutor extends ExecutorServiceConfigurator {
  private final int threads;
  private final long stackSize;

  public SmallStackExecutor(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    Config own = config.getConfig("small-stack-executor");
    this.threads = own.getInt("threads");
    this.stackSize = own.getBytes("stack-size");
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory akkas) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory sized = runnable -> {
      // Akka's threads, but sized: its factory sets what a fatal error does (the system's
      // uncaught-exception handler), the daemon flag and the class loader; only it cannot set a stack size.
      Thread like = akkas.newThread(() -> {});
      Thread thread = new Thread(like.getThreadGroup(), runnable, id + "-" + count.incrementAndGet(), stackSize);
      thread.setDaemon(like.isDaemon());
      thread.setUncaughtExceptionHandler(like.getUncaughtExceptionHandler());
      thread.setContextClassLoader(like.getContextClassLoader());
      return thread;
    };
    return () -> Executors.newFixedThreadPool(threads, sized);
  }
}
