package kalshifills.app;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedFills.Shape;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.Eventually;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Fills on both sides of Kalshi's historical cutoff, a cutoff that moves while the service is stopped, and fills that change shape. */
class HistoricalFillsIT extends SimulatedAccountTest {

    private final SimulatedFills fills = new SimulatedFills(8);
    private final Instant now = Instant.now();

    @Override
    protected Map<String, String> settings() {
        Map<String, String> settings = super.settings();
        settings.put("kalshi.fills.page-limit", "50");
        settings.put("fills.batch.timeout-ms", "200");
        return settings;
    }

    private long historicalRequests() {
        return kalshi.requests().stream().filter(request -> request.startsWith(SimulatedKalshiApi.HISTORICAL_FILLS_PATH)).count();
    }

    @Test
    void a_first_run_against_120_days_of_fills_with_the_cutoff_at_90_days_stores_every_fill_once_the_historical_ones_included()
            throws Exception {
        kalshi.addFills(fills.inEveryShape(now.minus(Duration.ofDays(120)), now.minus(Duration.ofMinutes(1)), 600));
        Instant cutoff = now.minus(Duration.ofDays(90)).truncatedTo(ChronoUnit.SECONDS);
        kalshi.moveCutoffTo(cutoff);

        try (RunningIngester ingester = RunningIngester.start(settings())) {
            ingester.tick();
            Eventually.equals(600L, this::stored, Duration.ofSeconds(30));
        }

        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(600);
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table + " WHERE ts < fromUnixTimestamp64Milli(" + cutoff.toEpochMilli() + ")"))
                .as("a quarter of 120 days lies before the cutoff").isBetween(145L, 155L);
        assertThat(historicalRequests()).as("150 historical fills in pages of 50").isEqualTo(3);
        assertThat(kalshi.requests()).filteredOn(request -> request.startsWith(SimulatedKalshiApi.HISTORICAL_FILLS_PATH))
                .allMatch(request -> request.contains("max_ts=" + (cutoff.getEpochSecond() + 1)));
    }

    @Test
    void a_cutoff_that_moves_during_a_poll_loses_nothing() throws Exception {
        kalshi.addFills(fills.inEveryShape(now.minus(Duration.ofDays(10)), now.minus(Duration.ofMinutes(1)), 300));
        kalshi.moveCutoffTo(now.minus(Duration.ofDays(90)));
        // After the third of six live pages, the older half of the fills moves to the historical side.
        kalshi.moveCutoffTo(now.minus(Duration.ofDays(5)), 3);

        try (RunningIngester ingester = RunningIngester.start(settings())) {
            ingester.tick();
            Eventually.equals(300L, this::stored, Duration.ofSeconds(30));
        }

        assertThat(historicalRequests()).isPositive();
        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(300);
    }

    @Test
    void a_cutoff_that_moved_past_the_checkpoint_while_the_service_was_stopped_loses_nothing_and_stores_nothing_twice() throws Exception {
        kalshi.addFills(fills.inEveryShape(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(4)), 40));
        try (RunningIngester ingester = RunningIngester.start(settings())) {
            ingester.tick();
            Eventually.equals(40L, this::stored, Duration.ofSeconds(30));
        }
        // Stopped four days ago, as its checkpoint says; meanwhile 60 fills came, the cutoff passed the checkpoint and
        // Kalshi stopped sending the deprecated fields.
        clickHouse.execute("INSERT INTO " + table + "_poll_state (poll_key, complete_until) VALUES ('" + TestKeys.KEY_ID
                + "/all/all', fromUnixTimestamp64Milli(" + now.minus(Duration.ofDays(4)).toEpochMilli() + "))");
        kalshi.addFills(fills.inEveryShape(now.minus(Duration.ofDays(4)).plus(Duration.ofHours(1)), now.minus(Duration.ofHours(1)), 60));
        kalshi.moveCutoffTo(now.minus(Duration.ofDays(1)));
        kalshi.sendDeprecatedFields(false);

        try (RunningIngester ingester = RunningIngester.start(settings())) {
            ingester.tick();
            Eventually.equals(100L, this::stored, Duration.ofSeconds(30));
            ingester.tick();
        }

        assertThat(historicalRequests()).as("the gap's fills older than the new cutoff").isPositive();
        assertThat(stored()).as("count() without FINAL, after a second poll and the stop's last inserts").isEqualTo(100);
        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(100);
    }

    @Test
    void a_fill_stored_under_the_rules_this_service_had_before_is_found_by_id_when_it_comes_back_in_another_shape() throws Exception {
        Instant filled = now.minus(Duration.ofMinutes(30)).plusNanos(654_321_000);
        SimulatedFills.Trade sellOfYes = new SimulatedFills.Trade("f-stored-before", "o-1", "mm-1", "KXA", "yes", "sell", 3, 42, "0.0300",
                false, filled, 0);
        try (RunningIngester ingester = RunningIngester.start(settings())) {
            // As the rules before stored it: its time from ts (whole seconds), its side the contract's.
            clickHouse.execute("INSERT INTO " + table + " (ts, fill_id, trade_id, market_ticker, side, price, raw_json) VALUES"
                    + " (fromUnixTimestamp64Milli(" + filled.getEpochSecond() * 1000 + "), 'f-stored-before', 'f-stored-before', 'KXA',"
                    + " 'yes', 0.42, '" + sellOfYes.in(Shape.CURRENT).json() + "')");
            kalshi.addFills(List.of(sellOfYes.in(Shape.CURRENT_WITHOUT_DEPRECATED), fills.trade(filled).in(Shape.CURRENT_WITHOUT_DEPRECATED)));

            ingester.tick();
            Eventually.equals(2L, this::stored, Duration.ofSeconds(30));
            ingester.tick();
        }

        assertThat(clickHouse.queryLong("SELECT count() FROM " + table + " WHERE fill_id = 'f-stored-before'")).isEqualTo(1);
        assertThat(stored()).isEqualTo(2);
    }
}
