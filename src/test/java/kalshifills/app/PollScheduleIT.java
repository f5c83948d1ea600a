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
}
