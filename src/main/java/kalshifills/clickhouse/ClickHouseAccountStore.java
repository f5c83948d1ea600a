package kalshifills.clickhouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import kalshifills.account.AccountStore;
import kalshifills.fill.NormalizedFill;
import kalshifills.fill.RejectedFill;
import kalshifills.kalshi.FillsQuery;
import kalshifills.settings.ConfigurationException;
import kalshifills.settings.ServiceSettings;
import kalshifills.settings.Settings;

/** An account's tables in ClickHouse: its fills table, its rejects table, and its row of the poll state table. */
public final class ClickHouseAccountStore implements AccountStore {

    private final DataSource dataSource;
    private final ClickHouseSchema schema;
    private final StoredFillLookup lookup;
    private final PollStateTable checkpoints;
    private final RejectedFillWriter rejects;
    private final FillBatchWriter writer;
    private final FillsQuery filters;

    public ClickHouseAccountStore(DataSource dataSource, Settings settings, String pollKey, String version) {
        this.dataSource = dataSource;
        this.schema = ServiceSettings.clickHouseSchema(settings);
        this.lookup = StoredFillLookup.in(dataSource, schema);
        this.checkpoints = new PollStateTable(dataSource, schema, pollKey);
        this.rejects = new RejectedFillWriter(dataSource, schema, Clock.systemUTC(),
                settings.integer("fills.dedupe.remembered-ids", 1_000, 100_000_000));
        this.writer = new FillBatchWriter(dataSource, schema, settings.text("fills.instance-id"), version);
        this.filters = ServiceSettings.fillsQuery(settings);
    }

    /** The store of each account, in the tables its settings name. */
    public static AccountStore.Factory in(DataSource dataSource, String version) {
        return (settings, pollKey) -> new ClickHouseAccountStore(dataSource, settings, pollKey, version);
    }

    @Override
    public void create() throws SQLException {
        try {
            schema.createIfAbsent(dataSource);
        } catch (IllegalStateException e) {
            throw new ConfigurationException("clickhouse.fills-table", e.getMessage());
        }
    }

    @Override
    public Set<String> storedAmong(List<String> fillIds, Instant earliest, Instant latest) throws SQLException {
        return lookup.storedAmong(fillIds, earliest, latest);
    }

    @Override
    public Optional<Instant> checkpoint() throws SQLException {
        return checkpoints.read();
    }

    @Override
    public void saveCheckpoint(Instant completeUntil) throws SQLException {
        checkpoints.save(completeUntil);
    }

    @Override
    public int reject(List<RejectedFill> rejected) throws SQLException {
        return rejects.store(rejected);
    }

    @Override
    public Optional<Instant> newestFill() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(schema.newestFillSql(filters.subaccount() != null, filters.ticker() != null))) {
            int parameter = 1;
            if (filters.subaccount() != null) {
                query.setInt(parameter++, filters.subaccount());
            }
            if (filters.ticker() != null) {
                query.setString(parameter, filters.ticker());
            }
            try (ResultSet newest = query.executeQuery()) {
                newest.next();
                long millis = newest.getLong(1);
                return newest.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
            }
        }
    }

    @Override
    public void insert(List<NormalizedFill> batch) throws SQLException {
        writer.insert(batch);
    }
}
