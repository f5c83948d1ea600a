package kalshifills.clickhouse;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * Gives every borrowed connection the socket timeout, so a statement whose answer never comes fails and can be retried.
 *
 * <p>HikariCP restores each connection's network timeout to what the driver reported when it opened it, and
 * clickhouse-jdbc reports 0 whatever its {@code socket_timeout}, after which it waits 30 s for any answer. Setting the
 * timeout on each borrow wins; the pool resets it on return.
 */
public final class SocketTimeoutDataSource implements DataSource, AutoCloseable {

    private final DataSource pool;
    private final int timeoutMillis;

    public SocketTimeoutDataSource(DataSource pool, int timeoutMillis) {
        this.pool = pool;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return withTimeout(pool.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return withTimeout(pool.getConnection(username, password));
    }

    private Connection withTimeout(Connection connection) throws SQLException {
        connection.setNetworkTimeout(Runnable::run, timeoutMillis);
        return connection;
    }

    @Override
    public void close() throws Exception {
        if (pool instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }
}
