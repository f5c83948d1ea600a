package kalshifills.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedFills.Shape;
import kalshifills.simulator.SimulatedFills.Trade;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.Eventually;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The same fills, served in each shape Kalshi has served fills in, each into a table of its own: the same rows. */
class FillShapesIT {

    private static final int FILLS = 40;
    /** What differs by design: the JSON, the insert time, and what Kalshi sent or not (the column rules of the README). */
    private static final String NOT_COMPARED = "raw_json, ingested_at, action, client_order_id, fee, fee_cost, subaccount, exchange_index";

    private final LocalClickHouse clickHouse = LocalClickHouse.shared();
    private final String database = clickHouse.newDatabase();

    @Test
    void each_shape_gives_identical_rows_column_by_column_sell_fills_included() throws Exception {
        SimulatedFills random = new SimulatedFills(40);
        Instant start = Instant.now().minus(Duration.ofHours(2));
        List<Trade> trades = IntStream.range(0, FILLS)
                .mapToObj(i -> random.trade(start.plusMillis(i * 60_000L).plusNanos(123_456_000L))).toList();
        Map<Shape, String> tables = new EnumMap<>(Shape.class);
        for (Shape shape : Shape.values()) {
            String table = database + ".fills_" + shape.name().toLowerCase();
            tables.put(shape, table);
            try (SimulatedKalshiApi kalshi = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0)) {
                kalshi.addFills(trades.stream().map(trade -> trade.in(shape)).toList());
                try (RunningIngester ingester = RunningIngester.start(RunningIngester.settings(kalshi, clickHouse.jdbcUrl(), table))) {
                    ingester.tick();
                    Eventually.equals((long) FILLS, () -> clickHouse.queryLong("SELECT count() FROM " + table), Duration.ofSeconds(30));
                }
            }
        }

        String current = tables.get(Shape.CURRENT);
        assertThat(clickHouse.queryLong("SELECT countIf(action = 'sell') FROM " + current)).as("sell fills among them").isPositive();
        assertThat(clickHouse.queryLong("SELECT countIf(side != if(action = 'buy', JSONExtractString(raw_json, 'side'),"
                + " if(JSONExtractString(raw_json, 'side') = 'yes', 'no', 'yes'))) FROM " + current)).as("side is the outcome side").isZero();
        List<List<Object>> expected = rows(current, NOT_COMPARED);
        assertThat(expected).hasSize(FILLS);
        for (Shape shape : List.of(Shape.CURRENT_WITHOUT_DEPRECATED, Shape.LEGACY_CENTS)) {
            assertThat(rows(tables.get(shape), NOT_COMPARED)).as(shape.name()).isEqualTo(expected);
        }
        assertThat(rows(tables.get(Shape.CURRENT_WITHOUT_DEPRECATED), "raw_json, ingested_at, action"))
                .as("without the deprecated fields, only the action is missing").isEqualTo(rows(current, "raw_json, ingested_at, action"));
        assertThat(clickHouse.queryLong("SELECT countIf(action != '') FROM " + tables.get(Shape.CURRENT_WITHOUT_DEPRECATED))).isZero();
        assertThat(rows(tables.get(Shape.LEGACY_CENTS), "raw_json, ingested_at, client_order_id, fee, fee_cost, subaccount, exchange_index"))
                .as("in cents: the same action").isEqualTo(rows(current, "raw_json, ingested_at, client_order_id, fee, fee_cost, subaccount, exchange_index"));
        assertThat(clickHouse.queryLong("SELECT countIf(fee_cost IS NULL AND fee = 0 AND exchange_index IS NULL) FROM "
                + tables.get(Shape.LEGACY_CENTS))).as("what the cents payload did not carry is unknown, not zero").isEqualTo(FILLS);
    }

    private List<List<Object>> rows(String table, String except) {
        return clickHouse.rows("SELECT * EXCEPT (" + except + ") FROM " + table + " ORDER BY fill_id");
    }
}
