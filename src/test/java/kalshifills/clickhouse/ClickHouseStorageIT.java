package kalshifills.clickhouse;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import kalshifills.fill.FillNormalizer;
import kalshifills.fill.NormalizedFill;
import kalshifills.fill.NormalizedPage;
import kalshifills.fill.RejectedFill;
import kalshifills.kalshi.KalshiJson;
import kalshifills.status.PipelineStatus;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.ClickHouseProxy;
import kalshifills.testing.LocalClickHouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema, the batch insert, the rejects and the stored-id lookup against a real ClickHouse server. */
class ClickHouseStorageIT {

    private static final ObjectMapper JSON = KalshiJson.objectMapper();

    private final LocalClickHouse clickHouse = LocalClickHouse.shared();
    private final String database = clickHouse.newDatabase();
    private final ClickHouseSchema schema = new ClickHouseSchema(database + ".mm_fills", database + ".mm_fills_rejected",
            database + ".mm_fills_poll_state", 100);
    private HikariDataSource dataSource;
    private FillBatchWriter writer;

    @BeforeEach
    void createTables() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(clickHouse.jdbcUrl());
        config.setUsername("default");
        dataSource = new HikariDataSource(config);
        schema.createIfAbsent(dataSource);
        writer = new FillBatchWriter(dataSource, schema, "it-instance", "it-version");
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    private static NormalizedFill fill(String json) throws Exception {
        return new FillNormalizer(Clock.systemUTC()).normalize(JSON.readTree(json));
    }

