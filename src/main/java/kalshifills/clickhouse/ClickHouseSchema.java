package kalshifills.clickhouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.clickhouse.client.api.insert.InsertSettings;

/**
 * The two tables this service writes, and every statement it runs against them.
 *
 * <p>{@code mm_fills} keeps the column names and types of the market-making engine's old writer, so existing queries
 * keep working, and adds what today's API carries, with exact decimals. It is a {@code ReplacingMergeTree} ordered by
 * {@code (ts, fill_id)}: a fill that reaches it twice with the same time (two instances, a retry the service could not see
 * through) collapses to one row at merge time and is counted once by {@code FINAL}. Each insert carries a deduplication
 * token derived from its fill ids, and the table remembers the last {@code dedupWindow} tokens, so a retried batch is
 * dropped by the server.
 * {@code mm_fills_poll_state} keeps, per account and filter, the start of the last poll whose fills are all stored.
 */
public final class ClickHouseSchema {

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*");

    static final String FILL_COLUMNS = "ts, engine_instance_id, engine_version, market_ticker, exchange_order_id, client_order_id,"
            + " side, price, price_cents, size, fee, fill_id, raw_json, trade_id, action, outcome_side, book_side, count_fp,"
            + " yes_price_dollars, no_price_dollars, fee_cost, is_taker, subaccount, created_time, exchange_index";

    /**
     * Through a Distributed table, an insert returns once every shard has written its rows (not when they are queued), so
     * a lookup right after finds them, and a retry is deduplicated by each shard's replicated table.
     */
    private static final String FOREGROUND = "distributed_foreground_insert = 1";

    private static final String FILLS_TABLE_COLUMNS = """
                ts DateTime64(3, 'UTC'),
                engine_instance_id String,
                engine_version String,
                market_ticker String,
                exchange_order_id String,
                client_order_id String,
                side LowCardinality(String),
                price Float64,
                price_cents UInt16,
                size Float64,
                fee Float64,
                decision_id UUID,
                fill_id String,
                raw_json String,
                trade_id String,
                action LowCardinality(String),
                outcome_side LowCardinality(String),
                book_side LowCardinality(String),
                count_fp Decimal(18, 6),
                yes_price_dollars Decimal(18, 6),
                no_price_dollars Decimal(18, 6),
                fee_cost Nullable(Decimal(18, 6)),
                is_taker Nullable(Bool),
                subaccount Nullable(Int32),
                created_time Nullable(DateTime64(3, 'UTC')),
                exchange_index Nullable(Int32),
                ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)""";
    private static final String REJECTS_TABLE_COLUMNS = """
                received_at DateTime64(3, 'UTC'),
                reject_key String,
                fill_id String,
                reason String,
                raw_json String""";
    private static final String POLL_STATE_TABLE_COLUMNS = """
                poll_key String,
                complete_until DateTime64(3, 'UTC'),
                updated_at DateTime64(3, 'UTC') DEFAULT now64(3)""";

    private final String fillsTable;
    private final String rejectsTable;
    private final String pollStateTable;
    private final int dedupWindow;
    private final String cluster;

    /** @throws IllegalArgumentException when a table name is not {@code database.table} made of plain identifiers */
    public ClickHouseSchema(String fillsTable, String rejectsTable, String pollStateTable, int dedupWindow) {
        this(fillsTable, rejectsTable, pollStateTable, dedupWindow, null);
    }

    private ClickHouseSchema(String fillsTable, String rejectsTable, String pollStateTable, int dedupWindow, String cluster) {
        this.fillsTable = checkedName(fillsTable);
        this.rejectsTable = checkedName(rejectsTable);
        this.pollStateTable = checkedName(pollStateTable);
        this.dedupWindow = dedupWindow;
        this.cluster = cluster;
    }

    /** The same tables, but fills go to {@code table}. */
    public ClickHouseSchema withFillsTable(String table) {
        return new ClickHouseSchema(table, rejectsTable, pollStateTable, dedupWindow, cluster);
    }

