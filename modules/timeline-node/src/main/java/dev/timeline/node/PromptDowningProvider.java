package dev.timeline.node;

import akka.ConfigurationException;
import akka.actor.ActorSystem;
import akka.actor.Props;
import akka.cluster.Cluster;
import akka.cluster.ClusterEvent;
import akka.cluster.DowningProvider;
import akka.cluster.Member;
import akka.cluster.UniqueAddress;
import akka.cluster.sbr.DowningStrategy;
import akka.cluster.sbr.KeepMajority;
import akka.cluster.sbr.SplitBrainResolverBase;
import akka.cluster.sbr.SplitBrainResolverSettings;
import akka.remote.artery.ThisActorSystemQuarantinedEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import scala.Option;
import scala.concurrent.duration.Deadline;
import scala.concurrent.duration.Duration;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Akka's split brain resolver (keep-majority, its settings under
 * {@code akka.cluster.split-brain-resolver}), deciding within {@link #TICK} of {@code stable-after}
 * instead of within a second of it. Akka 2.6 checks whether the unreachable members have been
 * stable long enough on a tick it fixes at one second, so a crashed node was downed 1.2 to 2.2 s
 * after it was seen unreachable (node 1's logs in {@code scripts/bench-failover}: downed at +3.2 to
 * +4.1 s). Both sides of a partition decide on the same rule, so the finer tick also brings their
 * decisions closer together than {@code down-removal-margin}, which the coarse one did not
 * guarantee.
 *
 * <p>One more difference: the side that would survive waits {@code
 * timeline.split-brain-resolver.young-member-stable-after} instead of stable-after before it downs
 * a member that has been Up (as this node saw it) for less than {@code young-member-for}. A JVM
 * that has just started compiles and loads its code under whatever load is waiting for it; on 2
 * shared cores its heartbeats then stall for a second or two, and after a power loss the resolver
 * downed such nodes (which shut themselves down, to be started again: 15-20 s each) when they
 * would have answered a moment later. Only the survivors wait longer: a side that downs itself
 * still decides after stable-after, so it has stopped before the survivors take over its shards,
 * as before, with more margin. Otherwise the decisions, the downing and the logs are Akka's.
 */
public final class PromptDowningProvider extends DowningProvider {
  static final FiniteDuration TICK = FiniteDuration.apply(100, TimeUnit.MILLISECONDS);

  private final ActorSystem system;
  private final SplitBrainResolverSettings settings;
  private final YoungMembers young;

  /** How long a member counts as young, and how long the survivors wait before downing one. */
  record YoungMembers(java.time.Duration upFor, FiniteDuration stableAfter) {}

  public PromptDowningProvider(ActorSystem system) {
    this.system = system;
    this.settings = new SplitBrainResolverSettings(system.settings().config());
    var config = system.settings().config().getConfig("timeline.split-brain-resolver");
    this.young = new YoungMembers(config.getDuration("young-member-for"),
        FiniteDuration.fromNanos(config.getDuration("young-member-stable-after").toNanos()));
    // Past stable-after + down-all-when-unstable from the first unreachability, Akka's resolver downs every member.
    FiniteDuration limit = settings.DowningStableAfter().plus(settings.DownAllWhenUnstable());
    if (!settings.DownAllWhenUnstable().equals(Duration.Zero()) && young.stableAfter().gteq(limit))
      throw new ConfigurationException("timeline.split-brain-resolver.young-member-stable-after (" + young.stableAfter()
          + ") must be shorter than stable-after + down-all-when-unstable (" + limit + "): the resolver would down every member first");
    if (!settings.DowningStrategy().equals(SplitBrainResolverSettings.KeepMajorityName()))
      throw new ConfigurationException(getClass().getName() + " supports akka.cluster.split-brain-resolver.active-strategy = "
          + SplitBrainResolverSettings.KeepMajorityName() + ", not " + settings.DowningStrategy());
  }

  /** As Akka's provider: the configured margin, or stable-after when it is off. */
  @Override
  public FiniteDuration downRemovalMargin() {
    FiniteDuration margin = Cluster.get(system).settings().DownRemovalMargin();
    return margin.equals(Duration.Zero()) ? settings.DowningStableAfter() : margin;
  }

  @Override
  public Option<Props> downingActorProps() {
    Cluster cluster = Cluster.get(system);
    DowningStrategy strategy = new KeepMajority(cluster.selfDataCenter(), settings.keepMajorityRole(), cluster.selfUniqueAddress());
    FiniteDuration stableAfter = settings.DowningStableAfter();
    YoungMembers young = this.young;
    return Option.apply(Props.create(Resolver.class, () -> new Resolver(stableAfter, strategy, young)));
  }

  /** What Akka's (final) SplitBrainResolver does, on a finer tick, with the survivors' wait for young members. */
  static final class Resolver extends SplitBrainResolverBase {
    private final YoungMembers young;
    /** When this resolver saw each member Up (the actor's own state, touched only by it). */
    private final Map<UniqueAddress, Long> upSinceNanos = new HashMap<>();

    Resolver(FiniteDuration stableAfter, DowningStrategy strategy, YoungMembers young) {
      super(stableAfter, strategy);
      this.young = young;
      log().info(String.format("SBR started. Config: strategy [%s], stable-after [%s], tick [%s], members Up for less than %s "
              + "downed by the survivors after [%s], selfUniqueAddress [%s].",
          strategy.getClass().getSimpleName(), stableAfter, TICK, young.upFor(), young.stableAfter(), selfUniqueAddress()));
    }

    @Override
    public void addUp(Member member) {
      upSinceNanos.putIfAbsent(member.uniqueAddress(), System.nanoTime());
      super.addUp(member);
    }

    @Override
    public void remove(Member member) {
      upSinceNanos.remove(member.uniqueAddress());
      super.remove(member);
    }

    /** Set again whenever reachability changes; the decision is taken once it is overdue. */
    @Override
    public Deadline newStableDeadline() {
      if (upSinceNanos == null) return super.newStableDeadline(); // called by the base class's constructor
      List<UniqueAddress> youngUnreachable = CollectionConverters.asJava(strategy().unreachable()).stream()
          .filter(this::isYoung).toList();
      if (youngUnreachable.isEmpty() || strategy().nodesToDown(strategy().decide()).contains(selfUniqueAddress()))
        return super.newStableDeadline();
      log().info("SBR waits [{}] before downing, not stable-after: unreachable {} Up for less than {} (a starting JVM stalls)",
          young.stableAfter(), youngUnreachable, young.upFor());
      return Deadline.now().$plus(young.stableAfter());
    }

    private boolean isYoung(UniqueAddress member) {
      Long since = upSinceNanos.get(member);
      return since != null && System.nanoTime() - since < young.upFor().toNanos();
    }

    /** Called by the base class's constructor: a constant, since no field of this one is set yet. */
    @Override
    public FiniteDuration tickInterval() {
      return TICK;
    }

    private Cluster cluster() {
      return Cluster.get(context().system());
    }

    @Override
    public UniqueAddress selfUniqueAddress() {
      return cluster().selfUniqueAddress();
    }

    @Override
    public String selfDc() {
      return cluster().selfDataCenter();
    }

    @Override
    public void preStart() {
      cluster().subscribe(self(), ClusterEvent.initialStateAsEvents(), ClusterEvent.ClusterDomainEvent.class);
      // As Akka's resolver: the base class acts on being quarantined by another node.
      context().system().eventStream().subscribe(self(), ThisActorSystemQuarantinedEvent.class);
    }

    @Override
    public void postStop() {
      cluster().unsubscribe(self());
      context().system().eventStream().unsubscribe(self(), ThisActorSystemQuarantinedEvent.class);
      super.postStop();
    }

    @Override
    public void down(UniqueAddress node, DowningStrategy.Decision decision) {
      log().info("SBR is downing [{}]", node);
      cluster().down(node.address());
    }
  }
}
