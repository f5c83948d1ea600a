package kalshifills.clickhouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

import javax.sql.DataSource;

/** Saves poll checkpoints; the route reads them back at the start of every poll with {@link ClickHouseSchema#completeUntilSql()}. */
public final class PollStateTable {

    private final DataSource dataSource;
    private final ClickHouseSchema schema;

    public PollStateTable(DataSource dataSource, ClickHouseSchema schema) {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    public void save(String pollKey, Instant completeUntil) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(schema.saveCompleteUntilSql())) {
            insert.setString(1, pollKey);
            insert.setObject(2, completeUntil);
            insert.executeUpdate();
        }
    }
}
