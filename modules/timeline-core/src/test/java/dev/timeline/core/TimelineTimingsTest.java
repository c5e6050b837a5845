package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import dev.timeline.core.UserProtocol.Command;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The measurements the core hands to {@link TimelineMetrics.Timings}, taken by the real front and
 * writer over the persistence testkit's journal: every write timed from its command, a failed
 * and a rejected write counted as such, and the fan-out lag of a delivery new to a home timeline
 * (once, however often it is delivered).
 */
class TimelineTimingsTest {
  static final ActorTestKit kit = ActorTestKit.create("TimelineTimingsTest", ConfigFactory.parseString("""
          akka.actor.provider = local
          akka.remote.artery.enabled = off
          akka.loglevel = ERROR
          """).withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load()).resolve());
  static final TimelineSettings SETTINGS = TimelineSettings.from(kit.system().settings().config());
  static final HomeView.Source NO_FOLLOWEES = (id, limit, cursor) -> CompletableFuture.completedFuture(
      new UserProtocol.TimelinePage(List.of(), Optional.empty()));
  static final AtomicInteger ids = new AtomicInteger();

  /** What the core measured, as the node's histograms would get it. */
  static final class Recorder implements TimelineMetrics.Timings {
    final ConcurrentLinkedQueue<Long> lags = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> writes = new ConcurrentLinkedQueue<>();
    final AtomicInteger failed = new AtomicInteger(), rejected = new AtomicInteger();

    @Override public void fanOutLag(long millis) { lags.add(millis); }
    @Override public void journalWrite(long nanos) { writes.add(nanos); }
    @Override public void journalWriteFailed(boolean r) { (r ? rejected : failed).incrementAndGet(); }
  }

  final Recorder recorder = new Recorder();

  @BeforeEach
  void record() {
    TimelineMetrics.get(kit.system()).timings(recorder);
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static ActorRef<Command> user(String id) {
    return kit.spawn(ReadFront.create(id, SETTINGS, f -> UserWriter.under(f, id, SETTINGS, NO_FOLLOWEES)));
  }

  private static void register(ActorRef<Command> user) {
    TestProbe<StatusReply<UserProtocol.Registration>> registered = kit.createTestProbe();
    user.tell(new UserProtocol.Register("someone", registered.ref()));
    assertTrue(registered.receiveMessage().isSuccess());
  }

  @Test
  void everyWriteIsTimedFromItsCommand() {
    ActorRef<Command> alice = user("alice-" + ids.incrementAndGet());
    register(alice);
    TestProbe<StatusReply<Tweet>> posted = kit.createTestProbe();
    alice.tell(new UserProtocol.PostTweet("hello", Optional.empty(), posted.ref()));
    assertTrue(posted.receiveMessage().isSuccess());
    // A read writes nothing.
    alice.tell(new UserProtocol.GetProfile(kit.<StatusReply<UserProtocol.Profile>>createTestProbe().ref()));

    assertEquals(2, recorder.writes.size(), "register and post: " + recorder.writes);
    for (long nanos : recorder.writes) assertTrue(nanos > 0 && nanos < 10_000_000_000L, nanos + " ns");
    assertEquals(0, recorder.failed.get() + recorder.rejected.get());
  }

  @Test
  void aFailedAndARejectedWriteAreCountedApart() {
    PersistenceTestKit journal = PersistenceTestKit.create(kit.system());
    TestProbe<Object> watcher = kit.createTestProbe();

    ActorRef<Command> failing = user("failing-" + ids.incrementAndGet());
    register(failing);
    journal.failNextPersisted();
    failing.tell(new UserProtocol.PostTweet("lost", Optional.empty(), kit.<StatusReply<Tweet>>createTestProbe().ref()));
    watcher.expectTerminated(failing);
    assertEquals(1, recorder.failed.get(), "failed");
    assertEquals(0, recorder.rejected.get(), "rejected");

    ActorRef<Command> rejecting = user("rejecting-" + ids.incrementAndGet());
    register(rejecting);
    journal.rejectNextPersisted();
    rejecting.tell(new UserProtocol.PostTweet("refused", Optional.empty(), kit.<StatusReply<Tweet>>createTestProbe().ref()));
    watcher.expectTerminated(rejecting);
    assertEquals(1, recorder.failed.get(), "failed");
    assertEquals(1, recorder.rejected.get(), "rejected");
  }

  @Test
  void theLagOfADeliveryIsTakenOnceFromThePost() {
    String author = "author-" + ids.incrementAndGet();
    ActorRef<Command> bob = user("bob-" + ids.incrementAndGet());
    register(bob);
    TestProbe<StatusReply<Long>> followed = kit.createTestProbe();
    bob.tell(new UserProtocol.Follow(author, followed.ref()));
    assertTrue(followed.receiveMessage().isSuccess());

    long postedAt = System.currentTimeMillis() - 1_500;
    Tweet tweet = new Tweet(Tweet.idFor(postedAt, author), author, "late", postedAt, null, List.of(), List.of());
    TestProbe<UserProtocol.Delivered> acked = kit.createTestProbe();
    bob.tell(new UserProtocol.Deliver(tweet, acked.ref()));
    acked.receiveMessage();
    bob.tell(new UserProtocol.Deliver(tweet, acked.ref()));  // at least once: again
    acked.receiveMessage();

    assertEquals(1, recorder.lags.size(), "one lag per tweet new to the timeline: " + recorder.lags);
    long lag = recorder.lags.peek();
    assertTrue(lag >= 1_500 && lag < 6_500, lag + " ms");
    assertTrue(TimelineMetrics.get(kit.system()).deliveriesReceived() >= 2, "both deliveries received");
  }
}
