package dev.timeline.core;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

/**
 * The stack every thread of a JVM that runs user entities needs, checked once when they start.
 *
 * <p>Why: Akka 2.6's {@code EventSourcedBehavior} unstashes a command that persists nothing and
 * then the next one from inside the handling of the first (Running.onCommand → tryUnstashOne →
 * onCommand …), one level of stack per command, until a command persists. After a recovery that
 * found a few thousand reads or deliveries stashed (a crashed node's followers all rebuilding
 * their home timelines from one recovering author), a default 1 MiB stack overflows and the JVM
 * exits (akka/akka#29933, fixed in Akka 2.9, whose licence this project cannot take). The stash
 * holds at most {@code akka.persistence.typed.stash-capacity} commands, so a stack that takes
 * that many levels ends the problem ({@code DeepStacksTest}).
 *
 * <p>The entities run on Akka's fork-join pool ({@code timeline.entity-dispatcher}), whose
 * threads cannot be given a stack of their own: they take the JVM's, {@code -Xss}. A fixed pool
 * of deep-stack threads did the same job, but every message to an entity took a lock and woke a
 * thread (the README's "How it works" has what scripts/bench-reads measured of both).
 */
final class DeepStacks {
  private DeepStacks() {}

  /** Throws unless this JVM's threads get at least {@code bytes} of stack (a JVM that does not say is trusted). */
  static void require(long bytes) {
    OptionalLong stack = threadStackBytes();
    if (stack.isPresent() && stack.getAsLong() < bytes)
      throw new IllegalStateException("user entities need threads with a stack of at least " + bytes / (1024 * 1024)
          + " MiB (timeline.entity-stack; akka/akka#29933), but this JVM gives them " + stack.getAsLong() / 1024
          + " KiB: start it with -Xss" + (bytes + 1024 * 1024 - 1) / (1024 * 1024) + "m (scripts/node does)");
  }

  /** The stack size of this JVM's new threads ({@code -Xss}), when the JVM tells. */
  static OptionalLong threadStackBytes() {
    try {
      HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return hotSpot == null ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(hotSpot.getVMOption("ThreadStackSize").getValue()) * 1024);
    } catch (IllegalArgumentException e) { // no such option on this JVM
      return OptionalLong.empty();
    }
  }
}
