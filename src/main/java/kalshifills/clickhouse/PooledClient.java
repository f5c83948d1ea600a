package kalshifills.clickhouse;

import java.sql.Connection;
import java.sql.SQLException;

import com.clickhouse.client.api.Client;
import com.clickhouse.jdbc.ConnectionImpl;

/**
 * ClickHouse's own client (client-v2) behind a pooled jdbc-v2 connection: the same URL, login, timeouts and pool, and
 * what jdbc-v2 cannot do, RowBinary inserts and server-side query parameters (jdbc-v2 writes every value into the SQL
 * text, which the server then parses). Valid only while the connection is borrowed.
 */
final class PooledClient {

    private PooledClient() {
    }

    static Client of(Connection connection) throws SQLException {
        return connection.unwrap(ConnectionImpl.class).getClient();
    }

    /** A failure of the client as the JDBC path reports one, so callers and retries see one kind of failure. */
    static SQLException failure(String what, Throwable cause) {
        return new SQLException(what + ": " + cause.getMessage(), cause);
    }
}
