package kalshifills.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import kalshifills.testing.Eventually;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The runnable jar as the README runs it, from the project directory, configured through environment variables. */
class ApplicationJarIT {

    private final LocalClickHouse clickHouse = LocalClickHouse.shared();

    @Test
    void demo_mode_runs_the_whole_pipeline_logs_json_lines_and_stops_cleanly_on_sigterm() throws Exception {
        String database = clickHouse.newDatabase();
        int managementPort = LocalClickHouse.freePort();
        ServiceProcess service = ServiceProcess.start(Map.of(
                "camel.management.port", Integer.toString(managementPort),
                // ACCOUNT_MAIN_KALSHI_FILLS_PAGE_LIMIT: an account's own setting from the environment.
                "account.main.kalshi.fills.page-limit", "4",
                "clickhouse.url", clickHouse.jdbcUrl(),
                "clickhouse.fills-table", database + ".mm_fills",
                "clickhouse.rejects-table", database + ".mm_fills_rejected",
                "clickhouse.poll-state-table", database + ".mm_fills_poll_state",
                "fills.poll.cron", "0/1 * * * * ?"), "--demo");
        try {
            Eventually.equals(true, () -> service.events("fills_deduped").size() >= 2, Duration.ofSeconds(60));
            // Camel itself skips variables ending in _PORT (Kubernetes service links); the service reads this one.
            HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).as("/observe/health/live on CAMEL_MANAGEMENT_PORT").isEqualTo(200);
        } finally {
            service.sigterm();
        }

        assertThat(service.exitWithin(Duration.ofSeconds(60))).as("exit status after SIGTERM").isIn(0, 143);
        assertThat(service.lines()).isNotEmpty().allSatisfy(line -> assertThat(ServiceProcess.json(line).has("event")).isTrue())
                .noneSatisfy(line -> assertThat(ServiceProcess.json(line).has("stack_trace")).isTrue());
        assertThat(service.events("fills_ingested")).isNotEmpty();
        assertThat(service.events("fills_rejected")).singleElement()
                .satisfies(e -> assertThat(e.get("fill_id").asText()).isEqualTo("demo-fill-without-time"));
        assertThat(service.events("fills_deduped").get(1).get("duplicates_filtered").asInt()).isGreaterThanOrEqualTo(55);
        assertThat(service.events("fill_pipeline_stats").get(0).get("pages").asInt()).as("pages of 4 fills").isGreaterThanOrEqualTo(55 / 4);
        assertThat(service.lines()).anySatisfy(line -> assertThat(line).contains("Apache Camel 4.18.0 (kalshi-fills-ingester) shutdown"));
        long ingested = service.events("fills_ingested").stream().mapToLong(e -> e.get("count").asLong()).sum();
        assertThat(clickHouse.queryLong("SELECT count() FROM " + database + ".mm_fills")).isEqualTo(ingested).isGreaterThanOrEqualTo(55);
        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + database + ".mm_fills")).isEqualTo(ingested);
    }
}
