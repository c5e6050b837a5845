package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TimelineTest {

  /**
   * Configured the way akka-serialization-jackson configures its mappers (fields of any
   * visibility, parameter names, Optional): Jackson 2.11 has no record support of its own, so a
   * bare ObjectMapper cannot even write a {@link Tweet}.
   */
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new Jdk8Module())
      .registerModule(new ParameterNamesModule())
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);

  private static Tweet tweet(long postedAt, String author) {
    return new Tweet(Tweet.idFor(postedAt, author), author, "tweet " + postedAt + " by " + author, postedAt, null);
  }

  private static List<String> ids(List<Tweet> tweets) {
    return tweets.stream().map(Tweet::id).toList();
  }

  private static List<String> ids(Timeline timeline) {
    return ids(timeline.tweets());
  }

  // ---- Tweet ids ------------------------------------------------------------------------------

  @Test
  void tweetIdsArePaddedSoThatStringOrderIsTimeOrder() {
    assertEquals("0000000000042-bob", Tweet.idFor(42, "bob"));
    assertTrue(Tweet.idFor(999, "zed").compareTo(Tweet.idFor(1000, "amy")) < 0);
    assertTrue(Tweet.idFor(1_700_000_000_000L, "a").compareTo(Tweet.idFor(1_700_000_000_001L, "a")) < 0);
  }

  @Test
  void withoutRequestIdDropsOnlyTheRequestId() {
    Tweet t = new Tweet("id", "bob", "hi", 5, "req-1");
    Tweet stripped = t.withoutRequestId();
    assertEquals(new Tweet("id", "bob", "hi", 5, null), stripped);
    Tweet plain = tweet(1, "bob");
    assertSame(plain, plain.withoutRequestId());
  }

  // ---- insert ---------------------------------------------------------------------------------

  @Test
  void emptyTimelineHasNothing() {
    Timeline empty = Timeline.empty();
    assertEquals(0, empty.size());
    assertEquals(List.of(), empty.tweets());
    assertEquals(List.of(), empty.page(Optional.empty(), 10));
  }

  @Test
  void insertKeepsNewestFirstWhateverTheInsertionOrder() {
    Timeline t = Timeline.empty()
        .insert(tweet(20, "b"), 10)
        .insert(tweet(10, "a"), 10)
        .insert(tweet(30, "c"), 10)
        .insert(tweet(25, "a"), 10)
        .insert(tweet(5, "z"), 10);
    assertEquals(List.of(Tweet.idFor(30, "c"), Tweet.idFor(25, "a"), Tweet.idFor(20, "b"),
        Tweet.idFor(10, "a"), Tweet.idFor(5, "z")), ids(t));
    assertEquals(5, t.size());
  }

  @Test
  void sameMillisecondDifferentAuthorsAreBothKept() {
    Timeline t = Timeline.empty().insert(tweet(7, "ann"), 10).insert(tweet(7, "bob"), 10);
    assertEquals(List.of(Tweet.idFor(7, "bob"), Tweet.idFor(7, "ann")), ids(t));
  }

  @Test
  void insertIsImmutable() {
    Timeline one = Timeline.empty().insert(tweet(1, "a"), 10);
    Timeline two = one.insert(tweet(2, "a"), 10);
    assertEquals(1, one.size());
    assertEquals(2, two.size());
    assertNotSame(one, two);
  }

  @Test
  void duplicateIdIsIgnored() {
    Timeline t = Timeline.empty().insert(tweet(1, "a"), 10).insert(tweet(2, "a"), 10);
    assertTrue(t.wouldIgnore(tweet(1, "a"), 10));
    // Same id, other content: still the same tweet; the first copy stays.
    Tweet sameId = new Tweet(Tweet.idFor(1, "a"), "a", "changed", 1, null);
    Timeline again = t.insert(sameId, 10);
    assertSame(t, again);
    assertEquals(2, again.size());
    assertEquals("tweet 1 by a", again.tweets().get(1).text());
  }

  @Test
  void fullTimelineDropsTheOldestOnInsert() {
    Timeline t = Timeline.empty();
    for (long at = 1; at <= 3; at++) t = t.insert(tweet(at * 10, "a"), 3);
    assertEquals(3, t.size());
    Timeline newer = t.insert(tweet(40, "a"), 3);
    assertEquals(List.of(Tweet.idFor(40, "a"), Tweet.idFor(30, "a"), Tweet.idFor(20, "a")), ids(newer));
    // A tweet falling in the middle pushes the oldest out too.
    Timeline middle = newer.insert(tweet(25, "b"), 3);
    assertEquals(List.of(Tweet.idFor(40, "a"), Tweet.idFor(30, "a"), Tweet.idFor(25, "b")), ids(middle));
  }

  @Test
  void tweetOlderThanAFullTimelineIsIgnored() {
    Timeline t = Timeline.empty();
    for (long at = 1; at <= 3; at++) t = t.insert(tweet(at * 10, "a"), 3);
    Tweet old = tweet(5, "a");
    assertTrue(t.wouldIgnore(old, 3));
    assertSame(t, t.insert(old, 3));
    // ...but not when there is room for it.
    assertFalse(t.wouldIgnore(old, 4));
    assertEquals(Tweet.idFor(5, "a"), t.insert(old, 4).tweets().get(3).id());
    // A tweet newer than the oldest kept one is not ignored even when full.
    assertFalse(t.wouldIgnore(tweet(15, "a"), 3));
  }

  @Test
  void wouldIgnoreIsFalseForNewTweetsWhileThereIsRoom() {
    Timeline t = Timeline.empty().insert(tweet(10, "a"), 3);
    assertFalse(t.wouldIgnore(tweet(1, "a"), 3));
    assertFalse(t.wouldIgnore(tweet(11, "a"), 3));
    assertFalse(Timeline.empty().wouldIgnore(tweet(1, "a"), 1));
  }

  @Test
  void capacityOneKeepsOnlyTheNewest() {
    Timeline t = Timeline.empty().insert(tweet(2, "a"), 1);
    assertSame(t, t.insert(tweet(1, "a"), 1));
    assertEquals(List.of(Tweet.idFor(3, "a")), ids(t.insert(tweet(3, "a"), 1)));
  }

  @Test
  void ofSortsNewestFirst() {
    Timeline t = Timeline.of(List.of(tweet(1, "a"), tweet(3, "a"), tweet(2, "a")));
    assertEquals(List.of(Tweet.idFor(3, "a"), Tweet.idFor(2, "a"), Tweet.idFor(1, "a")), ids(t));
    assertEquals(Timeline.empty().insert(tweet(2, "a"), 9).insert(tweet(1, "a"), 9).insert(tweet(3, "a"), 9), t);
  }

  @Test
  void findReturnsTheNewestMatch() {
    Timeline t = Timeline.of(List.of(tweet(1, "a"), tweet(2, "b"), tweet(3, "a")));
    assertEquals(Optional.of(tweet(3, "a")), t.find(x -> x.authorId().equals("a")));
    assertEquals(Optional.empty(), t.find(x -> x.authorId().equals("c")));
  }

  // ---- page -----------------------------------------------------------------------------------

  private static Timeline fiveTweets() {
    // ids at 10, 20, 30, 40, 50; newest first: 50 40 30 20 10
    Timeline t = Timeline.empty();
    for (long at = 10; at <= 50; at += 10) t = t.insert(tweet(at, "a"), 100);
    return t;
  }

  @Test
  void pageFromTheTopHonoursTheLimit() {
    Timeline t = fiveTweets();
    assertEquals(List.of(Tweet.idFor(50, "a"), Tweet.idFor(40, "a")), ids(t.page(Optional.empty(), 2)));
    assertEquals(5, t.page(Optional.empty(), 99).size());
    assertEquals(List.of(), t.page(Optional.empty(), 0));
  }

  @Test
  void pageAfterCursorIsStrictlyOlder() {
    Timeline t = fiveTweets();
    assertEquals(List.of(Tweet.idFor(30, "a"), Tweet.idFor(20, "a")),
        ids(t.page(Optional.of(Tweet.idFor(40, "a")), 2)));
    assertEquals(List.of(), t.page(Optional.of(Tweet.idFor(10, "a")), 2));
  }

  @Test
  void cursorNotInTheListStartsAtTheNextOlderTweet() {
    Timeline t = fiveTweets();
    // Between 40 and 30 (e.g. a tweet that was dropped or belongs to another timeline).
    assertEquals(List.of(Tweet.idFor(30, "a"), Tweet.idFor(20, "a"), Tweet.idFor(10, "a")),
        ids(t.page(Optional.of(Tweet.idFor(35, "zz")), 10)));
    // Newer than everything: the whole list.
    assertEquals(5, t.page(Optional.of(Tweet.idFor(99, "a")), 10).size());
    // Older than everything: nothing.
    assertEquals(List.of(), t.page(Optional.of(Tweet.idFor(1, "a")), 10));
    // Arbitrary text sorts somewhere; it must not fail.
    assertEquals(List.of(), t.page(Optional.of(""), 10));
    assertEquals(5, t.page(Optional.of("zzzz"), 10).size());
  }

  @Test
  void pagingThroughEverythingVisitsEachTweetOnce() {
    Timeline t = fiveTweets();
    Optional<String> cursor = Optional.empty();
    java.util.List<String> seen = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      List<Tweet> page = t.page(cursor, 2);
      if (page.isEmpty()) break;
      seen.addAll(ids(page));
      cursor = Optional.of(page.get(page.size() - 1).id());
    }
    assertEquals(ids(t), seen);
  }

  // ---- pages within a byte budget, merged pages ----------------------------------------------

  private static UserProtocol.TimelinePage page(List<Tweet> tweets, Optional<String> next) {
    return new UserProtocol.TimelinePage(tweets, next);
  }

  @Test
  void wireBytesCountUtf8() {
    Tweet ascii = new Tweet("i", "a", "abc", 1, null);
    assertEquals(64 + 1 + 1 + 3, ascii.wireBytes());
    assertEquals(ascii.wireBytes() - 3 + 2 + 3 + 4, new Tweet("i", "a", "\u00e9\u20ac\uD83D\uDE00", 1, null).wireBytes(),
        "2, 3 and 4 bytes");
    assertEquals(ascii.wireBytes() + 5, new Tweet("i", "a", "abc", 1, "req-1").wireBytes());
  }

  @Test
  void aPageEndsWhereTheNextTweetWouldExceedTheBudgetButHoldsOne() {
    List<Tweet> tweets = List.of(tweet(9, "a"), tweet(8, "a"), tweet(7, "a"));
    int each = tweets.get(0).wireBytes();
    var two = UserProtocol.TimelinePage.within(tweets, 10, 2 * each + each / 2, false, false);
    assertEquals(ids(tweets.subList(0, 2)), ids(two.tweets()));
    assertEquals(Optional.of(tweets.get(1).id()), two.nextCursor(), "cut short: page on from the last one");
    var one = UserProtocol.TimelinePage.within(tweets, 10, 1, false, false);
    assertEquals(ids(tweets.subList(0, 1)), ids(one.tweets()), "always at least one, or paging would stop");
    var all = UserProtocol.TimelinePage.within(tweets, 3, 3 * each, false, true);
    assertEquals(new UserProtocol.TimelinePage(tweets, Optional.empty(), true), all);
    assertEquals(Optional.of(tweets.get(2).id()), UserProtocol.TimelinePage.within(tweets, 3, 3 * each, true, false).nextCursor(),
        "older tweets beyond the list");
  }

  /**
   * A page cut short (by the budget or its limit) says nothing about tweets older than its
   * cursor, so a merge must not hand out another page's older tweets: the next page would start
   * after them and skip the cut page's rest.
   */
  @Test
  void aMergeStopsAtTheNewestCursorOfAPageCutShort() {
    Tweet a10 = tweet(10, "a"), a9 = tweet(9, "a"), b8 = tweet(8, "b"), b5 = tweet(5, "b");
    var first = merged(List.of(page(List.of(a10), Optional.of(a10.id())), page(List.of(b8, b5), Optional.empty())),
        10, 1 << 20, false);
    assertEquals(ids(List.of(a10)), ids(first.tweets()));
    assertEquals(Optional.of(a10.id()), first.nextCursor());
    var second = merged(List.of(page(List.of(a9), Optional.empty()), page(List.of(b8, b5), Optional.empty())),
        10, 1 << 20, false);
    assertEquals(ids(List.of(a9, b8, b5)), ids(second.tweets()));
    assertEquals(Optional.empty(), second.nextCursor());
  }

  private static UserProtocol.TimelinePage merged(List<UserProtocol.TimelinePage> pages, int limit, int maxBytes, boolean partial) {
    return Users.Known.of(pages).page(0, limit, maxBytes, partial);
  }

  @Test
  void aMergedPageKeepsToLimitAndBudgetAndDropsRequestIds() {
    Tweet a3 = new Tweet(Tweet.idFor(3, "a"), "a", "x", 3, "req-a3"), b2 = tweet(2, "b"), a1 = tweet(1, "a");
    var merged = merged(List.of(page(List.of(a3, a1), Optional.empty()), page(List.of(b2), Optional.empty())),
        2, 1 << 20, true);
    assertEquals(List.of(a3.withoutRequestId(), b2), merged.tweets());
    assertEquals(Optional.of(b2.id()), merged.nextCursor());
    assertTrue(merged.partial());
    var budget = merged(List.of(page(List.of(a3, a1), Optional.empty()), page(List.of(b2), Optional.empty())),
        10, a3.withoutRequestId().wireBytes() + 1, false);
    assertEquals(ids(List.of(a3)), ids(budget.tweets()));
    assertEquals(Optional.of(a3.id()), budget.nextCursor());
  }

  // ---- JSON -----------------------------------------------------------------------------------

  @Test
  void timelineJsonIsAPlainArrayAndRoundTrips() throws Exception {
    Timeline t = fiveTweets().insert(new Tweet(Tweet.idFor(60, "b"), "b", "with ✓ and 🐦", 60, "req-9"), 100);
    String json = MAPPER.writeValueAsString(t);
    assertTrue(json.startsWith("["), json);
    // requestId is left out when null, kept when present.
    assertEquals(1, json.split("requestId", -1).length - 1, json);
    Timeline back = MAPPER.readValue(json, Timeline.class);
    assertEquals(t, back);
    assertEquals(ids(t), ids(back));
    assertEquals("req-9", back.tweets().get(0).requestId());
  }

  @Test
  void timelineFromUnsortedJsonIsSorted() throws Exception {
    String json = MAPPER.writeValueAsString(List.of(tweet(1, "a"), tweet(3, "a"), tweet(2, "a")));
    Timeline back = MAPPER.readValue(json, Timeline.class);
    assertEquals(List.of(Tweet.idFor(3, "a"), Tweet.idFor(2, "a"), Tweet.idFor(1, "a")), ids(back));
  }

  @Test
  void emptyTimelineJsonRoundTrips() throws Exception {
    assertEquals("[]", MAPPER.writeValueAsString(Timeline.empty()));
    assertEquals(Timeline.empty(), MAPPER.readValue("[]", Timeline.class));
  }

  // ---- IdSet ----------------------------------------------------------------------------------

  @Test
  void idSetWithWithoutContainsSize() {
    IdSet empty = IdSet.empty();
    assertEquals(0, empty.size());
    assertFalse(empty.contains("a"));

    IdSet ab = empty.with("b").with("a");
    assertEquals(2, ab.size());
    assertTrue(ab.contains("a"));
    assertTrue(ab.contains("b"));
    assertFalse(ab.contains("c"));
    assertEquals(0, empty.size(), "immutable");

    assertEquals(ab, ab.with("a"), "adding twice changes nothing");
    assertEquals(2, ab.with("a").size());

    IdSet b = ab.without("a");
    assertEquals(1, b.size());
    assertFalse(b.contains("a"));
    assertTrue(ab.contains("a"), "immutable");
    assertEquals(b, b.without("zzz"));
    assertEquals(IdSet.empty(), b.without("b"));
  }

  @Test
  void idSetToListIsSorted() {
    IdSet s = IdSet.of(List.of("m", "c", "x", "a", "c"));
    assertEquals(List.of("a", "c", "m", "x"), s.toList());
    assertEquals(IdSet.of(List.of("x", "a", "m", "c")), s);
    assertEquals(IdSet.of(List.of("x", "a", "m", "c")).hashCode(), s.hashCode());
  }

  @Test
  void idSetPagesInIdOrderAfterAnIdMemberOrNot() {
    IdSet s = IdSet.of(List.of("d", "b", "f", "a", "c", "e"));
    assertEquals(new IdSet.Page(List.of("a", "b"), true), s.page(Optional.empty(), 2));
    assertEquals(new IdSet.Page(List.of("c", "d"), true), s.page(Optional.of("b"), 2), "after a member: not itself");
    assertEquals(new IdSet.Page(List.of("c", "d"), true), s.page(Optional.of("bb"), 2), "after an id no longer there");
    assertEquals(new IdSet.Page(List.of("e", "f"), false), s.page(Optional.of("d"), 2), "the last page says so");
    assertEquals(new IdSet.Page(List.of("f"), false), s.page(Optional.of("e"), 5));
    assertEquals(new IdSet.Page(List.of(), false), s.page(Optional.of("f"), 5));
    assertEquals(new IdSet.Page(List.of(), true), s.page(Optional.empty(), 0));
    assertEquals(s.toList(), s.page(Optional.empty(), Integer.MAX_VALUE).ids());
    assertThrows(IllegalArgumentException.class, () -> s.page(Optional.empty(), -1));

    // Every page of many, in turn, is the whole set once, in order.
    IdSet many = IdSet.empty();
    for (int i = 0; i < 2_500; i++) many = many.with("u" + i);
    List<String> paged = new java.util.ArrayList<>();
    Optional<String> after = Optional.empty();
    IdSet.Page page;
    do {
      page = many.page(after, 1000);
      paged.addAll(page.ids());
      after = Optional.of(paged.get(paged.size() - 1));
    } while (page.more());
    assertEquals(many.toList(), paged);
  }

  @Test
  void idSetHandlesManyIds() {
    IdSet s = IdSet.empty();
    for (int i = 0; i < 10_000; i++) s = s.with("u" + i);
    assertEquals(10_000, s.size());
    assertTrue(s.contains("u9999"));
    for (int i = 0; i < 10_000; i += 2) s = s.without("u" + i);
    assertEquals(5_000, s.size());
    assertFalse(s.contains("u0"));
    assertTrue(s.contains("u1"));
  }

  @Test
  void idSetJsonIsASortedArrayAndRoundTrips() throws Exception {
    IdSet s = IdSet.empty().with("carol").with("alice").with("bob");
    String json = MAPPER.writeValueAsString(s);
    assertEquals("[\"alice\",\"bob\",\"carol\"]", json);
    IdSet back = MAPPER.readValue(json, IdSet.class);
    assertEquals(s, back);
    assertEquals(IdSet.empty(), MAPPER.readValue("[]", IdSet.class));
  }
}
