package kalshifills.clickhouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import kalshifills.fill.RejectedFill;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every rejected fill, with its reason and raw JSON, in the rejects table, and logs it as {@code fills_rejected}.
 *
 * <p>The API serves a bad fill again on every poll; it is stored and logged once. Its key is a hash of its raw JSON,
 * remembered here once stored; a key this process has not seen yet is looked up in the table (the page's new keys in
 * one query), so a restart does not store it again. The key is also the table's sorting key, so a copy written by a
 * second instance at the same moment collapses under {@code FINAL}.
 */
public final class RejectedFillWriter {

    private static final Logger LOG = LoggerFactory.getLogger(RejectedFillWriter.class);

    private final DataSource dataSource;
    private final ClickHouseSchema schema;
    private final Clock clock;
    private final RecentKeys storedKeys;
    private final ExistingKeys existingKeys;

    public RejectedFillWriter(DataSource dataSource, ClickHouseSchema schema, Clock clock, int rememberedKeys) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.clock = clock;
        this.storedKeys = new RecentKeys(rememberedKeys);
        this.existingKeys = new ExistingKeys(dataSource, schema.storedRejectKeysSql(), "rejected fills in " + schema.rejectsTable());
    }

    /** @return how many of the fills were not stored before */
    public int store(List<RejectedFill> rejected) throws SQLException {
        Map<String, RejectedFill> fresh = new LinkedHashMap<>();
        for (RejectedFill fill : rejected) {
            String key = DedupToken.of(List.of(fill.rawJson()));
            if (!storedKeys.contains(key)) {
                fresh.put(key, fill);
            }
        }
        if (fresh.isEmpty()) {
            return 0;
        }
        for (String stored : existingKeys.among(List.copyOf(fresh.keySet()))) {
            storedKeys.add(stored);
            fresh.remove(stored);
        }
        if (fresh.isEmpty()) {
            return 0;
        }
        Instant receivedAt = clock.instant();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(schema.insertRejectsSql(DedupToken.of(fresh.keySet())))) {
            // Raw JSON is data, not SQL with JDBC escapes: the driver must not rewrite a '{fn ...}' inside it.
            insert.setEscapeProcessing(false);
            for (Map.Entry<String, RejectedFill> entry : fresh.entrySet()) {
                insert.setObject(1, receivedAt);
                insert.setString(2, entry.getKey());
                insert.setString(3, entry.getValue().fillId());
                insert.setString(4, entry.getValue().reason());
                insert.setString(5, entry.getValue().rawJson());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new SQLException("cannot store rejected fills in " + schema.rejectsTable(), e);
        }
        for (Map.Entry<String, RejectedFill> entry : fresh.entrySet()) {
            storedKeys.add(entry.getKey());
            LOG.atWarn().setMessage("fills_rejected")
                    .addKeyValue("fill_id", entry.getValue().fillId())
                    .addKeyValue("reason", entry.getValue().reason())
                    .addKeyValue("table", schema.rejectsTable())
                    .log();
        }
        return fresh.size();
    }
}
