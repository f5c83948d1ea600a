package kalshifills.app;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import kalshifills.simulator.SimulatedFills;
import kalshifills.testing.Eventually;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Fills Kalshi reports late, and two instances writing the same account into the same table. */
class LateAndConcurrentFillsIT extends SimulatedAccountTest {

    private final SimulatedFills fills = new SimulatedFills(21);

    @Override
    protected Map<String, String> settings() {
        Map<String, String> settings = super.settings();
        settings.put("fills.batch.timeout-ms", "200");
        return settings;
    }

    @Test
    void a_fill_reported_late_inside_the_overlap_is_stored_and_one_later_than_that_is_reached_by_moving_the_checkpoint_back()
            throws Exception {
        Instant now = Instant.now();
        kalshi.addFills(fills.between(now.minus(Duration.ofMinutes(20)), now.minus(Duration.ofMinutes(1)), 20));
        try (RunningIngester ingester = RunningIngester.start(settings())) {
            ingester.tick();
            Eventually.equals(1L, () -> clickHouse.queryLong("SELECT count() FROM " + table + "_poll_state"), Duration.ofSeconds(20));

            kalshi.addFills(List.of(fills.current(now.minus(Duration.ofMinutes(40)))));
            ingester.tick();
            Eventually.equals(21L, this::stored, Duration.ofSeconds(20));

            kalshi.addFills(List.of(fills.current(now.minus(Duration.ofHours(2)))));
            ingester.tick();
            assertThat(stored()).as("older than the checkpoint minus the overlap: not asked for").isEqualTo(21);

            clickHouse.execute("INSERT INTO " + table + "_poll_state (poll_key, complete_until) VALUES ('" + TestKeys.KEY_ID
                    + "/all/all', now64(3) - INTERVAL 3 HOUR)");
            ingester.tick();
            Eventually.equals(22L, this::stored, Duration.ofSeconds(20));
        }
    }

    @Test
    void two_instances_on_one_account_and_table_leave_no_duplicate_in_what_final_returns() throws Exception {
        Instant start = Instant.now().minus(Duration.ofMinutes(30));
        kalshi.addFills(fills.between(start, start.plus(Duration.ofMinutes(10)), 40));
        Map<String, String> first = settings();
        first.put("camel.main.name", "instance-a");
        Map<String, String> second = settings();
        second.put("camel.main.name", "instance-b");
        ExecutorService both = Executors.newFixedThreadPool(2);

        try (RunningIngester a = RunningIngester.start(first); RunningIngester b = RunningIngester.start(second)) {
            for (int round = 1; round <= 5; round++) {
                kalshi.addFills(fills.between(start.plus(Duration.ofMinutes(10 + 2L * round)), start.plus(Duration.ofMinutes(11 + 2L * round)), 8));
                Future<?> ticks = both.submit(a::tick);
                b.tick();
                ticks.get();
            }
            Eventually.equals(80L, () -> clickHouse.queryLong("SELECT count() FROM " + table + " FINAL"), Duration.ofSeconds(20));
        } finally {
            both.shutdownNow();
        }

        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(80);
        assertThat(stored()).as("rows before merges: two inserts of one fill may both land").isBetween(80L, 160L);
        clickHouse.execute("OPTIMIZE TABLE " + table + " FINAL");
        assertThat(stored()).as("after a merge").isEqualTo(80);
    }
}
