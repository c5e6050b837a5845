package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import dev.timeline.core.UserEntity.State;
import dev.timeline.core.UserProtocol.Command;
import dev.timeline.core.UserProtocol.TimelinePage;
import dev.timeline.core.UserProtocol.View;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Reads are answered by the front from the writer's newest view, whatever the writer is doing. */
class ReadFrontTest {

  static final ActorTestKit kit = ActorTestKit.create("ReadFrontTest", ConfigFactory.parseString("""
          akka.actor.provider = local
          akka.remote.artery.enabled = off
          akka.loglevel = WARNING
          """).withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load()).resolve());
  static final TimelineSettings SETTINGS = TimelineSettings.from(kit.system().settings().config());
  static final Tweet HELLO = new Tweet(Tweet.idFor(1_000, "alice"), "alice", "hello", 1_000, "r1", List.of(), List.of());

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /**
   * A writer that holds every command it gets: a write stuck in the journal. The tests publish
   * its views themselves, so that a view reaches the front before the commands sent after it.
   */
  static Behavior<Command> stuckWriter(TestProbe<Command> received) {
    return Behaviors.receiveMessage(command -> {
      received.ref().tell(command);
      return Behaviors.same();
    });
  }

  static View aliceWithHello(boolean homeReadsWait) {
    State alice = State.unregistered().registered("Alice").posted(HELLO, SETTINGS.userTimelineSize());
    return new View(alice, Timeline.of(List.of(HELLO.withoutRequestId())), !homeReadsWait, homeReadsWait);
  }

  @Test
  void readsAreAnsweredWhileTheWriterIsBusyAndWritesGoToIt() {
    TestProbe<Command> atWriter = kit.createTestProbe();
    ActorRef<Command> front = kit.spawn(ReadFront.create("alice", SETTINGS, f -> stuckWriter(atWriter)));
    front.tell(new UserProtocol.Published(aliceWithHello(false)));
    TestProbe<StatusReply<Tweet>> posted = kit.createTestProbe();
    TestProbe<StatusReply<TimelinePage>> read = kit.createTestProbe();

    front.tell(new UserProtocol.PostTweet("second", Optional.empty(), posted.ref()));
    front.tell(new UserProtocol.GetUserTimeline(10, Optional.empty(), read.ref()));

    TimelinePage page = read.receiveMessage().getValue();
    assertEquals(List.of(HELLO.id()), page.tweets().stream().map(Tweet::id).toList());
    assertEquals("r1", page.tweets().get(0).requestId(), "own pages keep request ids");
    atWriter.expectMessageClass(UserProtocol.PostTweet.class);
    atWriter.expectNoMessage(Duration.ofMillis(200));
    posted.expectNoMessage(Duration.ZERO);
  }

  @Test
  void beforeTheFirstViewReadsWaitForTheWriter() {
    TestProbe<Command> atWriter = kit.createTestProbe();
    ActorRef<Command> front = kit.spawn(ReadFront.create("alice", SETTINGS, f -> stuckWriter(atWriter)));
    TestProbe<StatusReply<TimelinePage>> read = kit.createTestProbe();

    front.tell(new UserProtocol.GetUserTimeline(10, Optional.empty(), read.ref()));

    atWriter.expectMessageClass(UserProtocol.GetUserTimeline.class);
    read.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void homeReadsWaitWhileTheHomeViewIsRebuiltThenSeeIt() {
    TestProbe<Command> atWriter = kit.createTestProbe();
    ActorRef<Command> front = kit.spawn(ReadFront.create("alice", SETTINGS, f -> stuckWriter(atWriter)));
    front.tell(new UserProtocol.Published(aliceWithHello(true)));
    TestProbe<StatusReply<TimelinePage>> home = kit.createTestProbe();

    front.tell(new UserProtocol.GetHomeTimeline(10, Optional.empty(), home.ref()));
    home.expectNoMessage(Duration.ofMillis(200));
    front.tell(new UserProtocol.Published(aliceWithHello(false)));

    TimelinePage page = home.receiveMessage().getValue();
    assertFalse(page.partial());
    assertEquals(List.of(HELLO.id()), page.tweets().stream().map(Tweet::id).toList());
    assertEquals(null, page.tweets().get(0).requestId(), "home pages carry no request ids");
    atWriter.expectNoMessage(Duration.ZERO);
  }

  @Test
  void theFrontStopsWithItsWriter() {
    ActorRef<Command> front = kit.spawn(ReadFront.create("alice", SETTINGS, f -> Behaviors.receiveMessage(c -> Behaviors.stopped())));
    TestProbe<Object> watcher = kit.createTestProbe();
    front.tell(new UserProtocol.PostTweet("stops the writer", Optional.empty(), kit.<StatusReply<Tweet>>createTestProbe().ref()));
    watcher.expectTerminated(front);
  }

  /** With the real writer: a client that got its answer reads its own write through the front. */
  @Test
  void aClientReadsItsOwnWrites() {
    HomeView.Source none = (id, limit, cursor) -> new CompletableFuture<>();
    ActorRef<Command> front = kit.spawn(ReadFront.create("bob", SETTINGS, f -> UserWriter.under(f, "bob", SETTINGS, none)));
    TestProbe<StatusReply<UserProtocol.Registration>> registered = kit.createTestProbe();
    TestProbe<StatusReply<Tweet>> posted = kit.createTestProbe();
    TestProbe<StatusReply<TimelinePage>> read = kit.createTestProbe();

    front.tell(new UserProtocol.Register("Bob", registered.ref()));
    assertTrue(registered.receiveMessage().isSuccess());
    for (int i = 0; i < 20; i++) {
      front.tell(new UserProtocol.PostTweet("post " + i, Optional.empty(), posted.ref()));
      String id = posted.receiveMessage().getValue().id();
      front.tell(new UserProtocol.GetUserTimeline(1, Optional.empty(), read.ref()));
      assertEquals(id, read.receiveMessage().getValue().tweets().get(0).id(), "own timeline after post " + i);
      front.tell(new UserProtocol.GetHomeTimeline(1, Optional.empty(), read.ref()));
      assertEquals(id, read.receiveMessage().getValue().tweets().get(0).id(), "home timeline after post " + i);
    }
  }
}
