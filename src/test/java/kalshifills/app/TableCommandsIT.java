package kalshifills.app;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.fill.FillId;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.testing.ServiceProcess;
import kalshifills.testing.SimulatedAccountTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify} and {@code repair} through the jar, on a table as the old ingester left it: the seed's hour, 427 rows
 * for 55 fills, every row stamped with its insert time, the fills without a {@code fill_id} stored with a blank one.
 */
class TableCommandsIT extends SimulatedAccountTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLICKHOUSE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    @Test
    void verify_fails_the_old_ingesters_table_repair_dry_run_changes_nothing_repair_makes_verify_pass() throws Exception {
        Instant now = Instant.now();
        List<SimulatedFill> fills = new SimulatedFills(55).between(now.minus(Duration.ofMinutes(50)), now.minus(Duration.ofMinutes(2)), 55);
        kalshi.addFills(fills);
        int blankRows = seedLegacyTable(fills, now.minus(Duration.ofMinutes(3)));
        // The old table's distinct fill_id values: the fills that had one, and the blank shared by all the others.
        long oldIds = clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table);
        assertThat(oldIds).isLessThan(55);

        ServiceProcess before = ServiceProcess.start(settings(), "verify", "--table", table);
        assertThat(before.exitWithin(Duration.ofSeconds(60))).isEqualTo(3);
        assertThat(tableLines(before)).anySatisfy(line -> assertThat(line).startsWith("one row per fill").contains("FAIL")
                        .contains(oldIds + " fills in 427 rows in the last 1 h: " + String.format(Locale.ROOT, "%.1f", 100.0 * oldIds / 427) + " % unique"))
                .anySatisfy(line -> assertThat(line).startsWith("fill ids present").contains("FAIL").contains(blankRows + " blank"))
                .anySatisfy(line -> assertThat(line).startsWith("timestamp spread").contains("FAIL"))
                .anySatisfy(line -> assertThat(line).startsWith("volume matches the API").contains("FAIL")
                        .contains(oldIds + " fills stored, 55 served"));

        // A row the old ingester wrote from a payload that was not a fill: repair keeps it, with its reason, among the rejects.
        clickHouse.execute("INSERT INTO " + table + " (ts, fill_id, raw_json) VALUES (now64(3), 'junk-1', '<html>bad gateway</html>')");

        ServiceProcess dryRun = ServiceProcess.start(settings(), "repair", "--table", table, "--dry-run");
        assertThat(dryRun.exitWithin(Duration.ofSeconds(60))).isEqualTo(0);
        assertThat(String.join("\n", dryRun.lines())).contains("repair " + table + " (dry run: nothing written)")
                .containsPattern("rows read +428\n")
                .containsPattern("fills \\(one row each\\) +55\n")
                .containsPattern("duplicate rows dropped +372 would be\n")
                .containsPattern("blank ids filled +" + blankRows + " would be\n")
                .containsPattern("timestamps set from raw JSON +427 would be\n")
                .containsPattern("rows rejected +1 ");
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).isEqualTo(428);
        assertThat(clickHouse.rows("SELECT engine FROM system.tables WHERE database = '" + database() + "'")).hasSize(1);

        Map<String, String> smallBatches = settings();
        smallBatches.put("repair.batch-size", "100");
        ServiceProcess repair = ServiceProcess.start(smallBatches, "repair", "--table", table);
        assertThat(repair.exitWithin(Duration.ofSeconds(120))).isEqualTo(0);
        assertThat(jsonEvents(repair, "repair_finished")).singleElement().satisfies(event -> {
            assertThat(event.get("done").asLong()).isEqualTo(428);
            assertThat(event.get("percent").asDouble()).isEqualTo(100.0);
            assertThat(event.get("per_second").asLong()).isPositive();
        });
        String backup = clickHouse.rows("SELECT name FROM system.tables WHERE database = '" + database() + "' AND name LIKE 'mm_fills_backup_%'")
                .get(0).get(0).toString();
        assertThat(clickHouse.queryLong("SELECT count() FROM " + database() + "." + backup)).as("the old rows, kept").isEqualTo(428);
        assertThat(clickHouse.rows("SELECT fill_id, raw_json FROM " + table + "_rejected")).singleElement().satisfies(row -> {
            assertThat(row).containsExactly("junk-1", "<html>bad gateway</html>");
        });
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table + "_rejected WHERE reason LIKE 'repair of " + table
                + ": raw_json is not JSON: %'")).isEqualTo(1);
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).isEqualTo(55);
        assertThat(clickHouse.rows("SELECT engine FROM system.tables WHERE database = '" + database() + "' AND name = 'mm_fills'"))
                .containsExactly(List.of("ReplacingMergeTree"));
        assertThat(clickHouse.rows("SELECT fill_id, toUnixTimestamp(ts) FROM " + table)).as("each fill with its own id and time")
                .map(row -> List.<Object>of(row.get(0), ((Number) row.get(1)).longValue()))
                .containsExactlyInAnyOrderElementsOf(ownTimes(fills));

        ServiceProcess after = ServiceProcess.start(settings(), "verify", "--table", table);
        assertThat(after.exitWithin(Duration.ofSeconds(60))).isEqualTo(0);
        assertThat(tableLines(after)).hasSize(4).allSatisfy(line -> assertThat(line).contains(" PASS "));
        System.out.println(String.join("\n", before.lines().stream().filter(l -> !l.startsWith("{")).toList()));
        System.out.println(String.join("\n", dryRun.lines().stream().filter(l -> !l.startsWith("{")).toList()));
        System.out.println(String.join("\n", after.lines().stream().filter(l -> !l.startsWith("{")).toList()));
    }

    /**
     * The old ingester's pattern: every tick (5 s apart here) re-inserted every fill seen so far, stamped with the insert time; 427 rows
     * for 55 fills (the first 42 fills eight times, the other 13 seven times).
     *
     * @return the rows with a blank fill_id
     */
    private int seedLegacyTable(List<SimulatedFill> fills, Instant firstInsert) throws Exception {
        clickHouse.execute("CREATE DATABASE " + database());
        clickHouse.execute("""
                CREATE TABLE %s (ts DateTime64(3,'UTC'), engine_instance_id String, engine_version String, market_ticker String,
                  exchange_order_id String, client_order_id String, side LowCardinality(String), price Float64, price_cents UInt16,
                  size Float64, fee Float64, decision_id UUID, fill_id String, raw_json String
                ) ENGINE = MergeTree() PARTITION BY toDate(ts) ORDER BY (market_ticker, ts)""".formatted(table));
        List<String> values = new ArrayList<>();
        int blank = 0;
        for (int copy = 0; copy < 8; copy++) {
            Instant insertedAt = firstInsert.plusSeconds(5L * copy);
            for (int i = 0; i < (copy < 7 ? 55 : 42); i++) {
                JsonNode fill = JSON.readTree(fills.get(i).json());
                String fillId = fill.path("fill_id").asText("");
                blank += fillId.isEmpty() ? 1 : 0;
                values.add("('%s', 'engine-1', 'old', '%s', '', '', 'yes', 0.5, 50, 1, 0, generateUUIDv4(), '%s', '%s')".formatted(
                        CLICKHOUSE_TIME.format(insertedAt), fills.get(i).ticker(), fillId, fills.get(i).json().replace("'", "\\'")));
            }
        }
        clickHouse.execute("INSERT INTO " + table + " VALUES " + String.join(", ", values));
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).isEqualTo(427);
        return blank;
    }

    /** Each fill's id (Fix 1) and the epoch second the simulated exchange gave it. */
    private static List<List<Object>> ownTimes(List<SimulatedFill> fills) throws Exception {
        List<List<Object>> expected = new ArrayList<>();
        for (SimulatedFill fill : fills) {
            expected.add(List.of(FillId.of(JSON.readTree(fill.json())), fill.epochSeconds()));
        }
        return expected;
    }

    private String database() {
        return table.substring(0, table.indexOf('.'));
    }

    private static List<String> tableLines(ServiceProcess process) {
        return process.lines().stream().filter(line -> line.matches("^(timestamp spread|fill ids present|one row per fill|volume matches the API) .*"))
                .toList();
    }

    private static List<JsonNode> jsonEvents(ServiceProcess process, String name) {
        return process.lines().stream().filter(line -> line.startsWith("{")).map(ServiceProcess::json)
                .filter(event -> name.equals(event.path("event").asText())).toList();
    }
}