    private static List<NormalizedFill> fills(int count) throws Exception {
        List<NormalizedFill> fills = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            fills.add(fill("{\"fill_id\":\"fill-" + i + "\",\"ticker\":\"T\",\"side\":\"yes\",\"count_fp\":\"1\",\"yes_price_dollars\":\"0.5\",\"ts\":"
                    + (1795521600 + i) + "}"));
        }
        return fills;
    }

    /** A table named {@code name} in the test's database, made as the service makes its fills table but with each of {@code changes}. */
    private String fillsTableLike(String name, Map<String, String> changes) {
        String table = database + "." + name;
        String definition = clickHouse.rows("SHOW CREATE TABLE " + schema.fillsTable()).get(0).get(0).toString().replace(schema.fillsTable(), table);
        for (Map.Entry<String, String> change : changes.entrySet()) {
            definition = definition.replace(change.getKey(), change.getValue());
        }
        clickHouse.execute(definition);
        return table;
    }

    private long count(String table) {
        return clickHouse.queryLong("SELECT count() FROM " + table);
    }

    @Test
    void a_retried_batch_is_dropped_by_the_server_whatever_the_order_of_its_fills() throws Exception {
        List<NormalizedFill> batch = fills(50);
        writer.insert(batch);
        List<NormalizedFill> reordered = new ArrayList<>(batch);
        Collections.reverse(reordered);

        writer.insert(batch);
        writer.insert(reordered);

        assertThat(count(schema.fillsTable())).isEqualTo(50);
        writer.insert(fills(51));
        assertThat(count(schema.fillsTable())).as("a different batch is a different token").isEqualTo(101);
        assertThat(clickHouse.queryLong("SELECT count() FROM " + schema.fillsTable() + " FINAL")).isEqualTo(51);
    }

    @Test
    void money_counts_and_times_are_stored_exactly_with_the_old_writers_columns_filled() throws Exception {
        writer.insert(List.of(fill("""
                {"fill_id": "exact", "trade_id": "exact", "order_id": "o-1", "ticker": "KXHIGHNY-26AUG18-B85.5", "side": "no",
                 "action": "buy", "outcome_side": "no", "book_side": "ask", "count_fp": "0.10", "yes_price_dollars": "0.123456",
                 "no_price_dollars": "0.876544", "fee_cost": "0.000001", "is_taker": false, "subaccount_number": 7,
                 "created_time": "2026-08-18T14:03:27.250Z", "ts": 1787061807123}""")));

        List<Object> row = clickHouse.rows("""
                SELECT toString(count_fp), toString(yes_price_dollars), toString(no_price_dollars), toString(fee_cost),
                       toUnixTimestamp64Milli(ts), toUnixTimestamp64Milli(created_time), is_taker, subaccount,
                       price, price_cents, size, side, outcome_side, book_side, action, exchange_order_id, market_ticker,
                       engine_instance_id, engine_version, toString(decision_id), JSONExtractString(raw_json, 'fill_id')
                FROM %s""".formatted(schema.fillsTable())).get(0);

        assertThat(row).as("created_time wins over ts").containsExactly("0.1", "0.123456", "0.876544", "0.000001", 1787061807250L, 1787061807250L, false, 7,
                0.876544, 88, 0.1, "no", "no", "ask", "buy", "o-1", "KXHIGHNY-26AUG18-B85.5", "it-instance", "it-version",
                "00000000-0000-0000-0000-000000000000", "exact");
    }

    @Test
    void keys_are_bound_never_spliced_into_sql() throws Exception {
        writer.insert(fills(1));
        String hostile = "x'); DROP TABLE " + schema.fillsTable() + "; --";

        assertThat(StoredFillLookup.in(dataSource, schema).storedAmong(List.of(hostile, "fill-0", "absent"),
                StoredFillLookup.ANY_TIME_FROM, StoredFillLookup.ANY_TIME_UNTIL))
                .containsExactly("fill-0");
        assertThat(count(schema.fillsTable())).isEqualTo(1);
    }

    @Test
    void a_thousand_ids_are_looked_up_through_a_proxy_that_refuses_urls_over_8_kb() throws Exception {
        writer.insert(fills(3));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add("fill-" + i + "-" + "x".repeat(30));
        }
        ids.addAll(List.of("fill-0", "fill-2"));
        try (ClickHouseProxy proxy = new ClickHouseProxy(clickHouse.port()); HikariDataSource throughProxy = new HikariDataSource()) {
            proxy.refuseRequestLinesLongerThan(8192);
            throughProxy.setJdbcUrl(proxy.jdbcUrl());
            throughProxy.setUsername("default");

            assertThat(StoredFillLookup.in(throughProxy, schema).storedAmong(ids, StoredFillLookup.ANY_TIME_FROM, StoredFillLookup.ANY_TIME_UNTIL))
                    .containsExactlyInAnyOrder("fill-0", "fill-2");
            // ClickHouse before the fix of #85570 ignores a form request's URL settings: the answer must not depend on compress=1.
            assertThat(proxy.requestHeads()).filteredOn(head -> head.contentType().startsWith("multipart/form-data")).isNotEmpty()
                    .allSatisfy(head -> assertThat(head.line()).doesNotContain("compress"));
        }
    }

    @Test
    void values_are_stored_as_given_even_where_they_look_like_jdbc_escapes() throws Exception {
        NormalizedFill fill = fill("{\"fill_id\":\"fill-escape\",\"client_order_id\":\"{fn now()} {d '2026-01-01'}\",\"ticker\":\"T\","
                + "\"side\":\"yes\",\"count_fp\":\"1\",\"yes_price_dollars\":\"0.5\",\"ts\":1795521600}");
        writer.insert(List.of(fill));

        assertThat(clickHouse.rows("SELECT client_order_id, raw_json FROM " + schema.fillsTable()).get(0))
                .containsExactly("{fn now()} {d '2026-01-01'}", fill.rawJson());
    }

    @Test
    void a_lookup_sees_only_the_rows_of_its_time_range() throws Exception {
        List<NormalizedFill> stored = fills(3);
        writer.insert(stored);
        StoredFillLookup lookup = StoredFillLookup.in(dataSource, schema);
        List<String> ids = List.of("fill-0", "fill-1", "fill-2");
        Instant first = stored.get(0).ts();
        Instant last = stored.get(2).ts();

        assertThat(lookup.storedAmong(ids, first, last)).as("both bounds included").containsExactlyInAnyOrder("fill-0", "fill-1", "fill-2");
        // The fills are a second apart: a stored copy may be up to a second off the time its fill has now.
        assertThat(lookup.storedAmong(ids, last, last)).containsExactlyInAnyOrder("fill-1", "fill-2");
        assertThat(lookup.storedAmong(ids, last.plusMillis(1), last.plusMillis(1))).containsExactly("fill-2");
        assertThat(lookup.storedAmong(ids, last.plus(StoredFillLookup.SHAPE_MARGIN).plusMillis(1), last.plusSeconds(5))).isEmpty();
    }

    @Test
    void a_lookup_skips_the_parts_and_granules_outside_its_time_range() throws Exception {
        writer.insert(fills(1));
        writer.insert(List.of(fill("{\"fill_id\":\"fill-month-before\",\"ticker\":\"T\",\"side\":\"yes\",\"count_fp\":\"1\","
                + "\"yes_price_dollars\":\"0.5\",\"ts\":" + (1795521600 - 40 * 86400) + "}")));
        // The parameters as the server substitutes them: EXPLAIN through JDBC cannot send them.
        String lookup = schema.storedFillIdsSql().replace("{from:Int64}", "1795521600000").replace("{to:Int64}", "1795521600000")
                .replace("{keys:Array(String)}", "['fill-0']");

        String plan = clickHouse.rows("EXPLAIN indexes = 1 " + lookup).stream().map(row -> row.get(0).toString().trim())
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(plan).as("the time bounds leave one part of two to read, and within it the granules of that time")
                .contains("Min-Max\nKeys:\nts\nCondition: and((ts in (-Inf,")
                .containsSubsequence("Min-Max", "Parts: 1/2", "PrimaryKey\nKeys:\nts\nfill_id\nCondition: and((fill_id in 1-element set), and((ts in");
    }

    @Test
    void a_rejected_fill_is_stored_once_with_its_reason_however_often_it_comes() throws Exception {
        RejectedFillWriter rejects = new RejectedFillWriter(dataSource, schema, Clock.systemUTC(), 1000);
        List<JsonNode> page = List.of(JSON.readTree("{\"fill_id\":\"bad\",\"ticker\":\"T\",\"side\":\"yes\",\"count_fp\":\"-1\","
                + "\"yes_price_dollars\":\"0.5\",\"ts\":1795521600}"));
        List<RejectedFill> rejected = new FillNormalizer(Clock.systemUTC()).normalizePage(page).rejected();

        try (CapturedLogs logs = CapturedLogs.capture()) {
            rejects.store(rejected);
            rejects.store(rejected);

            assertThat(logs.events("fills_rejected")).singleElement().satisfies(e -> assertThat(e)
                    .containsEntry("fill_id", "bad").containsEntry("reason", "count is -1; expected a positive number of contracts"));
        }
        new RejectedFillWriter(dataSource, schema, Clock.systemUTC(), 1000).store(rejected);
        assertThat(clickHouse.rows("SELECT fill_id, reason, raw_json FROM " + schema.rejectsTable() + " FINAL")).singleElement()
                .satisfies(row -> assertThat(row).containsExactly("bad", "count is -1; expected a positive number of contracts",
                        rejected.get(0).rawJson()));
    }

    @Test
    void a_table_left_by_the_old_writer_stops_start_up_saying_what_to_do() {
        String legacy = database + ".legacy_fills";
        clickHouse.execute("""
                CREATE TABLE %s (ts DateTime64(3,'UTC'), engine_instance_id String, engine_version String, market_ticker String,
                  exchange_order_id String, client_order_id String, side LowCardinality(String), price Float64, price_cents UInt16,
                  size Float64, fee Float64, decision_id UUID, fill_id String, raw_json String
                ) ENGINE = MergeTree() PARTITION BY toDate(ts) ORDER BY (market_ticker, ts)""".formatted(legacy));

        assertThatThrownBy(() -> new ClickHouseSchema(legacy, database + ".mm_fills_rejected", database + ".mm_fills_poll_state", 100).createIfAbsent(dataSource))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(legacy + " exists as a MergeTree without the columns [action, book_side, count_fp,")
                .hasMessageEndingWith("Point clickhouse.fills-table at a new table, or rename the old one away first.");
    }

    @Test
    void a_single_server_table_with_a_cluster_set_stops_start_up_saying_what_to_do() {
        // Refused before any ON CLUSTER statement, which this server could not run anyway.
        assertThatThrownBy(() -> schema.onCluster("fills_cluster").createIfAbsent(dataSource))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(schema.fillsTable() + " is not a Distributed table, and clickhouse.cluster is fills_cluster: point"
                        + " clickhouse.fills-table at a new table (the service creates it over " + schema.fillsTable() + "_local),"
                        + " or leave clickhouse.cluster empty for a single server.");
    }

    @Test
    void a_table_an_earlier_version_made_gains_exchange_index_and_a_nullable_fee_and_keeps_its_rows() throws Exception {
        String earlier = fillsTableLike("earlier_fills", Map.of("`fee_cost` Nullable(Decimal(18, 6))", "`fee_cost` Decimal(18, 6)",
                "`exchange_index` Nullable(Int32),", ""));
        clickHouse.execute("INSERT INTO " + earlier + " (ts, fill_id, fee_cost) VALUES (now64(3), 'stored-before', 0.25)");
        ClickHouseSchema upgraded = schema.withFillsTable(earlier);

        upgraded.createIfAbsent(dataSource);
        new FillBatchWriter(dataSource, upgraded, "it", "it")
                .insert(List.of(fill("""
                        {"fill_id": "without-fee", "ticker": "T", "outcome_side": "yes", "count_fp": "1", "yes_price_dollars": "0.5",
                         "ts": 1768175532, "exchange_index": 2}""")));

        assertThat(clickHouse.rows("SELECT fill_id, toString(fee_cost), exchange_index, fee FROM " + earlier + " ORDER BY fill_id"))
                .containsExactly(Arrays.asList("stored-before", "0.25", null, 0.0), Arrays.asList("without-fee", null, 2, 0.0));
    }

    @Test
    void a_table_whose_column_has_another_type_stops_start_up_before_a_row_is_misread() throws Exception {
        String other = fillsTableLike("other_fills", Map.of("`yes_price_dollars` Decimal(18, 6)", "`yes_price_dollars` Decimal(18, 4)",
                "`side` LowCardinality(String)", "`side` String"));

        assertThatThrownBy(() -> schema.withFillsTable(other).createIfAbsent(dataSource))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(other + ".yes_price_dollars is Decimal(18, 4), where this service writes Decimal(18, 6) (its inserts are"
                        + " RowBinary, which carries no types, so the values would be misread). Point clickhouse.fills-table at a new"
                        + " table, or ALTER the column to Decimal(18, 6).");
    }

    @Test
    void creating_the_tables_twice_changes_nothing() throws Exception {
        writer.insert(fills(3));
        schema.createIfAbsent(dataSource);
        assertThat(count(schema.fillsTable())).isEqualTo(3);
        assertThat(clickHouse.rows("SELECT engine FROM system.tables WHERE database = '" + database + "' ORDER BY name"))
                .extracting(row -> row.get(0)).containsOnly("ReplacingMergeTree");
        assertThat(Set.copyOf(clickHouse.rows("SELECT name FROM system.tables WHERE database = '" + database + "'")))
                .hasSize(3);
    }

    @Test
    void the_latest_checkpoint_of_a_poll_is_read_back() throws Exception {
        PollStateTable a = new PollStateTable(dataSource, schema, "key-a/all/all");
        PollStateTable b = new PollStateTable(dataSource, schema, "key-b/3/all");
        a.save(Instant.parse("2026-11-24T12:00:00.123Z"));
        a.save(Instant.parse("2026-11-24T12:00:10.456Z"));
        b.save(Instant.parse("2026-11-20T00:00:00Z"));

        assertThat(a.read()).contains(Instant.parse("2026-11-24T12:00:10.456Z"));
        assertThat(b.read()).contains(Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(new PollStateTable(dataSource, schema, "key-c/all/all").read()).isEmpty();
    }
}
