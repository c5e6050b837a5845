package dev.timeline.core;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import akka.persistence.query.Offset;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.javadsl.GroupedProjection;
import akka.projection.javadsl.Handler;
import akka.projection.javadsl.SourceProvider;
import akka.projection.jdbc.JdbcSession;
import akka.projection.jdbc.javadsl.JdbcProjection;
import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The JDBC journal (H2 or PostgreSQL, chosen by {@code timeline.journal}): creating its tables,
 * and the plain JDBC sessions the fan-out projections store their offsets with.
 */
public final class Journal {
  private Journal() {}

  /** Where the journal is and how to log in ({@code timeline.journal}): every plain JDBC use of it. */
  public record Login(String url, String user, String password) {
    /** Read by {@link TimelineSettings#from}, as {@code settings.journal().login()}. */
    public static Login of(Config config) {
      Config journal = config.getConfig("timeline.journal");
      return new Login(journal.getString("url"), journal.getString("user"), journal.getString("password"));
    }

    public Connection connect() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }
  }

  /** The journal's settings as SchemaUtils must see them (see reference.conf). */
  private static final String SCHEMA_CONFIG = "timeline-journal-schema";

  /**
   * Creates the journal, snapshot, tag and offset tables if missing. Several nodes may start at
   * once; "create if not exists" can still race on some databases, so a failure is retried.
   */
  public static void createTablesIfMissing(ActorSystem<?> system, TimelineSettings.JournalSettings journal, Duration timeout) {
    Supplier<JdbcSession> sessions = sessionFactory(journal.login());
    RuntimeException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        SchemaUtils.createIfNotExists(SCHEMA_CONFIG, system).toCompletableFuture().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        JdbcProjection.createTablesIfNotExists(sessions, system).toCompletableFuture()
            .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        createTagIndexIfMissing(system, journal.login());
        return;
      } catch (Exception e) {
        last = new IllegalStateException("could not create the journal tables at "
            + journal.login().url() + ": " + e.getMessage(), e);
      }
    }
    throw last;
  }

  /**
   * The fan-out's tag query ({@link TagRangeReadJournalDao}) reads one tag's rows after an offset:
   * an index on (tag, event id) hands it those rows and no others. The plugin's schema has only
   * (event id, tag), whose ranges hold every tag's rows.
   */
  static void createTagIndexIfMissing(ActorSystem<?> system, Login login) throws SQLException {
    var tags = new akka.persistence.jdbc.config.JournalConfig(system.settings().config().getConfig("jdbc-journal"))
        .eventTagTableConfiguration();
    String sql = "create index if not exists " + BatchedJournalDao.quote(tags.tableName() + "_tag_event_id_idx")
        + " on " + BatchedJournalDao.table(tags.schemaName(), tags.tableName())
        + " (" + BatchedJournalDao.quote(tags.columnNames().tag()) + ", " + BatchedJournalDao.quote(tags.columnNames().eventId()) + ")";
    try (Connection c = login.connect(); var statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  /**
   * On an H2 server journal, aborts sessions that a paused writer left idle with uncommitted
   * changes (see {@link IdleTransactionGuard}) until the system terminates; elsewhere nothing.
   */
  public static void guardIdleTransactions(ActorSystem<?> system, TimelineSettings.JournalSettings journal) {
    IdleTransactionGuard.startFor(journal.login(), journal.abortIdleTransactionsAfter())
        .ifPresent(guard -> system.getWhenTerminated().thenRun(guard::close));
  }

  static GroupedProjection<Offset, EventEnvelope<UserEntity.Event>> projection(
      ProjectionId id,
      SourceProvider<Offset, EventEnvelope<UserEntity.Event>> source,
      Supplier<Handler<List<EventEnvelope<UserEntity.Event>>>> handler,
      Supplier<JdbcSession> sessions,
      ActorSystem<?> system) {
    return JdbcProjection.groupedWithinAsync(id, source, sessions, handler, system);
  }

  /**
   * Sessions from a pool of {@code size} connections, closed with the system: the fan-out's
   * projections store an offset per group, and a new H2 connection costs its server ~17 ms
   * (the session reads its settings); under DeathStarBench's init they opened 29 a second.
   * A connection is waited for at most 2 s, so during a journal outage a projection fails and
   * backs off as it did when the connection was refused.
   */
  static Supplier<JdbcSession> pooledSessions(ActorSystem<?> system, Login login, int size) {
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setPoolName("fan-out-offsets");
    config.setJdbcUrl(login.url());
    config.setUsername(login.user());
    config.setPassword(login.password());
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setAutoCommit(false);
    config.setConnectionTimeout(2000);
    config.setInitializationFailTimeout(-1); // connect on first use, not here
    com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config);
    system.getWhenTerminated().thenRun(pool::close);
    return sessions(login, pool::getConnection);
  }

  static Supplier<JdbcSession> sessionFactory(Login login) {
    return sessions(login, login::connect);
  }

  private interface Connect {
    Connection get() throws SQLException;
  }

  private static Supplier<JdbcSession> sessions(Login login, Connect connect) {
    return () -> {
      try {
        return new PlainJdbcSession(connect.get());
      } catch (SQLException e) {
        throw new IllegalStateException("cannot connect to the journal at " + login.url(), e);
      }
    };
  }

  /** A session on one connection; closing it closes the connection (or hands it back to its pool). */
  private static final class PlainJdbcSession implements JdbcSession {
    private final Connection connection;

    PlainJdbcSession(Connection connection) throws SQLException {
      this.connection = connection;
      connection.setAutoCommit(false);
    }

    @Override
    public <R> R withConnection(akka.japi.function.Function<Connection, R> f) throws Exception {
      return f.apply(connection);
    }

    @Override
    public void commit() throws SQLException {
      connection.commit();
    }

    @Override
    public void rollback() throws SQLException {
      connection.rollback();
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }
}
