package kalshifills.clickhouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

/** One account's and filter's poll checkpoint, in the poll state table: the start of its last complete poll. */
public final class PollStateTable {

    private final DataSource dataSource;
    private final ClickHouseSchema schema;
    private final String pollKey;

    /** @param pollKey names the account and filter: {@code <key id>/<subaccount or all>/<ticker or all>} */
    public PollStateTable(DataSource dataSource, ClickHouseSchema schema, String pollKey) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.pollKey = pollKey;
    }

    public Optional<Instant> read() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(schema.completeUntilSql())) {
            select.setString(1, pollKey);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(Instant.ofEpochMilli(row.getLong(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new SQLException("cannot read the poll checkpoint", e);
        }
    }

    public void save(Instant completeUntil) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(schema.saveCompleteUntilSql())) {
            insert.setString(1, pollKey);
            insert.setObject(2, completeUntil);
            insert.executeUpdate();
        }
    }
}
