package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.pattern.StatusReply;
import akka.persistence.testkit.JournalOperation;
import akka.persistence.testkit.ProcessingPolicy;
import akka.persistence.testkit.ProcessingResult;
import akka.persistence.testkit.ProcessingSuccess;
import akka.persistence.testkit.ReadEvents;
import akka.persistence.testkit.ReadSeqNum$;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A user entity that finds thousands of read-only commands stashed when its recovery ends
 * unstashes them all on the entity dispatcher, whose threads take the JVM's stack (the build
 * gives its tests -Xss32m, as scripts/node gives the nodes); on threads with a small stack the
 * same run overflows it (akka/akka#29933). {@link DeepStacks} refuses a JVM whose stack is too small.
 */
class DeepStacksTest {

  /** As many as the stash holds (akka.persistence.typed.stash-capacity in reference.conf). */
  static final int STASHED = 10_000;

  @Test
  void aFullStashOfReadsIsUnstashedOnTheEntityDispatcher() {
    ActorTestKit kit = ActorTestKit.create("DeepStack", config());
    try {
      assertEquals(STASHED, readsAnswered(kit, "timeline.entity-dispatcher"), "every stashed read answered");
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void theEntitiesRefuseAJvmWhoseThreadsHaveLessStackThanEntityStack() {
    long stack = DeepStacks.threadStackBytes().orElseThrow();
    DeepStacks.require(stack); // this JVM's own: enough
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> DeepStacks.require(stack + 1024 * 1024));
    assertTrue(refused.getMessage().contains("-Xss"), refused.getMessage());
  }

  @Test
  void theBuildGivesItsTestsTheStackTheEntitiesNeed() {
    TimelineSettings settings = TimelineSettings.from(ConfigFactory.load());
    assertTrue(DeepStacks.threadStackBytes().orElseThrow() >= settings.entityStackBytes(),
        "surefire's argLine -Xss is below timeline.entity-stack");
  }

  @Test
  void onAShallowStackTheSameRunOverflowsIt() {
    ActorTestKit kit = ActorTestKit.create("ShallowStack", config());
    try {
      int answered = readsAnswered(kit, "shallow-dispatcher");
      assertTrue(answered < STASHED, "the unstashing overflowed a 256 KiB stack: " + answered + " answered");
    } finally {
      // A StackOverflowError is fatal: the system shuts itself down (the JVM would exit, were
      // jvm-exit-on-fatal-error on as on the nodes), not always cleanly (a probe may stay
      // "terminating"), so its shutdown is not this test's concern.
      ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(10), false);
    }
  }

  private static Config config() {
    return ConfigFactory.parseString("""
            akka.actor.provider = local
            akka.remote.artery.enabled = off
            akka.loglevel = OFF
            akka.jvm-exit-on-fatal-error = off
            shallow-dispatcher {
              type = Dispatcher
              executor = "dev.timeline.core.SmallStackExecutor"
              small-stack-executor { threads = 4, stack-size = 256KiB }
            }
            """)
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /**
   * Registers a user, then starts it again and sends it {@link #STASHED} reads at once, while it
   * recovers: they wait in its stash until the recovery ends. Counts the answers.
   */
  private static int readsAnswered(ActorTestKit kit, String dispatcher) {
    TimelineSettings settings = TimelineSettings.from(kit.system().settings().config());
    HomeView.Source none = (id, limit, cursor) -> new CompletableFuture<>();
    TestProbe<StatusReply<UserProtocol.Registration>> registered = kit.createTestProbe();
    ActorRef<UserProtocol.Command> first = kit.spawn(UserWriter.create("deep", settings, none), DispatcherSelector.fromConfig(dispatcher));
    first.tell(new UserProtocol.Register("Deep", registered.ref()));
    assertTrue(registered.receiveMessage(Duration.ofSeconds(10)).isSuccess());
    kit.stop(first);

    TestProbe<StatusReply<UserProtocol.TimelinePage>> reads = kit.createTestProbe();
    // The journal holds the second recovery until every read is in the mailbox, so that all of
    // them are stashed (an in-memory recovery can otherwise end before the reads arrive).
    PersistenceTestKit journal = PersistenceTestKit.create(kit.system());
    HeldRecovery held = new HeldRecovery();
    journal.withPolicy(held);
    ActorRef<UserProtocol.Command> again = kit.spawn(UserWriter.create("deep", settings, none), DispatcherSelector.fromConfig(dispatcher));
    for (int i = 0; i < STASHED; i++) again.tell(new UserProtocol.GetUserTimeline(1, Optional.empty(), reads.ref()));
    held.release.countDown();
    int answered = 0;
    try {
      while (answered < STASHED) {
        reads.receiveMessage(Duration.ofSeconds(5));
        answered++;
      }
    } catch (AssertionError noMore) {
      // the entity (or the whole system) is gone
    }
    journal.resetPolicy();
    return answered;
  }

  /** Blocks the journal's reads (the start of a recovery) until released, for at most 30 s. */
  private static final class HeldRecovery implements ProcessingPolicy<JournalOperation> {
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public ProcessingResult tryProcess(String persistenceId, JournalOperation operation) {
      if (operation instanceof ReadEvents || operation instanceof ReadSeqNum$) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return ProcessingSuccess.getInstance();
    }
  }
}
