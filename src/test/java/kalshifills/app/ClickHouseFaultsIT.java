package kalshifills.app;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.ClickHouseProxy;
import kalshifills.testing.Eventually;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ClickHouse failing under a running service: killed, down for a minute, or losing the answer to an insert it made. */
class ClickHouseFaultsIT extends SimulatedAccountTest {

    private final SimulatedFills fills = new SimulatedFills(77);

    private static Optional<HealthCheck.Result> health(CamelContext context) {
        return HealthCheckRegistry.get(context).getCheck("fills-main").map(HealthCheck::call);
    }

    private static String healthMessage(CamelContext context) {
        return health(context).flatMap(HealthCheck.Result::getMessage).orElse("");
    }

    @Test
    void clickhouse_killed_and_down_for_a_minute_while_fills_arrive_then_every_fill_is_stored_once() throws Exception {
        LocalClickHouse own = LocalClickHouse.start(Path.of("target", "clickhouse-outage-it"), LocalClickHouse.freePort());
        try (CapturedLogs logs = CapturedLogs.capture()) {
            kalshi.addFills(fills.between(Instant.now().minus(Duration.ofMinutes(30)), Instant.now().minus(Duration.ofMinutes(1)), 20));
            Map<String, String> settings = RunningIngester.settings(kalshi, own.jdbcUrl(), table);
            settings.put("fills.poll.cron", "0/1 * * * * ?");
            settings.put("kalshi.fills.page-limit", "10");
            settings.put("fills.insert.retries", "3");
            settings.put("fills.insert.first-retry-delay-ms", "1000");
            settings.put("clickhouse.connect-timeout-ms", "1000");
            settings.put("clickhouse.socket-timeout-ms", "5000");
            String count = "SELECT count() FROM " + table;

            try (RunningIngester ingester = RunningIngester.startOnSchedule(settings)) {
                Eventually.equals(20L, () -> own.queryLong(count), Duration.ofSeconds(30));
                Eventually.equals(HealthCheck.State.UP, () -> health(ingester.context()).map(HealthCheck.Result::getState).orElse(null),
                        Duration.ofSeconds(10));

                // The 10 new fills are the newest: the first page of the next poll. Its second page comes late, and ClickHouse
                // dies meanwhile, so the poll's batch meets a dead server. Polls are paused while the stage is set.
                ingester.context().getRouteController().suspendRoute("fills-poll-main");
                int requests = kalshi.queries().size();
                kalshi.failRequests(SimulatedKalshiApi.Fault.SLOW, 1, 1);
                kalshi.addFills(fills.between(Instant.now().minusSeconds(30), Instant.now(), 10));
                ingester.context().getRouteController().resumeRoute("fills-poll-main");
                Eventually.equals(true, () -> kalshi.queries().size() >= requests + 2, Duration.ofSeconds(10));
                own.kill();
                Instant down = Instant.now();
                int pollsBefore = logs.events("fills_poll_failed").size();

                Eventually.equals(true, () -> healthMessage(ingester.context()).contains("inserts into ClickHouse failing since"),
                        Duration.ofSeconds(20));
                Eventually.equals(1, () -> logs.events("fills_insert_failed").size(), Duration.ofSeconds(30));
                Eventually.equals(true, () -> Duration.between(down, Instant.now()).toSeconds() >= 60, Duration.ofSeconds(70));
                assertThat(healthMessage(ingester.context())).contains("polls failing since");
                assertThat(logs.events("fills_poll_failed").size() - pollsBefore).as("ticks kept running while ClickHouse was down")
                        .isGreaterThanOrEqualTo(20);
                assertThat(logs.events("fills_insert_retry")).extracting(e -> e.get("attempt")).containsExactly(1, 2, 3);

                own.restart();
                Eventually.equals(30L, () -> own.queryLong(count), Duration.ofSeconds(30));
                Eventually.equals(HealthCheck.State.UP, () -> health(ingester.context()).map(HealthCheck.Result::getState).orElse(null),
                        Duration.ofSeconds(10));
                assertThat(ingester.context().getStatus().isStarted()).isTrue();
            }
            assertThat(own.queryLong(count)).isEqualTo(30);
            assertThat(own.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(30);
        } finally {
            own.stop();
        }
    }

    @Test
    void the_oldest_batch_of_a_three_hour_catch_up_failing_to_insert_keeps_the_window_open_until_it_is_stored() throws Exception {
        try (ClickHouseProxy proxy = new ClickHouseProxy(clickHouse.port()); CapturedLogs logs = CapturedLogs.capture()) {
            Instant now = Instant.now();
            kalshi.addFills(fills.between(now.minus(Duration.ofHours(3)), now.minus(Duration.ofMinutes(1)), 300));
            Map<String, String> settings = RunningIngester.settings(kalshi, proxy.jdbcUrl(), table);
            settings.put("kalshi.fills.page-limit", "100");
            settings.put("fills.batch.size", "100");
            settings.put("fills.insert.retries", "1");
            settings.put("fills.insert.first-retry-delay-ms", "100");
            // Newest first: the third batch holds the oldest fills, two to three hours old. It and its retry fail.
            proxy.refuseRequestsTo("INSERT INTO " + table + " (", 2, 2);
            String count = "SELECT count() FROM " + table;

            try (RunningIngester ingester = RunningIngester.start(settings)) {
                ingester.tick();
                Eventually.equals(1, () -> logs.events("fills_insert_failed").size(), Duration.ofSeconds(30));
                assertThat(clickHouse.queryLong(count)).isEqualTo(200);

                ingester.tick();
                Eventually.equals(300L, () -> clickHouse.queryLong(count), Duration.ofSeconds(30));
            }
            assertThat(kalshi.queries()).hasSize(6);
            assertThat(kalshi.queries().get(3)).as("the second poll still asks for everything").isEqualTo("limit=100");
            assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(300);
        }
    }

    @Test
    void an_insert_whose_answer_is_lost_after_the_server_wrote_it_is_retried_and_the_server_drops_the_copy() throws Exception {
        try (ClickHouseProxy proxy = new ClickHouseProxy(clickHouse.port()); CapturedLogs logs = CapturedLogs.capture()) {
            kalshi.addFills(fills.between(Instant.now().minus(Duration.ofMinutes(30)), Instant.now(), 25));
            Map<String, String> settings = RunningIngester.settings(kalshi, proxy.jdbcUrl(), table);
            settings.put("fills.batch.timeout-ms", "200");
            settings.put("fills.insert.first-retry-delay-ms", "100");
            settings.put("clickhouse.socket-timeout-ms", "2000");
            proxy.loseAnswersTo("INSERT INTO " + table + " (", 1);

            try (RunningIngester ingester = RunningIngester.start(settings)) {
                ingester.tick();
                Eventually.equals(1, () -> logs.events("fills_ingested").size(), Duration.ofSeconds(30));
                ingester.tick();
            }

            assertThat(proxy.matchingRequests()).as("the insert, and its retry").isEqualTo(2);
            assertThat(logs.events("fills_insert_retry")).singleElement().satisfies(e -> assertThat(e).containsEntry("attempt", 1));
            assertThat(logs.events("fills_ingested")).singleElement().satisfies(e -> assertThat(e).containsEntry("count", 25));
            assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).as("no duplicate row, even before any merge").isEqualTo(25);
        }
    }
}
