package dev.timeline.core;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * A test JDBC driver: {@code jdbc:held:REST} is H2's {@code jdbc:h2:REST}, except that a test can
 * hold back one commit: that of the next transaction that inserts an event of a chosen
 * persistence id. Its insert has taken an ordering id, later inserts of other writers commit
 * past it, and it stays invisible until released: a writer paused between insert and commit.
 */
public final class HeldCommitDriver implements Driver {
  static final String PREFIX = "jdbc:held:";
  private static final Driver H2 = new org.h2.Driver();
  private static final AtomicReference<Hold> ARMED = new AtomicReference<>();

  static {
    try {
      DriverManager.registerDriver(new HeldCommitDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** An in-memory database of that name through this driver (and the class registered). */
  static String memoryUrl(String name) {
    return PREFIX + "mem:" + name + ";DB_CLOSE_DELAY=-1";
  }

  /** One held commit: {@link #awaitHeld} until it blocks, then {@link #release} it. */
  public static final class Hold {
    private final String persistenceId;
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    private Hold(String persistenceId) {
      this.persistenceId = persistenceId;
    }

    public boolean awaitHeld(Duration timeout) throws InterruptedException {
      return held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void release() {
      released.countDown();
    }

    private void block() throws InterruptedException {
      held.countDown();
      // Bounded, so a test that fails without releasing does not hang its cluster's shutdown.
      released.await(60, TimeUnit.SECONDS);
    }
  }

  /** Holds the commit of the next transaction that inserts an event of {@code persistenceId}. */
  static Hold holdNextCommitOf(String persistenceId) {
    Hold hold = new Hold(persistenceId);
    ARMED.set(hold);
    return hold;
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) return null;
    Connection h2 = H2.connect("jdbc:h2:" + url.substring(PREFIX.length()), info);
    return proxy(Connection.class, new ConnectionHandler(h2));
  }

  /** Watches one connection's transaction for an insert of the armed persistence id. */
  private static final class ConnectionHandler implements InvocationHandler {
    private final Connection target;
    private volatile Hold insertedFor; // the armed hold whose persistence id this transaction inserted

    ConnectionHandler(Connection target) {
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "prepareStatement" -> {
          Object statement = call(target, method, args);
          Hold armed = ARMED.get();
          String sql = ((String) args[0]).toLowerCase();
          if (armed != null && sql.startsWith("insert into \"event_journal\""))
            return proxy(PreparedStatement.class, new InsertHandler((PreparedStatement) statement, this, armed));
          return statement;
        }
        case "commit" -> {
          Hold hold = insertedFor;
          insertedFor = null;
          if (hold != null && ARMED.compareAndSet(hold, null)) hold.block();
          return call(target, method, args);
        }
        case "rollback", "close" -> {
          insertedFor = null;
          return call(target, method, args);
        }
        default -> {
          return call(target, method, args);
        }
      }
    }
  }

  /** Marks the transaction when a parameter of the insert is the armed persistence id. */
  private record InsertHandler(PreparedStatement target, ConnectionHandler connection, Hold armed)
      implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().startsWith("set") && args != null && args.length == 2
          && armed.persistenceId.equals(args[1]))
        connection.insertedFor = armed;
      return call(target, method, args);
    }
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(HeldCommitDriver.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 1;
  }

  @Override
  public int getMinorVersion() {
    return 0;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }
}
