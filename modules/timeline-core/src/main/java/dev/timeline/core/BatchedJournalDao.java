package dev.timeline.core;

import akka.dispatch.MessageDispatcher;
import akka.persistence.jdbc.config.EventJournalTableColumnNames;
import akka.persistence.jdbc.config.EventTagTableColumnNames;
import akka.persistence.jdbc.config.JournalConfig;
import akka.persistence.jdbc.journal.dao.DefaultJournalDao;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.serialization.Serialization;
import akka.stream.Materializer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import scala.Option;
import scala.Tuple2;
import scala.compat.java8.FutureConverters;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * akka-persistence-jdbc's journal, with tagged events written in batches. Its own writer inserts
 * a batch holding any tagged event one row at a time (Slick returns each row's generated
 * {@code ordering} from its own statement), so the tagged {@code TweetPosted} and follows made
 * the journal's insert rate per row, not per batch. Here such a batch is one JDBC batch of event
 * rows, whose generated keys give the tag rows, which are a second batch; both in one
 * transaction, committed before the write is acknowledged, as before. Batches without tags go
 * to the plugin's own (already batched) insert. Configured as {@code jdbc-journal.dao}.
 */
public final class BatchedJournalDao extends DefaultJournalDao {
  private final String insertEvent;
  private final String insertTag;
  private final String orderingColumn;
  /** Blocking JDBC runs here, not on the plugin's dispatcher. */
  private final MessageDispatcher blocking;

  public BatchedJournalDao(JdbcBackend.DatabaseDef db, JdbcProfile profile, JournalConfig config,
                           Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, config, serialization, ec, mat);
    EventJournalTableColumnNames e = config.eventJournalTableConfiguration().columnNames();
    EventTagTableColumnNames t = config.eventTagTableConfiguration().columnNames();
    String events = table(config.eventJournalTableConfiguration().schemaName(), config.eventJournalTableConfiguration().tableName());
    String tags = table(config.eventTagTableConfiguration().schemaName(), config.eventTagTableConfiguration().tableName());
    this.insertEvent = "insert into " + events + " (" + String.join(", ", quoted(List.of(
        e.deleted(), e.persistenceId(), e.sequenceNumber(), e.writer(), e.writeTimestamp(), e.adapterManifest(),
        e.eventPayload(), e.eventSerId(), e.eventSerManifest(), e.metaPayload(), e.metaSerId(), e.metaSerManifest())))
        + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.insertTag = "insert into " + tags + " (" + quote(t.eventId()) + ", " + quote(t.tag()) + ") values (?, ?)";
    this.orderingColumn = e.ordering();
    this.blocking = mat.system().dispatchers().lookup("akka.actor.default-blocking-io-dispatcher");
  }

  @Override
  public Future<BoxedUnit> writeJournalRows(scala.collection.immutable.Seq<Tuple2<JournalAkkaSerializationRow, scala.collection.immutable.Set<String>>> xs) {
    List<Tuple2<JournalAkkaSerializationRow, scala.collection.immutable.Set<String>>> rows = new ArrayList<>(CollectionConverters.asJava(xs));
    if (rows.stream().allMatch(r -> r._2().isEmpty())) return super.writeJournalRows(xs);
    rows.sort(Comparator.comparingLong(r -> r._1().sequenceNumber()));
    return FutureConverters.toScala(CompletableFuture.supplyAsync(() -> {
      try {
        insert(rows);
        return BoxedUnit.UNIT;
      } catch (SQLException e) {
        throw new IllegalStateException("writing " + rows.size() + " events failed: " + e.getMessage(), e);
      }
    }, blocking));
  }

  private void insert(List<Tuple2<JournalAkkaSerializationRow, scala.collection.immutable.Set<String>>> rows) throws SQLException {
    try (Connection c = db().source().createConnection()) {
      c.setAutoCommit(false);
      try {
        List<Long> orderings = new ArrayList<>(rows.size());
        try (PreparedStatement insert = c.prepareStatement(insertEvent, new String[] {orderingColumn})) {
          for (var row : rows) {
            bind(insert, row._1());
            insert.addBatch();
          }
          insert.executeBatch();
          try (ResultSet keys = insert.getGeneratedKeys()) {
            while (keys.next()) orderings.add(keys.getLong(1));
          }
        }
        if (orderings.size() != rows.size())
          throw new SQLException("the journal returned " + orderings.size() + " generated orderings for " + rows.size() + " rows");
        try (PreparedStatement tag = c.prepareStatement(insertTag)) {
          for (int i = 0; i < rows.size(); i++) {
            for (String t : CollectionConverters.asJava(rows.get(i)._2())) {
              tag.setLong(1, orderings.get(i));
              tag.setString(2, t);
              tag.addBatch();
            }
          }
          tag.executeBatch();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void bind(PreparedStatement s, JournalAkkaSerializationRow row) throws SQLException {
    s.setBoolean(1, row.deleted());
    s.setString(2, row.persistenceId());
    s.setLong(3, row.sequenceNumber());
    s.setString(4, row.writer());
    s.setLong(5, row.writeTimestamp());
    s.setString(6, row.adapterManifest());
    s.setBytes(7, row.eventPayload());
    s.setInt(8, row.eventSerId());
    s.setString(9, row.eventSerManifest());
    Option<byte[]> metaPayload = row.metaPayload();
    if (metaPayload.isDefined()) s.setBytes(10, metaPayload.get());
    else s.setNull(10, Types.VARBINARY);
    Option<Object> metaSerId = row.metaSerId();
    if (metaSerId.isDefined()) s.setInt(11, (Integer) metaSerId.get());
    else s.setNull(11, Types.INTEGER);
    Option<String> metaSerManifest = row.metaSerManifest();
    if (metaSerManifest.isDefined()) s.setString(12, metaSerManifest.get());
    else s.setNull(12, Types.VARCHAR);
  }

  static String table(Option<String> schema, String name) {
    return schema.isDefined() ? quote(schema.get()) + "." + quote(name) : quote(name);
  }

  static List<String> quoted(List<String> names) {
    return names.stream().map(BatchedJournalDao::quote).toList();
  }

  /** Quoted as the plugin's Slick profiles quote them, so the names are matched exactly. */
  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
