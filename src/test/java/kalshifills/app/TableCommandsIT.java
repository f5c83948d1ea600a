package kalshifills.app;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedFills.Shape;
import kalshifills.simulator.SimulatedFills.Trade;
import kalshifills.testing.PythonRepr;
import kalshifills.testing.ServiceProcess;
import kalshifills.testing.SimulatedAccountTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify} and {@code repair} through the jar, on a table written the way the old ingester wrote it: the seed's hour,
 * 427 rows for 55 fills, inserted over HTTP as {@code CSVWithNames} by Python's {@code csv.DictWriter}, every row
 * stamped with its insert time, {@code raw_json} as Python's {@code str()} of the fill, and the rows from before
 * {@code fill_id} was added to the table with a blank one.
 */
class TableCommandsIT extends SimulatedAccountTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter PYTHON_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final List<String> CHECKS = List.of("rows present", "timestamp spread", "fill ids present", "one row per fill",
            "volume matches the API");
    /** Tickers and order ids as they came: both quote kinds, backslashes, letters beyond ASCII. */
    private static final String[] TICKERS = {"KXHIGHNY-26JAN11-B45.5", "KX'QUOTE-26JAN11", "KX\"DQ-26JAN11", "KX\\BS-26JAN11", "KXÉTÉ-26JAN11",
        "KX日本-26JAN11"};
    private static final String[] CLIENT_ORDER_IDS = {"mm-1", "it's mine", "say \"hi\"", "back\\slash", "naïve, but ok"};

    private final Instant now = Instant.now();

    /** 55 fills of the last hour as Kalshi served them then: the cents schema, microsecond times. */
    private List<Trade> trades() {
        SimulatedFills random = new SimulatedFills(55);
        List<Trade> trades = new ArrayList<>();
        Instant first = now.minus(Duration.ofMinutes(50));
        for (int i = 0; i < 55; i++) {
            Trade trade = random.trade(first.plusMillis(i * 52_000L).plusNanos(123_456_000L));
            trades.add(new Trade(trade.id(), trade.orderId(), CLIENT_ORDER_IDS[i % CLIENT_ORDER_IDS.length], TICKERS[i % TICKERS.length],
                    trade.side(), trade.action(), trade.count(), trade.yesCents(), trade.feeCost(), trade.isTaker(), trade.time(), 0));
        }
        return trades;
    }

    @Test
    void repair_turns_the_old_ingesters_427_rows_into_55_fills_with_their_own_ids_and_times_and_verify_then_passes() throws Exception {
        List<Trade> trades = trades();
        kalshi.addFills(trades.stream().map(trade -> trade.in(Shape.LEGACY_CENTS)).toList());
        int blankRows = seedAsTheOldIngesterDid(trades, trade -> PythonRepr.of(json(trade)));
        long oldIds = clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table);

        ServiceProcess before = ServiceProcess.start(settings(), "verify", "--table", table);
        assertThat(before.exitWithin(Duration.ofSeconds(60))).isEqualTo(3);
        assertThat(checkLines(before)).anySatisfy(line -> assertThat(line).startsWith("one row per fill").contains("FAIL")
                        .contains(oldIds + " fills in 427 rows in the last 1 h: " + String.format(Locale.ROOT, "%.1f", 100.0 * oldIds / 427) + " % unique"))
                .anySatisfy(line -> assertThat(line).startsWith("fill ids present").contains("FAIL").contains(blankRows + " blank"))
                .anySatisfy(line -> assertThat(line).startsWith("timestamp spread").contains("FAIL"));

        ServiceProcess dryRun = ServiceProcess.start(settings(), "repair", "--table", table, "--dry-run");
        assertThat(dryRun.exitWithin(Duration.ofSeconds(60))).isEqualTo(0);
        assertThat(output(dryRun)).contains("repair " + table + " (dry run: nothing written)")
                .containsPattern("rows read +427\n  as JSON +0\n  as a Python literal +427\n  not at all +0\n")
                .containsPattern("fills \\(one row each\\) +55\n")
                .containsPattern("duplicate rows dropped +372 would be\n")
                .containsPattern("blank ids filled +" + blankRows + " would be\n")
                .containsPattern("timestamps set from raw JSON +427 would be\n")
                .contains("rows rejected                0 (0 %; at most 0.1 % allowed)")
                .contains("the checks pass");
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).isEqualTo(427);

        Map<String, String> smallBatches = settings();
        smallBatches.put("repair.batch-size", "100");
        ServiceProcess repair = ServiceProcess.start(smallBatches, "repair", "--table", table);
        assertThat(repair.exitWithin(Duration.ofSeconds(120))).isEqualTo(0);
        assertThat(jsonEvents(repair, "repair_finished")).singleElement().satisfies(event -> assertThat(event.get("done").asLong()).isEqualTo(427));
        String backup = clickHouse.rows("SELECT name FROM system.tables WHERE database = '" + database() + "' AND name LIKE 'mm_fills_backup_%'")
                .get(0).get(0).toString();
        assertThat(output(repair)).contains("the old table is kept as " + database() + "." + backup);
        assertThat(clickHouse.queryLong("SELECT count() FROM " + database() + "." + backup)).as("the old rows, kept").isEqualTo(427);
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).isEqualTo(55);
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table + " FINAL")).isEqualTo(55);
        assertThat(clickHouse.rows("SELECT engine FROM system.tables WHERE database = '" + database() + "' AND name = 'mm_fills'"))
                .containsExactly(List.of("ReplacingMergeTree"));
        Map<String, Long> ownTimes = new LinkedHashMap<>();
        trades.forEach(trade -> ownTimes.put(trade.id(), trade.time().truncatedTo(ChronoUnit.MILLIS).toEpochMilli()));
        assertThat(clickHouse.rows("SELECT fill_id, toUnixTimestamp64Milli(ts) FROM " + table)).as("each fill with its own id and time")
                .map(row -> Map.entry(row.get(0).toString(), ((Number) row.get(1)).longValue()))
                .containsExactlyInAnyOrderElementsOf(ownTimes.entrySet());
        assertThat(clickHouse.queryLong("SELECT countIf(side != if(action = 'buy', JSONExtractString(raw_json, 'side'),"
                + " if(JSONExtractString(raw_json, 'side') = 'yes', 'no', 'yes'))) FROM " + table)).as("by the service's column rules").isZero();
        assertThat(clickHouse.rows("SELECT DISTINCT market_ticker FROM " + table)).hasSize(TICKERS.length);

        ServiceProcess after = ServiceProcess.start(settings(), "verify", "--table", table);
        assertThat(after.exitWithin(Duration.ofSeconds(60))).isEqualTo(0);
        assertThat(checkLines(after)).hasSize(CHECKS.size()).allSatisfy(line -> assertThat(line).contains(" PASS "));
        System.out.println(output(before) + "\n" + output(dryRun) + "\n" + output(repair) + "\n" + output(after));
    }

    @Test
    void repair_refuses_a_table_whose_rows_it_mostly_cannot_read_and_changes_nothing() throws Exception {
        List<Trade> trades = trades();
        // An ingester that put Python objects in its dicts: str() of a datetime is no literal, and nothing is evaluated.
        seedAsTheOldIngesterDid(trades, trade -> PythonRepr.of(json(trade)).replaceFirst("'created_time': '[^']*'",
                "'created_time': datetime.datetime(2026, 1, 11, 23, 52, 12, tzinfo=datetime.timezone.utc)"));

        ServiceProcess dryRun = ServiceProcess.start(settings(), "repair", "--table", table, "--dry-run");
        assertThat(dryRun.exitWithin(Duration.ofSeconds(60))).isEqualTo(3);
        Map<String, String> tolerant = new HashMap<>(settings());
        tolerant.put("repair.max-rejected-share", "0.5");
        ServiceProcess repair = ServiceProcess.start(tolerant, "repair", "--table", table);
        assertThat(repair.exitWithin(Duration.ofSeconds(60))).isEqualTo(3);

        assertThat(output(repair)).contains("repair " + table + " (refused: nothing changed)")
                .containsPattern("not at all +427\n")
                .contains("REFUSED: 427 of 427 rows (100.0 %) could not be used, more than repair.max-rejected-share (50 %)")
                .contains(" x raw_json is neither JSON (Unexpected character")
                .contains("nor a Python literal (expected a dict, list, string, number, True, False or None at character")
                .contains("the table is unchanged; the rebuilt copy was dropped and no reject was written");
        assertThat(output(dryRun)).contains("REFUSED: 427 of 427 rows").contains("a repair would refuse to swap the table and change nothing");
        assertThat(clickHouse.rows("SELECT name, engine FROM system.tables WHERE database = '" + database() + "' AND name LIKE 'mm_fills%'"
                + " AND name NOT LIKE '%_rejected' AND name NOT LIKE '%_poll_state'")).containsExactly(List.of("mm_fills", "MergeTree"));
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).isEqualTo(427);
        assertThat(clickHouse.rowsIn(database(), "mm_fills_rejected")).as("no reject written").isZero();
        System.out.println(output(repair));
    }

    @Test
    void verify_fails_an_empty_window_unless_kalshi_confirms_it_or_the_operator_allows_it() throws Exception {
        clickHouse.execute("CREATE DATABASE " + database());
        clickHouse.execute(oldTableDefinition(true));
        Map<String, String> withoutKey = settings();
        withoutKey.put("kalshi.api-key-id", "");

        ServiceProcess noKey = ServiceProcess.start(withoutKey, "verify", "--table", table);
        assertThat(noKey.exitWithin(Duration.ofSeconds(60))).isEqualTo(3);
        assertThat(checkLines(noKey)).first().asString().startsWith("rows present").contains(" FAIL ")
                .contains("no rows in the last 1 h, and no Kalshi key (kalshi.api-key-id) to confirm the account had no fills;"
                        + " give --allow-empty if it had none");

        ServiceProcess allowed = ServiceProcess.start(withoutKey, "verify", "--table", table, "--allow-empty");
        assertThat(allowed.exitWithin(Duration.ofSeconds(60))).isEqualTo(0);

        ServiceProcess confirmed = ServiceProcess.start(settings(), "verify", "--table", table);
        assertThat(confirmed.exitWithin(Duration.ofSeconds(60))).isEqualTo(0);
        assertThat(checkLines(confirmed)).first().asString().contains("no rows in the last 1 h, and Kalshi has no fills in that time either");

        kalshi.addFills(List.of(new SimulatedFills(1).current(now.minus(Duration.ofMinutes(5)))));
        ServiceProcess contradicted = ServiceProcess.start(settings(), "verify", "--table", table);
        assertThat(contradicted.exitWithin(Duration.ofSeconds(60))).isEqualTo(3);
        assertThat(checkLines(contradicted)).first().asString().contains(" FAIL ").contains("but Kalshi has 1 fills in that time");
    }

    private static JsonNode json(Trade trade) {
        try {
            return JSON.readTree(trade.in(Shape.LEGACY_CENTS).json());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String oldTableDefinition(boolean withFillId) {
        return """
                CREATE TABLE %s (ts DateTime64(3,'UTC'), engine_instance_id String, engine_version String, market_ticker String,
                  exchange_order_id String, client_order_id String, side LowCardinality(String), price Float64, price_cents UInt16,
                  size Float64, fee Float64, decision_id UUID, %s raw_json String
                ) ENGINE = MergeTree() PARTITION BY toDate(ts) ORDER BY (market_ticker, ts)""".formatted(table, withFillId ? "fill_id String," : "");
    }

    /**
     * The old ingester's pattern: every tick (5 s apart here) re-inserted every fill seen so far, stamped with the insert time:
     * 427 rows for 55 fills (the first 42 fills eight times, the other 13 seven times). The first two ticks ran before the
     * table had {@code fill_id}, added later by {@code ALTER TABLE ... ADD COLUMN}, so their rows hold a blank one.
     *
     * @return the rows with a blank fill_id
     */
    private int seedAsTheOldIngesterDid(List<Trade> trades, Function<Trade, String> rawJson) throws Exception {
        clickHouse.execute("CREATE DATABASE " + database());
        clickHouse.execute(oldTableDefinition(false));
        int blank = 0;
        Instant firstInsert = now.minus(Duration.ofMinutes(3));
        for (int tick = 0; tick < 8; tick++) {
            boolean hasFillId = tick >= 2;
            if (tick == 2) {
                clickHouse.execute("ALTER TABLE " + table + " ADD COLUMN fill_id String AFTER decision_id");
            }
            List<String> fields = new ArrayList<>(List.of("ts", "engine_instance_id", "engine_version", "market_ticker", "exchange_order_id",
                    "client_order_id", "side", "price_cents", "size", "decision_id", "fill_id", "raw_json"));
            if (!hasFillId) {
                fields.remove("fill_id");
            }
            StringBuilder csv = new StringBuilder(String.join(",", fields)).append("\r\n");
            for (Trade trade : trades.subList(0, tick < 7 ? 55 : 42)) {
                Map<String, String> row = new LinkedHashMap<>();
                row.put("ts", PYTHON_TIME.format(firstInsert.plusSeconds(5L * tick)));
                row.put("engine_instance_id", "mm-engine-1");
                row.put("engine_version", "0.9.3");
                row.put("market_ticker", trade.ticker());
                row.put("exchange_order_id", trade.orderId());
                row.put("client_order_id", trade.clientOrderId());
                row.put("side", trade.side());
                row.put("price_cents", Integer.toString("yes".equals(trade.side()) ? trade.yesCents() : 100 - trade.yesCents()));
                row.put("size", trade.count() + ".0");
                row.put("decision_id", "");
                row.put("fill_id", trade.id());
                row.put("raw_json", rawJson.apply(trade));
                csv.append(String.join(",", fields.stream().map(field -> csvField(row.get(field))).toList())).append("\r\n");
                blank += hasFillId ? 0 : 1;
            }
            insertOverHttp("INSERT INTO " + table + " FORMAT CSVWithNames", csv.toString());
        }
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).isEqualTo(427);
        return blank;
    }

    /** Python's csv module, QUOTE_MINIMAL: quoted only when it holds the delimiter, a quote or a line break; quotes doubled. */
    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\r") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    private void insertOverHttp(String query, String body) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clickHouse.port()
                + "/?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private String database() {
        return table.substring(0, table.indexOf('.'));
    }

    private static String output(ServiceProcess process) {
        return String.join("\n", process.lines().stream().filter(line -> !line.startsWith("{")).toList()) + "\n";
    }

    private static List<String> checkLines(ServiceProcess process) {
        return process.lines().stream().filter(line -> CHECKS.stream().anyMatch(check -> line.startsWith(check + " "))).toList();
    }

    private static List<JsonNode> jsonEvents(ServiceProcess process, String name) {
        return process.lines().stream().filter(line -> line.startsWith("{")).map(ServiceProcess::json)
                .filter(event -> name.equals(event.path("event").asText())).toList();
    }
}
