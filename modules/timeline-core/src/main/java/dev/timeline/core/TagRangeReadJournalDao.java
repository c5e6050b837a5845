package dev.timeline.core;

import akka.NotUsed;
import akka.dispatch.MessageDispatcher;
import akka.persistence.PersistentRepr;
import akka.persistence.jdbc.AkkaSerialization;
import akka.persistence.jdbc.config.EventJournalTableColumnNames;
import akka.persistence.jdbc.config.ReadJournalConfig;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.persistence.jdbc.query.dao.DefaultReadJournalDao;
import akka.serialization.Serialization;
import akka.stream.Materializer;
import akka.stream.scaladsl.Source;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * akka-persistence-jdbc's read journal, with a tag query that reads only the new rows of its tag.
 * The plugin's query joins the tag table on the journal's {@code ordering} and bounds the offset
 * there, so H2 scans every row of {@code event_tag} on every poll (3.3 ms a poll at 40k tag rows,
 * 8 fan-out tags polled every 100 ms: a fifth of a core with the cluster idle, growing with the
 * journal). The same bounds on {@code event_tag.event_id} inside the join made it worse: H2 then
 * scanned the whole journal (540 ms a poll at 64k events). Here the tag's event ids after the
 * offset are chosen first, from the index on (tag, event id) that {@link Journal} creates, and
 * the journal is read by its key for those. Same rows, same order, same limit. Configured as
 * {@code jdbc-read-journal.dao}.
 */
public final class TagRangeReadJournalDao extends DefaultReadJournalDao {
  private final String eventsByTag;
  private final Serialization serialization;
  /** Blocking JDBC runs here, not on the plugin's dispatcher. */
  private final MessageDispatcher blocking;

  public TagRangeReadJournalDao(JdbcBackend.DatabaseDef db, JdbcProfile profile, ReadJournalConfig config,
                                Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, config, serialization, ec, mat);
    this.serialization = serialization;
    this.blocking = mat.system().dispatchers().lookup("akka.actor.default-blocking-io-dispatcher");
    this.eventsByTag = eventsByTagSql(config);
  }

  /** The tag query, bounded on the tag table's key; the journal's columns in row order. */
  static String eventsByTagSql(ReadJournalConfig config) {
    EventJournalTableColumnNames e = config.eventJournalTableConfiguration().columnNames();
    var t = config.eventTagTableConfiguration().columnNames();
    String events = BatchedJournalDao.table(config.eventJournalTableConfiguration().schemaName(),
        config.eventJournalTableConfiguration().tableName());
    String tags = BatchedJournalDao.table(config.eventTagTableConfiguration().schemaName(),
        config.eventTagTableConfiguration().tableName());
    String columns = String.join(", ", BatchedJournalDao.quoted(List.of(e.ordering(), e.deleted(), e.persistenceId(),
        e.sequenceNumber(), e.writer(), e.writeTimestamp(), e.adapterManifest(), e.eventPayload(), e.eventSerId(),
        e.eventSerManifest(), e.metaPayload(), e.metaSerId(), e.metaSerManifest())).stream().map(c -> "j." + c).toList());
    String eventId = BatchedJournalDao.quote(t.eventId());
    String ordering = "j." + BatchedJournalDao.quote(e.ordering());
    return "select " + columns + " from " + events + " j where " + ordering + " in (select " + eventId + " from " + tags
        + " where " + BatchedJournalDao.quote(t.tag()) + " = ? and " + eventId + " > ? and " + eventId + " <= ?) and j."
        + BatchedJournalDao.quote(e.deleted()) + " = false order by " + ordering + " limit ?";
  }

  @Override
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(String tag, long offset, long maxOffset, long max) {
    CompletableFuture<List<JournalAkkaSerializationRow>> rows = CompletableFuture.supplyAsync(() -> {
      try {
        return select(tag, offset, maxOffset, max);
      } catch (SQLException e) {
        throw new IllegalStateException("reading tag " + tag + " after " + offset + " failed: " + e.getMessage(), e);
      }
    }, blocking);
    // Tags are left empty, as the plugin's own query leaves them.
    Set<String> noTags = scala.collection.immutable.Set$.MODULE$.<String>empty();
    return akka.stream.javadsl.Source.completionStage(rows)
        .mapConcat(list -> list)
        .map(row -> AkkaSerialization.fromRow(serialization, row)
            .map(r -> new Tuple3<PersistentRepr, Set<String>, Object>(r._1(), noTags, r._2())))
        .asScala();
  }

  private List<JournalAkkaSerializationRow> select(String tag, long offset, long maxOffset, long max) throws SQLException {
    try (Connection c = db().source().createConnection(); PreparedStatement s = c.prepareStatement(eventsByTag)) {
      s.setString(1, tag);
      s.setLong(2, offset);
      s.setLong(3, maxOffset);
      s.setLong(4, Math.min(max, Integer.MAX_VALUE)); // H2 takes no limit above an int
      List<JournalAkkaSerializationRow> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          Object metaSerId = r.getObject(12);
          rows.add(new JournalAkkaSerializationRow(r.getLong(1), r.getBoolean(2), r.getString(3), r.getLong(4),
              r.getString(5), r.getLong(6), r.getString(7), r.getBytes(8), r.getInt(9), r.getString(10),
              Option.apply(r.getBytes(11)), Option.apply(metaSerId == null ? null : ((Number) metaSerId).intValue()),
              Option.apply(r.getString(13))));
        }
      }
      return rows;
    }
  }
}
