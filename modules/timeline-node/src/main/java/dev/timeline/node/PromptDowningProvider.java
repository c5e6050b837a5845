package dev.timeline.node;

import akka.ConfigurationException;
import akka.actor.ActorSystem;
import akka.actor.Props;
import akka.cluster.Cluster;
import akka.cluster.ClusterEvent;
import akka.cluster.DowningProvider;
import akka.cluster.UniqueAddress;
import akka.cluster.sbr.DowningStrategy;
import akka.cluster.sbr.KeepMajority;
import akka.cluster.sbr.SplitBrainResolverBase;
import akka.cluster.sbr.SplitBrainResolverSettings;
import akka.remote.artery.ThisActorSystemQuarantinedEvent;
import java.util.concurrent.TimeUnit;
import scala.Option;
import scala.concurrent.duration.Duration;
import scala.concurrent.duration.FiniteDuration;

/**
 * Akka's split brain resolver (keep-majority, its settings under
 * {@code akka.cluster.split-brain-resolver}), deciding within {@link #TICK} of {@code stable-after}
 * instead of within a second of it. Akka 2.6 checks whether the unreachable members have been
 * stable long enough on a tick it fixes at one second, so a crashed node was downed 1.2 to 2.2 s
 * after it was seen unreachable (node 1's logs in {@code scripts/bench-failover}: downed at +3.2 to
 * +4.1 s). Both sides of a partition decide on the same rule, so the finer tick also brings their
 * decisions closer together than {@code down-removal-margin}, which the coarse one did not
 * guarantee. Only the tick differs: the decisions, the downing and the logs are Akka's.
 */
public final class PromptDowningProvider extends DowningProvider {
  static final FiniteDuration TICK = FiniteDuration.apply(100, TimeUnit.MILLISECONDS);

  private final ActorSystem system;
  private final SplitBrainResolverSettings settings;

  public PromptDowningProvider(ActorSystem system) {
    this.system = system;
    this.settings = new SplitBrainResolverSettings(system.settings().config());
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
    return Option.apply(Props.create(Resolver.class, () -> new Resolver(stableAfter, strategy)));
  }

  /** What Akka's (final) SplitBrainResolver does, on a finer tick. */
  static final class Resolver extends SplitBrainResolverBase {
    Resolver(FiniteDuration stableAfter, DowningStrategy strategy) {
      super(stableAfter, strategy);
      log().info("SBR started. Config: strategy [{}], stable-after [{}], tick [{}], selfUniqueAddress [{}].",
          strategy.getClass().getSimpleName(), stableAfter, TICK, selfUniqueAddress());
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
