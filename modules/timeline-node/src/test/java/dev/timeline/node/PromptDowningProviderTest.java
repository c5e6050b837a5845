package dev.timeline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.Address;
import akka.cluster.Cluster;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's downing provider is Akka's split brain resolver on a finer tick: three members, one
 * stops without leaving (as a SIGKILLed node does), and the other two down and remove it. With no
 * downing provider the stopped member stays a member, unreachable, and the test fails.
 */
class PromptDowningProviderTest {
  private final List<ActorSystem> systems = new ArrayList<>();

  @AfterEach
  void stopAll() {
    systems.forEach(PromptDowningProviderTest::stop);
  }

  private static void stop(ActorSystem system) {
    try {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("actor system " + system.name() + " did not stop", e);
    }
  }

  private static Config config(String provider) {
    return ConfigFactory.parseString("""
        akka.actor.provider = cluster
        akka.remote.artery.canonical.hostname = 127.0.0.1
        akka.remote.artery.canonical.port = 0
        akka.cluster.downing-provider-class = "%s"
        akka.cluster.split-brain-resolver.active-strategy = keep-majority
        akka.cluster.split-brain-resolver.stable-after = 1s
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 1s
        # Stopped without leaving, as a crash: no coordinated shutdown, so no graceful leave.
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.coordinated-shutdown.terminate-actor-system = off
        akka.loglevel = WARNING
        """.formatted(provider)).withFallback(ConfigFactory.load());
  }

  private List<ActorSystem> cluster(String provider) {
    return cluster(config(provider));
  }

  private List<ActorSystem> cluster(Config config) {
    for (int i = 0; i < 3; i++) systems.add(ActorSystem.create("downing", config));
    Address seed = Cluster.get(systems.get(0)).selfAddress();
    systems.forEach(s -> Cluster.get(s).join(seed));
    awaitMembers(systems.get(0), 3, MemberStatus.up());
    return systems;
  }

  @Test
  void aMemberThatStopsWithoutLeavingIsDownedAndRemoved() {
    List<ActorSystem> nodes = cluster(PromptDowningProvider.class.getName());
    Address crashed = Cluster.get(nodes.get(2)).selfAddress();
    stop(nodes.get(2));
    awaitMembers(nodes.get(0), 2, MemberStatus.up());
    assertTrue(members(nodes.get(0)).stream().noneMatch(m -> m.address().equals(crashed)), "the crashed member is removed");
  }

  /**
   * Members that have just come Up are downed by the survivors after young-member-stable-after (10 s
   * here), not stable-after (1 s); with young-member-for = 0s they are downed after stable-after.
   */
  @Test
  void theSurvivorsWaitLongerBeforeDowningAMemberThatHasJustComeUp() {
    double seconds = secondsFromUnreachableToRemoved("60s");
    assertTrue(seconds >= 8, "young: removed " + seconds + " s after it was seen unreachable, not after young-member-stable-after");
  }

  @Test
  void withoutYoungMembersTheSurvivorsDownAfterStableAfter() {
    double seconds = secondsFromUnreachableToRemoved("0s");
    assertTrue(seconds < 8, "no member counts as young: removed " + seconds + " s after it was seen unreachable");
  }

  private double secondsFromUnreachableToRemoved(String youngFor) {
    List<ActorSystem> nodes = cluster(ConfigFactory.parseString(
        "timeline.split-brain-resolver { young-member-for = " + youngFor + ", young-member-stable-after = 10s }\n"
            // Off, so that a wait this long is allowed: 10 s against stable-after's 1 s leaves a wide margin on a busy machine.
            + "akka.cluster.split-brain-resolver.down-all-when-unstable = off")
        .withFallback(config(PromptDowningProvider.class.getName())));
    Address crashed = Cluster.get(nodes.get(2)).selfAddress();
    stop(nodes.get(2));
    await(nodes.get(0), Duration.ofSeconds(10), () -> assertTrue(
        Cluster.get(nodes.get(0)).state().getUnreachable().stream().anyMatch(m -> m.address().equals(crashed)), "unreachable"));
    long unreachable = System.nanoTime();
    awaitMembers(nodes.get(0), 2, MemberStatus.up(), Duration.ofSeconds(40));
    return (System.nanoTime() - unreachable) / 1e9;
  }

  @Test
  void withoutADowningProviderTheStoppedMemberStays() {
    List<ActorSystem> nodes = cluster("");
    Address crashed = Cluster.get(nodes.get(2)).selfAddress();
    stop(nodes.get(2));
    await(nodes.get(0), Duration.ofSeconds(10), () -> assertTrue(
        Cluster.get(nodes.get(0)).state().getUnreachable().stream().anyMatch(m -> m.address().equals(crashed)), "unreachable"));
    // Time for the resolver to have removed it several times over (stable-after 1 s).
    assertThrows(AssertionError.class, () -> awaitMembers(nodes.get(0), 2, MemberStatus.up(), Duration.ofSeconds(5)));
  }

  @Test
  void aYoungMemberStableAfterPastTheDownAllLimitIsRefused() {
    String refusal = refusal("timeline.split-brain-resolver.young-member-stable-after = 5s");
    assertTrue(refusal.contains("young-member-stable-after"), refusal);
  }

  @Test
  void anotherStrategyIsRefusedByName() {
    String refusal = refusal("akka.cluster.split-brain-resolver.active-strategy = keep-oldest");
    assertTrue(refusal.contains("keep-oldest"), refusal);
  }

  /** The message the provider refuses this setting with, on a local actor system. */
  private String refusal(String setting) {
    Config config = ConfigFactory.parseString("akka.actor.provider = local\n" + setting)
        .withFallback(config(PromptDowningProvider.class.getName()));
    ActorSystem plain = ActorSystem.create("refused", config);
    systems.add(plain);
    return assertThrows(akka.ConfigurationException.class, () -> new PromptDowningProvider(plain)).getMessage();
  }

  private static List<Member> members(ActorSystem system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false).toList();
  }

  private static void awaitMembers(ActorSystem system, int count, MemberStatus status) {
    awaitMembers(system, count, status, Duration.ofSeconds(30));
  }

  /** Exactly {@code count} members, all with {@code status}, none unreachable. */
  private static void awaitMembers(ActorSystem system, int count, MemberStatus status, Duration within) {
    await(system, within, () -> {
      List<Member> members = members(system);
      assertEquals(count, members.size(), "members: " + members);
      assertTrue(members.stream().allMatch(m -> m.status().equals(status)), "members: " + members);
      assertTrue(Cluster.get(system).state().getUnreachable().isEmpty(), "unreachable: " + Cluster.get(system).state().getUnreachable());
    });
  }

  /** The typed testkit's awaitAssert, on a classic system. */
  private static void await(ActorSystem system, Duration within, Runnable check) {
    TestProbe.create(Adapter.toTyped(system)).awaitAssert(within, () -> {
      check.run();
      return null;
    });
  }
}
