package kalshifills.clickhouse;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import kalshifills.fill.NormalizedFill;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts a batch of new fills into {@code mm_fills} in one JDBC batch, one insert, with the batch's deduplication token:
 * a retry of the same batch, after a timeout that hid a successful write, is dropped by the server.
 */
public final class FillBatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(FillBatchWriter.class);

    private final DataSource dataSource;
    private final ClickHouseSchema schema;
    private final String instanceId;
    private final String version;

    public FillBatchWriter(DataSource dataSource, ClickHouseSchema schema, String instanceId, String version) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.instanceId = instanceId;
        this.version = version;
    }

    public void insert(List<NormalizedFill> batch) throws SQLException {
        List<String> ids = batch.stream().map(NormalizedFill::fillId).toList();
        String token = DedupToken.of(ids);
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(schema.insertFillsSql(token))) {
            // JDBC escapes ({fn ...}) are not SQL here: the driver would rewrite them inside the values, and scanning the
            // whole statement for them was the biggest cost of a batch on this side.
            insert.setEscapeProcessing(false);
            for (NormalizedFill fill : batch) {
                bind(insert, fill);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        LOG.atInfo().setMessage("fills_ingested")
                .addKeyValue("count", batch.size())
                .addKeyValue("table", schema.fillsTable())
                .addKeyValue("dedup_token", token.substring(0, 16))
                .addKeyValue("elapsed_ms", elapsed.toMillis())
                .log();
    }

    private void bind(PreparedStatement insert, NormalizedFill fill) throws SQLException {
        BigDecimal price = fill.price();
        int column = 0;
        insert.setObject(++column, fill.ts());
        insert.setString(++column, instanceId);
        insert.setString(++column, version);
        insert.setString(++column, fill.marketTicker());
        insert.setString(++column, fill.orderId());
        insert.setString(++column, fill.clientOrderId());
        insert.setString(++column, fill.side());
        insert.setDouble(++column, price.doubleValue());
        insert.setInt(++column, fill.priceCents());
        insert.setDouble(++column, fill.count().doubleValue());
        // The old writer's column is not nullable: an unknown fee is 0 there, and NULL in fee_cost.
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
    }
}
