package dev.timeline.node.lab;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.http.javadsl.marshalling.Marshaller;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import com.typesafe.config.Config;
import dev.timeline.core.Journal;
import dev.timeline.node.ApiError;
import dev.timeline.node.NodeSettings;
import dev.timeline.node.Replies;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Who wrote each entity's events, read from the journal table with plain JDBC, for the lab's
 * "no entity ran twice at once" checker. akka-persistence-jdbc stores with every event its
 * {@code writer}, the writer UUID of the entity incarnation that persisted it. Taken in sequence
 * number order, runs of one writer show incarnations taking over from each other (w1, w2); a
 * writer that comes back after another (w1, w2, w1) means two incarnations wrote at the same time.
 * Served on the admin port only with {@code --fault-injection}.
 *
 * <pre>
 * GET /admin/journal/writers   200 {"persistenceIds":N,"events":M,"writerRuns":{"User|x":["w1","w2"],...}}
 *                              503 when the journal cannot be read
 * </pre>
 *
 * {@code writerRuns} lists only persistence ids with more than one run. The rows are streamed in
 * (persistence id, sequence number) order, the journal's primary key, so one id's runs are held
 * at a time, not the table.
 */
public final class JournalWriters extends AllDirectives {

  public record Report(long persistenceIds, long events, Map<String, List<String>> writerRuns) {}

  /** The journal's connection and akka-persistence-jdbc's names for its event table, read once. */
  public record Table(Journal.Login journal, String table, String persistenceId, String sequenceNumber, String writer) {
    /** From akka-persistence-jdbc's keys and the core's journal login, in a node's whole configuration. */
    public static Table of(Config config, Journal.Login login) {
      Config events = config.getConfig("jdbc-journal.tables.event_journal");
      Config columns = events.getConfig("columnNames");
      String schema = events.getString("schemaName");
      return new Table(login,
          (schema.isEmpty() ? "" : quoted(schema) + ".") + quoted(events.getString("tableName")),
          quoted(columns.getString("persistenceId")), quoted(columns.getString("sequenceNumber")),
          quoted(columns.getString("writer")));
    }

    /** Quoted as akka-persistence-jdbc (Slick) created them: lowercase names on H2 and PostgreSQL. */
    private static String quoted(String name) {
      return '"' + name.replace("\"", "\"\"") + '"';
    }
  }

  /** Folds rows given in (persistence id, sequence number) order. */
  static final class Fold {
    private final Map<String, List<String>> writerRuns = new LinkedHashMap<>();
    private String current;
    private final List<String> runs = new ArrayList<>();
    private long persistenceIds;
    private long events;

    void add(String persistenceId, String writer) {
      events++;
      if (!persistenceId.equals(current)) {
        finishCurrent();
        current = persistenceId;
        persistenceIds++;
      }
      if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(writer)) runs.add(writer);
    }

    Report report() {
      finishCurrent();
      current = null;
      return new Report(persistenceIds, events, Collections.unmodifiableMap(new LinkedHashMap<>(writerRuns)));
    }

    private void finishCurrent() {
      if (runs.size() > 1) writerRuns.put(current, List.copyOf(runs));
      runs.clear();
    }
  }

  /** Rows fetched per round trip: PostgreSQL streams with a cursor only given a fetch size outside auto-commit. */
  private static final int FETCH_SIZE = 1000;
  /** A journal of millions of events takes seconds to scan; the server's default request timeout is 20 s. */
  private static final scala.concurrent.duration.FiniteDuration TIMEOUT =
      scala.concurrent.duration.FiniteDuration.create(55, java.util.concurrent.TimeUnit.SECONDS);

  private final ActorSystem<?> system;
  /** The one JSON writer ({@link Replies#json}), made once: a reply reuses it. */
  private final Marshaller<Object, RequestEntity> json;
  private final Table table;
  private final Executor blocking;

  public JournalWriters(ActorSystem<?> system, NodeSettings settings) {
    this.system = system;
    this.json = Replies.json(system);
    this.table = settings.journalTable();
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  public Route route() {
    return path(akka.http.javadsl.server.PathMatchers.segment("admin").slash("journal").slash("writers"), () ->
        get(() -> withRequestTimeout(TIMEOUT, () -> onComplete(
            CompletableFuture.supplyAsync(() -> {
              try {
                return scan(table);
              } catch (SQLException e) {
                throw new CompletionException(e);
              }
            }, blocking),
            result -> result.isSuccess()
                ? completeOK(result.get(), json)
                : ApiError.unavailable("cannot read the journal at " + table.journal().url() + ": " + cause(result.failed().get())).route()))));
  }

  static Report scan(Table table) throws SQLException {
    String query = "SELECT " + table.persistenceId() + ", " + table.writer() + " FROM " + table.table()
        + " ORDER BY " + table.persistenceId() + ", " + table.sequenceNumber();
    try (Connection connection = table.journal().connect()) {
      connection.setReadOnly(true);
      connection.setAutoCommit(false);
      try (PreparedStatement statement = connection.prepareStatement(query, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
        statement.setFetchSize(FETCH_SIZE);
        Fold fold = new Fold();
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) fold.add(rows.getString(1), rows.getString(2));
        }
        return fold.report();
      } finally {
        connection.rollback(); // read only: ends the transaction the cursor needed
      }
    }
  }

  private static String cause(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return t.getMessage();
  }
}
