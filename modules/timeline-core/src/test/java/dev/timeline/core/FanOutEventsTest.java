package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The one list of the events the fan-out acts on ({@link UserEntity.FanOutEvent}): what the
 * writer tags and the projection handles. Tagging more than needed costs: a batch with a tagged
 * event is inserted row by row (akka-persistence-jdbc 5.1.0), so a bulk import must stay untagged.
 */
class FanOutEventsTest {

  @Test
  void theFanOutActsOnTweetsFollowsCelebritiesAndFollowersImportedIntoACelebrityOnly() {
    Set<String> actedOn = new TreeSet<>();
    for (Map.Entry<String, Object> sample : SerializedFormTest.samples().entrySet())
      if (sample.getValue() instanceof UserEntity.Event e && FanOut.actsOn(e)) actedOn.add(sample.getKey());
    assertEquals(Set.of("BecameCelebrity", "Followed", "FollowersImported.pull", "TweetPosted", "TweetPosted.full", "Unfollowed"),
        actedOn);
  }

  /** A new kind in the list needs its case in FanOut.DeliveryHandler.handle (which fails on one it does not know). */
  @Test
  void theListHoldsExactlyTheKindsTheHandlerHandles() {
    Set<String> kinds = Arrays.stream(UserEntity.FanOutEvent.class.getPermittedSubclasses())
        .map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of("BecameCelebrity", "Followed", "FollowersImported", "TweetPosted", "Unfollowed"), kinds);
  }
}