    /** The same tables on a ClickHouse cluster (remote_servers): replicated on every node, read and written through Distributed ones. */
    public ClickHouseSchema onCluster(String clusterName) {
        return new ClickHouseSchema(fillsTable, rejectsTable, pollStateTable, dedupWindow, clusterName);
    }

    public boolean clustered() {
        return cluster != null;
    }

    public String fillsTable() {
        return fillsTable;
    }

    public String rejectsTable() {
        return rejectsTable;
    }

    /**
     * Creates the databases and tables that do not exist yet, then checks that the fills table is one this service can
     * keep exactly once: the columns it writes, and the ReplacingMergeTree engine.
     *
     * <p>On a cluster only what this server lacks is created {@code ON CLUSTER}: distributed DDL waits for every node,
     * and a server whose tables exist needs none. A single-server fills table is refused before anything is created.
     *
     * @throws IllegalStateException naming the table and the way out when an existing table does not fit
     */
    public void createIfAbsent(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            Set<String> existing = cluster == null ? Set.of() : existingObjects(connection);
            if (existing.contains(fillsTable) && !"Distributed".equals(engine(connection, fillsTable, new HashMap<>()))) {
                throw new IllegalStateException(fillsTable + " is not a Distributed table, and clickhouse.cluster is " + cluster
                        + ": point clickhouse.fills-table at a new table (the service creates it over " + local(fillsTable)
                        + "), or leave clickhouse.cluster empty for a single server.");
            }
            for (Map.Entry<String, String> create : createStatementsByObject().entrySet()) {
                if (!existing.contains(create.getKey())) {
                    statement.execute(create.getValue());
                }
            }
            checkFillsTable(connection);
        }
    }

    /**
     * The statements that create the databases and tables. On a cluster ({@code clickhouse.cluster}) each table is a
     * ReplicatedReplacingMergeTree {@code <table>_local} on every node ({@code ON CLUSTER}), and the configured name a
     * Distributed table over them, sharded by the table's key, which the service reads and writes.
     */
    public List<String> createStatements() {
        return List.copyOf(createStatementsByObject().values());
    }

    /** Each statement by the database or {@code database.table} it creates. */
    private Map<String, String> createStatementsByObject() {
        Map<String, String> statements = new LinkedHashMap<>();
        for (String database : new TreeSet<>(List.of(database(fillsTable), database(rejectsTable), database(pollStateTable)))) {
            statements.put(database, "CREATE DATABASE IF NOT EXISTS " + database + onCluster());
        }
        statements.putAll(table(fillsTable, FILLS_TABLE_COLUMNS, "ingested_at", "PARTITION BY toYYYYMM(ts)\nORDER BY (ts, fill_id)", "fill_id", true));
        statements.putAll(table(rejectsTable, REJECTS_TABLE_COLUMNS, null, "ORDER BY reject_key", "reject_key", true));
        statements.putAll(table(pollStateTable, POLL_STATE_TABLE_COLUMNS, "updated_at", "ORDER BY poll_key", "poll_key", false));
        return statements;
    }

    /** The databases and {@code database.table}s this server has. */
    private static Set<String> existingObjects(Connection connection) throws SQLException {
        Set<String> existing = new HashSet<>();
        try (Statement query = connection.createStatement();
                ResultSet rows = query.executeQuery("SELECT name FROM system.databases UNION ALL SELECT database || '.' || name FROM system.tables")) {
            while (rows.next()) {
                existing.add(rows.getString(1));
            }
        }
        return existing;
    }

    private Map<String, String> table(String name, String columns, String version, String order, String shardKey, boolean deduplicated) {
        if (cluster == null) {
            return Map.of(name, "CREATE TABLE IF NOT EXISTS " + name + " (\n" + columns + "\n) ENGINE = ReplacingMergeTree"
                    + (version == null ? "" : "(" + version + ")") + "\n" + order
                    + (deduplicated ? "\nSETTINGS non_replicated_deduplication_window = " + dedupWindow : ""));
        }
        String local = local(name);
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put(local, "CREATE TABLE IF NOT EXISTS " + local + onCluster() + " (\n" + columns + "\n) ENGINE = ReplicatedReplacingMergeTree("
                + "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'" + (version == null ? "" : ", " + version) + ")\n" + order
                + (deduplicated ? "\nSETTINGS replicated_deduplication_window = " + dedupWindow : ""));
        statements.put(name, "CREATE TABLE IF NOT EXISTS " + name + onCluster() + " AS " + local + "\nENGINE = Distributed(" + cluster + ", "
                + database(local) + ", " + local.substring(local.indexOf('.') + 1) + ", cityHash64(" + shardKey + "))");
        return statements;
    }

    private String onCluster() {
        return cluster == null ? "" : " ON CLUSTER " + cluster;
    }

    /** The replicated table on each node under a Distributed one. */
    static String local(String table) {
        return table + "_local";
    }

    /**
     * Refuses a table this service cannot keep exactly once (the old writer's plain MergeTree), and brings one an earlier
     * version of this service made up to date: {@code exchange_index} added, {@code fee_cost} nullable (a fee Kalshi did
     * not send is unknown, not zero). Rows stored before keep their values until {@code repair} rebuilds them.
     * On a cluster the fills table is a Distributed one over {@code <table>_local}, replicated or, on a cluster of shards
     * without replicas, a plain ReplacingMergeTree.
     */
    private void checkFillsTable(Connection connection) throws SQLException {
        String table = cluster == null ? fillsTable : local(fillsTable);
        Set<String> expected = cluster == null ? Set.of("ReplacingMergeTree") : Set.of("ReplicatedReplacingMergeTree", "ReplacingMergeTree");
        Map<String, String> columns = new HashMap<>();
        String engine = engine(connection, table, columns);
        Set<String> missing = new TreeSet<>(FILL_INSERT_COLUMNS);
        missing.removeAll(columns.keySet());
        if (cluster == null && "ReplacingMergeTree".equals(engine) && missing.equals(Set.of("exchange_index"))) {
            execute(connection, "ALTER TABLE " + fillsTable + " ADD COLUMN IF NOT EXISTS exchange_index Nullable(Int32) AFTER created_time");
            missing.clear();
        }
        if (!missing.isEmpty() || !expected.contains(engine)) {
            throw new IllegalStateException(table + " exists as a " + engine + (missing.isEmpty() ? "" : " without the columns " + missing)
                    + ", as the old writer made it; this service needs the " + String.join(" or ", new TreeSet<>(expected)) + " it creates."
                    + " Point clickhouse.fills-table at a new table, or rename the old one away first.");
        }
        if (cluster == null && !columns.get("fee_cost").startsWith("Nullable(")) {
            execute(connection, "ALTER TABLE " + fillsTable + " MODIFY COLUMN fee_cost Nullable(Decimal(18, 6))");
            columns.put("fee_cost", FILL_INSERT_TYPES.get("fee_cost"));
        }
        for (String column : FILL_INSERT_COLUMNS) {
            String type = columns.getOrDefault(column, FILL_INSERT_TYPES.get(column));
            if (!asRowBinary(type).equals(asRowBinary(FILL_INSERT_TYPES.get(column)))) {
                throw new IllegalStateException(table + "." + column + " is " + type + ", where this service writes "
                        + FILL_INSERT_TYPES.get(column) + " (its inserts are RowBinary, which carries no types, so the values would be"
                        + " misread). Point clickhouse.fills-table at a new table, or ALTER the column to " + FILL_INSERT_TYPES.get(column)
                        + (cluster == null ? "." : " ON CLUSTER " + cluster + ", in " + table + " and " + fillsTable + "."));
            }
        }
    }

    /** RowBinary writes a LowCardinality column as its values' type, so the two take the same rows. */
    private static String asRowBinary(String type) {
        return type.replaceAll("LowCardinality\\((.*)\\)", "$1");
    }

    /** The engine of {@code table} (null when it does not exist), its columns and their types put in {@code columns}. */
    private static String engine(Connection connection, String table, Map<String, String> columns) throws SQLException {
        String engine = null;
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT t.engine, c.name, c.type FROM system.tables t JOIN system.columns c ON c.database = t.database AND c.table = t.name"
                        + " WHERE t.database = ? AND t.name = ?")) {
            query.setString(1, database(table));
            query.setString(2, table.substring(table.indexOf('.') + 1));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    engine = rows.getString(1);
                    columns.put(rows.getString(2), rows.getString(3));
                }
            }
        }
        return engine;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The saved checkpoint of the poll whose key is bound, in epoch milliseconds; no row when there is none. */
    String completeUntilSql() {
        return "SELECT toUnixTimestamp64Milli(complete_until) FROM " + pollStateTable + " WHERE poll_key = ? ORDER BY updated_at DESC LIMIT 1";
    }

    String saveCompleteUntilSql() {
        return "INSERT INTO " + pollStateTable + " (poll_key, complete_until)" + (cluster == null ? "" : " SETTINGS " + FOREGROUND) + " VALUES (?, ?)";
    }

    /** Which fill ids ({@link ExistingKeys}' parameters) are stored with a time between two epoch milliseconds; see {@link StoredFillLookup}. */
    public String storedFillIdsSql() {
        return "SELECT DISTINCT fill_id FROM " + fillsTable + " WHERE ts BETWEEN fromUnixTimestamp64Milli({from:Int64})"
                + " AND fromUnixTimestamp64Milli({to:Int64}) AND fill_id IN {keys:Array(String)}";
    }

    /**
     * The time of the newest fill stored, in epoch milliseconds (NULL when there is none), of one subaccount and one
     * market where those are bound (a fill without a subaccount is the primary's, 0).
     */
    String newestFillSql(boolean bySubaccount, boolean byTicker) {
        return "SELECT toUnixTimestamp64Milli(maxOrNull(ts)) FROM " + fillsTable + " WHERE 1"
                + (bySubaccount ? " AND ifNull(subaccount, 0) = ?" : "") + (byTicker ? " AND market_ticker = ?" : "");
    }

    /** Which reject keys ({@link ExistingKeys}' parameter) are stored. */
    public String storedRejectKeysSql() {
        return "SELECT DISTINCT reject_key FROM " + rejectsTable + " WHERE reject_key IN {keys:Array(String)}";
    }

    /** The columns a batch insert writes, in the order of its RowBinary rows ({@link FillBatchWriter}). */
    public static final List<String> FILL_INSERT_COLUMNS = List.of(FILL_COLUMNS.split(",\\s*"));

    /** Their types, as the table this service creates has them and {@code system.columns} shows them. */
    private static final Map<String, String> FILL_INSERT_TYPES = new HashMap<>();

    static {
        for (String line : FILLS_TABLE_COLUMNS.split(",\n")) {
            String[] column = line.trim().split(" ", 2);
            FILL_INSERT_TYPES.put(column[0], column[1].replaceAll(" DEFAULT .*", ""));
        }
        FILL_INSERT_TYPES.keySet().retainAll(FILL_INSERT_COLUMNS);
    }

    /** The server settings of a batch insert of fills: its deduplication token, and on a cluster the foreground insert. */
    InsertSettings fillInsertSettings(String dedupToken) {
        InsertSettings settings = new InsertSettings().setDeduplicationToken(hex(dedupToken));
        return cluster == null ? settings : settings.serverSetting("distributed_foreground_insert", "1");
    }

    String insertRejectsSql(String dedupToken) {
        return "INSERT INTO " + rejectsTable + " (received_at, reject_key, fill_id, reason, raw_json) SETTINGS insert_deduplication_token = '"
                + hex(dedupToken) + "'" + (cluster == null ? "" : ", " + FOREGROUND) + " VALUES (?, ?, ?, ?, ?)";
    }

    /** {@code database.table}, each a plain identifier, so a name can never change the meaning of a statement. */
    public static boolean isTableName(String table) {
        return table != null && TABLE_NAME.matcher(table).matches();
    }

    private static String checkedName(String table) {
        if (!isTableName(table)) {
            throw new IllegalArgumentException("table name '" + table + "' must be database.table, letters, digits and '_' only");
        }
        return table;
    }

    private static String database(String table) {
        return table.substring(0, table.indexOf('.'));
    }

    private static String hex(String token) {
        if (!token.matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("a deduplication token is lowercase hex");
        }
        return token;
    }
}
