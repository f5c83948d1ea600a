package kalshifills.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

import javax.sql.DataSource;

import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.fill.NormalizedFill;

/**
 * The backfill's baseline: what a hand-written JDBC loop does, one {@code PreparedStatement} batch per page with the
 * service's deduplication setting, into a table of the same definition. jdbc-v2 renders the batch as SQL text.
 */
final class PlainJdbcLoop {

    private final DataSource dataSource;
    private final String table;

    PlainJdbcLoop(DataSource dataSource, ClickHouseSchema schema) {
        this.dataSource = dataSource;
        this.table = schema.fillsTable();
    }

    void insert(List<NormalizedFill> batch, String dedupToken) throws SQLException {
        List<String> columns = ClickHouseSchema.FILL_INSERT_COLUMNS;
        String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SETTINGS insert_deduplication_token = '" + dedupToken
                + "' VALUES (" + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setEscapeProcessing(false);
            for (NormalizedFill fill : batch) {
                int column = 0;
                insert.setObject(++column, fill.ts());
                insert.setString(++column, "plain-jdbc");
                insert.setString(++column, "baseline");
                insert.setString(++column, fill.marketTicker());
                insert.setString(++column, fill.orderId());
                insert.setString(++column, fill.clientOrderId());
                insert.setString(++column, fill.side());
                insert.setDouble(++column, fill.price().doubleValue());
                insert.setInt(++column, fill.priceCents());
                insert.setDouble(++column, fill.count().doubleValue());
                insert.setDouble(++column, fill.fee() == null ? 0 : fill.fee().doubleValue());
                insert.setString(++column, fill.fillId());
                insert.setString(++column, fill.rawJson());
                insert.setString(++column, fill.tradeId());
                insert.setString(++column, fill.action());
                insert.setString(++column, fill.side());
                insert.setString(++column, fill.bookSide());
                insert.setBigDecimal(++column, fill.count());
                insert.setBigDecimal(++column, fill.yesPrice());
                insert.setBigDecimal(++column, fill.noPrice());
                insert.setObject(++column, fill.fee());
                insert.setObject(++column, fill.isTaker());
                insert.setObject(++column, fill.subaccount());
                insert.setObject(++column, fill.createdTime());
                insert.setObject(++column, fill.exchangeIndex());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
