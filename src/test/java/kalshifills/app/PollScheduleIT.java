package kalshifills.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.Eventually;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.ServiceProcess;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The quartz trigger of routes/kalshi-account.yaml, on its real schedule. */
class PollScheduleIT {

    private final LocalClickHouse clickHouse = LocalClickHouse.shared();

    @Test
    void the_first_poll_runs_as_the_service_starts_not_at_the_crons_next_time() throws Exception {
        String database = clickHouse.newDatabase();
        String table = database + ".mm_fills";
        try (SimulatedKalshiApi kalshi = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0)) {
            kalshi.addFills(new SimulatedFills(10).between(Instant.now().minus(Duration.ofMinutes(10)), Instant.now(), 4));
            Map<String, String> settings = RunningIngester.settings(kalshi, clickHouse.jdbcUrl(), table);
            settings.put("fills.poll.cron", "0 0 0 * * ?");
            ServiceProcess service = ServiceProcess.start(settings);
            try {
                Eventually.equals(4L, () -> clickHouse.rowsIn(database, "mm_fills"), Duration.ofSeconds(60));
                // The poll logs its end once its fills are stored.
                Eventually.equals(1, () -> service.events("fill_pipeline_stats").size(), Duration.ofSeconds(30));
                assertThat(service.events("fill_pipeline_stats")).as("one poll, at start, though the cron fires only at midnight").hasSize(1);
            } finally {
                service.sigterm();
                service.exitWithin(Duration.ofSeconds(60));
            }
        }
    }

    @Test
    void a_tick_that_outlasts_the_interval_delays_the_next_one_instead_of_overlapping_it() throws Exception {
        String table = clickHouse.newDatabase() + ".mm_fills";
        try (SimulatedKalshiApi kalshi = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0);
                CapturedLogs logs = CapturedLogs.capture()) {
            kalshi.addFills(new SimulatedFills(9).between(Instant.now().minus(Duration.ofMinutes(10)), Instant.now(), 4));
            kalshi.delayResponses(Duration.ofMillis(1500));
            Map<String, String> settings = RunningIngester.settings(kalshi, clickHouse.jdbcUrl(), table);
            settings.put("fills.poll.cron", "0/1 * * * * ?");
            settings.put("kalshi.fills.page-limit", "2");
            try (RunningIngester ingester = RunningIngester.startOnSchedule(settings)) {
                Eventually.equals(true, () -> logs.events("fill_pipeline_stats").size() >= 2, Duration.ofSeconds(30));
            }

            assertThat(logs.events("fill_pipeline_stats")).allSatisfy(e -> assertThat((Long) e.get("elapsed_ms")).isGreaterThan(2900));
            assertThat(kalshi.mostConcurrentRequests()).as("requests of overlapping ticks would run side by side").isEqualTo(1);
        }
    }

    @Test
    void a_long_first_poll_is_followed_by_polls_that_start_at_its_checkpoint_not_by_a_second_full_read() throws Exception {
        String table = clickHouse.newDatabase() + ".mm_fills";
        try (SimulatedKalshiApi kalshi = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0)) {
            kalshi.addFills(new SimulatedFills(11).between(Instant.now().minus(Duration.ofHours(3)), Instant.now().minus(Duration.ofMinutes(1)), 2000));
            kalshi.delayResponses(Duration.ofMillis(20));
            Map<String, String> settings = RunningIngester.settings(kalshi, clickHouse.jdbcUrl(), table);
            settings.put("fills.poll.cron", "0/1 * * * * ?");
            settings.put("kalshi.fills.page-limit", "100");
            settings.put("fills.batch.size", "300");
            try (RunningIngester ingester = RunningIngester.startOnSchedule(settings)) {
                Eventually.equals(true, () -> kalshi.queries().size() >= 20 + 3, Duration.ofSeconds(60));
            }

            // The first poll reads all 20 pages; the cron times it outlasted fire at once when it ends, and start at its checkpoint.
            assertThat(kalshi.queries().subList(0, 20)).allSatisfy(query -> assertThat(query).doesNotContain("min_ts"));
            assertThat(kalshi.queries().subList(20, kalshi.queries().size())).allSatisfy(query -> assertThat(query).contains("min_ts="));
            assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).isEqualTo(2000);
        }
    }
}
