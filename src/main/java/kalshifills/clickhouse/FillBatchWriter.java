package kalshifills.clickhouse;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

import javax.sql.DataSource;

import com.clickhouse.client.api.data_formats.RowBinaryFormatSerializer;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.data.ClickHouseFormat;
import kalshifills.fill.NormalizedFill;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts a batch of new fills into {@code mm_fills} in one insert, as RowBinary (ClickHouse's native row format: no SQL
 * text to build or parse), with the batch's deduplication token: a retry of the same batch, after a timeout that hid a
 * successful write, is dropped by the server.
 */
public final class FillBatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(FillBatchWriter.class);
    private static final int DECIMAL_PRECISION = 18;
    private static final int DECIMAL_SCALE = 6;
    private static final int MILLISECONDS = 3;

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
                InsertResponse response = PooledClient.of(connection).insert(schema.fillsTable(), ClickHouseSchema.FILL_INSERT_COLUMNS,
                        out -> write(out, batch), ClickHouseFormat.RowBinary, schema.fillInsertSettings(token)).get()) {
            // Nothing to read in the answer: its written_rows counts a retry the server dropped as well.
        } catch (ExecutionException e) {
            throw PooledClient.failure("insert into " + schema.fillsTable() + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PooledClient.failure("insert into " + schema.fillsTable() + " was interrupted", e);
        } catch (RuntimeException e) {
            throw PooledClient.failure("insert into " + schema.fillsTable() + " failed", e);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        LOG.atInfo().setMessage("fills_ingested")
                .addKeyValue("count", batch.size())
                .addKeyValue("table", schema.fillsTable())
                .addKeyValue("dedup_token", token.substring(0, 16))
                .addKeyValue("elapsed_ms", elapsed.toMillis())
                .log();
    }

    /** The rows in the order of {@link ClickHouseSchema#FILL_INSERT_COLUMNS}; RowBinary has no names, so the order is the contract. */
    private void write(OutputStream stream, List<NormalizedFill> batch) throws IOException {
        BufferedOutputStream buffered = new BufferedOutputStream(stream, 64 * 1024);
        RowBinaryFormatSerializer row = new RowBinaryFormatSerializer(buffered);
        for (NormalizedFill fill : batch) {
            BigDecimal price = fill.price();
            row.writeDateTime64(fill.ts(), MILLISECONDS);
            row.writeString(instanceId);
            row.writeString(version);
            row.writeString(fill.marketTicker());
            row.writeString(fill.orderId());
            row.writeString(fill.clientOrderId());
            row.writeString(fill.side());
            row.writeFloat64(price.doubleValue());
            row.writeUInt16(fill.priceCents());
            row.writeFloat64(fill.count().doubleValue());
            // The old writer's column is not nullable: an unknown fee is 0 there, and NULL in fee_cost.
            row.writeFloat64(fill.fee() == null ? 0 : fill.fee().doubleValue());
            row.writeString(fill.fillId());
            row.writeString(fill.rawJson());
            row.writeString(fill.tradeId());
            row.writeString(fill.action());
            row.writeString(fill.side());
            row.writeString(fill.bookSide());
            row.writeDecimal(fill.count(), DECIMAL_PRECISION, DECIMAL_SCALE);
            row.writeDecimal(fill.yesPrice(), DECIMAL_PRECISION, DECIMAL_SCALE);
            row.writeDecimal(fill.noPrice(), DECIMAL_PRECISION, DECIMAL_SCALE);
            if (nullable(row, fill.fee())) {
                row.writeDecimal(fill.fee(), DECIMAL_PRECISION, DECIMAL_SCALE);
            }
            if (nullable(row, fill.isTaker())) {
                row.writeBool(fill.isTaker());
            }
            if (nullable(row, fill.subaccount())) {
                row.writeInt32(fill.subaccount());
            }
            if (nullable(row, fill.createdTime())) {
                row.writeDateTime64(fill.createdTime(), MILLISECONDS);
            }
            if (nullable(row, fill.exchangeIndex())) {
                row.writeInt32(fill.exchangeIndex());
            }
        }
        buffered.flush();
    }

    /** A Nullable column's marker: true when the value follows. */
    private static boolean nullable(RowBinaryFormatSerializer row, Object value) throws IOException {
        if (value == null) {
            row.writeNull();
            return false;
        }
        row.writeNotNull();
        return true;
    }
}
