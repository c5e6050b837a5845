package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.persistence.testkit.JournalOperation;
import akka.persistence.testkit.ProcessingPolicy;
import akka.persistence.testkit.ProcessingResult;
import akka.persistence.testkit.ProcessingSuccess;
import akka.persistence.testkit.WriteEvents;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import dev.timeline.core.UserEntity.Event;
import dev.timeline.core.UserEntity.Followed;
import dev.timeline.core.UserEntity.FollowerAdded;
import dev.timeline.core.UserProtocol.AddFollower;
import dev.timeline.core.UserProtocol.Command;
import dev.timeline.core.UserProtocol.Follow;
import dev.timeline.core.UserProtocol.Register;
import dev.timeline.core.UserProtocol.Registration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user's front and writer as sharding runs them (no cluster: the in-memory journal of the
 * persistence testkit): follows and new followers that arrive together are written together.
 */
class FollowChangesTest {
  static ActorTestKit testKit;
  static PersistenceTestKit journal;
  /** The events of each write the journal was asked for. */
  static final List<List<Object>> writes = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("FollowChangesTest", ConfigFactory.parseString("""
            akka.actor.provider = local
            akka.remote.artery.enabled = off
            akka.actor.serialize-messages = on
            akka.loglevel = WARNING
            """).withFallback(EventSourcedBehaviorTestKit.config()));
    journal = PersistenceTestKit.create(testKit.system());
    journal.withPolicy(new ProcessingPolicy<JournalOperation>() {
      @Override
      public ProcessingResult tryProcess(String persistenceId, JournalOperation operation) {
        if (operation instanceof WriteEvents write) writes.add(List.copyOf(write.getBatch()));
        return ProcessingSuccess.getInstance();
      }
    });
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static ActorRef<Command> user(String id) {
    TimelineSettings settings = UserEntityTest.settings(50, 50, 1000, 4, Strategy.PUSH, 1000);
    HomeView.Source none = (followee, limit, cursor) -> CompletableFuture.completedFuture(
        new UserProtocol.TimelinePage(List.of(), java.util.Optional.empty()));
    return testKit.spawn(ReadFront.create(id, settings, front -> UserWriter.under(front, id, settings, none)), id);
  }

  static long count(Class<? extends Event> type) {
    return writes.stream().flatMap(List::stream).filter(type::isInstance).count();
  }

  @Test
  void followsAndNewFollowersThatArriveTogetherAreWrittenTogetherEachAnsweredAsIfAlone() {
    ActorRef<Command> alice = user("alice");
    TestProbe<StatusReply<Registration>> registered = testKit.createTestProbe();
    alice.tell(new Register("Alice", registered.getRef()));
    assertTrue(registered.receiveMessage().isSuccess());
    writes.clear();

    TestProbe<StatusReply<Long>> follows = testKit.createTestProbe();
    TestProbe<StatusReply<Done>> followers = testKit.createTestProbe();
    for (int i = 0; i < 200; i++) {
      alice.tell(new Follow("f" + i, follows.getRef()));
      alice.tell(new AddFollower("g" + i, 7, followers.getRef()));
    }
    alice.tell(new Follow("f0", follows.getRef()));  // already followed by then: answered, nothing written
    alice.tell(new Follow("alice", follows.getRef())); // rejected, as alone

    List<StatusReply<Long>> versions = follows.receiveSeveralMessages(202, Duration.ofSeconds(10));
    assertEquals(200, followers.receiveSeveralMessages(200, Duration.ofSeconds(10)).stream().filter(StatusReply::isSuccess).count());
    assertEquals(1, versions.stream().filter(StatusReply::isError).count(), "only following oneself is refused");
    long last = 1 + 400; // Registered, then 200 Followed and 200 FollowerAdded
    assertTrue(versions.stream().filter(StatusReply::isSuccess).allMatch(v -> v.getValue() >= 2 && v.getValue() <= last),
        "each follow's version is a sequence number at or after its own event: " + versions);
    assertEquals(last, versions.stream().filter(StatusReply::isSuccess).mapToLong(StatusReply::getValue).max().orElse(0));

    assertEquals(200, count(Followed.class), "each follow written once");
    assertEquals(200, count(FollowerAdded.class), "each new follower written once");
    assertTrue(writes.size() <= 100, "400 changes that arrived together in far fewer writes than one each: " + writes.size() + " writes");
  }

  @Test
  void followChangesOfAnUnregisteredUserAreEachRefused() {
    ActorRef<Command> nobody = user("nobody");
    TestProbe<StatusReply<Long>> follows = testKit.createTestProbe();
    for (int i = 0; i < 3; i++) nobody.tell(new Follow("f" + i, follows.getRef()));
    for (StatusReply<Long> reply : follows.receiveSeveralMessages(3, Duration.ofSeconds(5)))
      assertTrue(reply.isError() && reply.getError().getMessage().contains("not registered"), reply.toString());
  }
}
