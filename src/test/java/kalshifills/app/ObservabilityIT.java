package kalshifills.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi.Fault;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.ClickHouseProxy;
import kalshifills.testing.DeployedMetricNames;
import kalshifills.testing.Eventually;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The management server, read over HTTP as an operator or a scraper reads it: /observe/health and /observe/metrics. */
class ObservabilityIT extends SimulatedAccountTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void metrics_count_what_the_polls_did_and_readiness_is_down_with_the_reason_while_kalshi_fails() throws Exception {
        Instant now = Instant.now();
        kalshi.addFills(new SimulatedFills(5).between(now.minus(Duration.ofMinutes(30)), now, 30));
        kalshi.addFills(List.of(new SimulatedFill("{\"fill_id\":\"no-time\",\"ticker\":\"KXA\",\"count\":1}",
                now.getEpochSecond(), "KXA", 0)));
        Map<String, String> settings = settings();
        settings.put("kalshi.fills.page-limit", "10");

        try (RunningIngester ingester = RunningIngester.start(settings)) {
            ingester.tick();
            Eventually.equals(30L, this::stored, Duration.ofSeconds(20));
            ingester.tick();

            Map<String, Double> metrics = scrape(ingester);
            assertThat(metrics).containsEntry("kalshi_fills_fetched_total{account=\"main\"}", 62.0)
                    .containsEntry("kalshi_fills_new_total{account=\"main\"}", 30.0)
                    .containsEntry("kalshi_fills_deduplicated_total{account=\"main\"}", 30.0)
                    .containsEntry("kalshi_fills_rejected_total{account=\"main\"}", 1.0)
                    .containsEntry("kalshi_fills_rejected_reseen_total{account=\"main\"}", 1.0)
                    .containsEntry("kalshi_fills_inserted_total{account=\"main\"}", 30.0)
                    .containsEntry("kalshi_fills_poll_seconds_count{account=\"main\",result=\"complete\"}", 2.0)
                    .containsEntry("kalshi_fills_poll_seconds_count{account=\"main\",result=\"failed\"}", 0.0)
                    .containsEntry("kalshi_fills_insert_seconds_count{account=\"main\",result=\"failed\"}", 0.0)
                    .containsEntry("kalshi_fills_backfill_progress_ratio{account=\"main\"}", 1.0)
                    .containsEntry("kalshi_api_errors_total{account=\"main\",kind=\"rate_limited\",status=\"429\"}", 0.0)
                    .containsEntry("hikaricp_connections_max{pool=\"clickhouse\"}", 4.0);
            double inserts = metrics.get("kalshi_fills_insert_seconds_count{account=\"main\",result=\"ok\"}");
            assertThat(inserts).isGreaterThanOrEqualTo(1.0);
            assertThat(metrics.get("kalshi_fills_insert_seconds_bucket{account=\"main\",result=\"ok\",le=\"+Inf\"}")).isEqualTo(inserts);
            assertThat(metrics.get("kalshi_fills_poll_seconds_bucket{account=\"main\",result=\"complete\",le=\"3600.0\"}")).isEqualTo(2.0);
            assertThat(metrics.get("kalshi_fills_last_successful_poll_age_seconds{account=\"main\"}")).isBetween(0.0, 10.0);
            assertThat(metrics.get("kalshi_fills_newest_fill_age_seconds{account=\"main\"}")).as("the newest fill is the last simulated")
                    .isBetween(0.0, Duration.between(now, Instant.now()).toSeconds() + 2.0);
            assertThat(get(ingester, "/observe/health/ready").statusCode()).isEqualTo(200);
            assertThat(dockerHealthCheck(ingester)).as("the Dockerfile's HEALTHCHECK while UP").isZero();

            kalshi.failRequests(Fault.SERVER_ERROR, 0, 1);
            ingester.tick();
            HttpResponse<String> down = get(ingester, "/observe/health/ready");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(pipelineCheck(down).get("message").asText())
                    .startsWith("polls failing since ").contains("Kalshi answered HTTP 500 to GET");
            HttpResponse<String> live = get(ingester, "/observe/health/live");
            assertThat(live.statusCode()).as("a Kalshi outage is no reason to restart").isEqualTo(200);
            assertThat(scrape(ingester)).containsEntry("kalshi_api_errors_total{account=\"main\",kind=\"server_error\",status=\"500\"}", 1.0)
                    .containsEntry("kalshi_fills_poll_seconds_count{account=\"main\",result=\"failed\"}", 1.0);
            assertThat(dockerHealthCheck(ingester)).as("the Dockerfile's HEALTHCHECK while Kalshi fails").isZero();

            ingester.tick();
            assertThat(get(ingester, "/observe/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(ingester, "/observe/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void every_metric_the_alert_rules_and_the_dashboard_name_is_exported() throws Exception {
        kalshi.addFills(new SimulatedFills(9).between(Instant.now().minus(Duration.ofMinutes(5)), Instant.now(), 5));
        Map<String, String> settings = settings();
        // The feed's meters exist where it is on.
        settings.put("kalshi.feed.enabled", "true");
        settings.put("kalshi.feed.url", kalshi.feed().url());
        try (RunningIngester ingester = RunningIngester.start(settings)) {
            ingester.tick();
            Eventually.equals(5L, this::stored, Duration.ofSeconds(20));
            Eventually.equals(1, kalshi.feed()::subscribedConnections, Duration.ofSeconds(20));

            HttpResponse<String> response = get(ingester, "/observe/metrics");
            Set<String> exported = response.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> line.replaceFirst("[{ ].*", "")).collect(Collectors.toSet());
            assertThat(DeployedMetricNames.all()).isNotEmpty().allSatisfy(name -> assertThat(exported).as(name).contains(name));
        }
    }

    @Test
    void a_first_backfill_is_ready_and_says_how_far_it_got() throws Exception {
        Instant now = Instant.now();
        kalshi.addFills(new SimulatedFills(11).between(now.minus(Duration.ofDays(20)), now, 120));
        kalshi.delayResponses(Duration.ofMillis(200));
        Map<String, String> settings = settings();
        settings.put("kalshi.fills.page-limit", "5");
        settings.put("fills.poll.cron", "0/1 * * * * ?");
        settings.put("fills.health.max-missed-polls", "2");
        try (RunningIngester ingester = RunningIngester.startOnSchedule(settings)) {
            Eventually.equals(true, () -> backfillMessage(ingester).contains("oldest fill reached 20"), Duration.ofSeconds(20));
            HttpResponse<String> ready = get(ingester, "/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(pipelineCheck(ready).get("message").asText()).startsWith("backfill in progress for ")
                    .containsPattern(" pages? read, oldest fill reached 20").endsWith(", reading back through everything Kalshi has");
            Map<String, Double> metrics = scrape(ingester);
            assertThat(metrics.get("kalshi_fills_backfill_in_progress{account=\"main\"}")).isEqualTo(1.0);
            assertThat(metrics.get("kalshi_fills_backfill_progress_ratio{account=\"main\"}")).as("a first run's window has no start").isNaN();
            assertThat(metrics.get("kalshi_fills_backfill_oldest_fill_timestamp_seconds{account=\"main\"}"))
                    .isBetween((double) now.minus(Duration.ofDays(20)).getEpochSecond(), (double) now.getEpochSecond());

            Eventually.equals(120L, this::stored, Duration.ofSeconds(60));
            Eventually.equals(false, () -> backfillMessage(ingester).contains("backfill"), Duration.ofSeconds(10));
            assertThat(get(ingester, "/observe/health/ready").statusCode()).isEqualTo(200);
            assertThat(scrape(ingester)).containsEntry("kalshi_fills_backfill_in_progress{account=\"main\"}", 0.0)
                    .containsEntry("kalshi_fills_backfill_progress_ratio{account=\"main\"}", 1.0);
        }
    }

    private static String backfillMessage(RunningIngester ingester) {
        try {
            return pipelineCheck(get(ingester, "/observe/health/ready")).path("message").asText("");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void health_is_down_naming_clickhouse_while_it_is_unreachable() throws Exception {
        kalshi.addFills(new SimulatedFills(6).between(Instant.now().minus(Duration.ofMinutes(5)), Instant.now(), 5));
        try (ClickHouseProxy proxy = new ClickHouseProxy(clickHouse.port())) {
            Map<String, String> settings = settings();
            settings.put("clickhouse.url", proxy.jdbcUrl());
            settings.put("fills.insert.retries", "0");
            try (RunningIngester ingester = RunningIngester.start(settings)) {
                ingester.tick();
                Eventually.equals(5L, this::stored, Duration.ofSeconds(20));
                kalshi.addFills(new SimulatedFills(7).between(Instant.now().minus(Duration.ofMinutes(1)), Instant.now(), 5));
                proxy.refuseRequestsTo("HTTP/1.1", 0, Integer.MAX_VALUE / 2);
                ingester.tick();

                HttpResponse<String> down = get(ingester, "/observe/health/ready");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(pipelineCheck(down).get("message").asText()).startsWith("polls failing since ")
                        .contains("ClickHouse: cannot read the poll checkpoint (");
                assertThat(scrape(ingester)).as("not a failure of Kalshi")
                        .allSatisfy((series, value) -> assertThat(series.startsWith("kalshi_api_errors") ? value : 0.0).as(series).isZero());
            }
        }
    }

    /** The Dockerfile's HEALTHCHECK command, run here with bash against the test's management port. */
    private static int dockerHealthCheck(RunningIngester ingester) throws IOException, InterruptedException {
        Matcher healthCheck = Pattern.compile("CMD \\[\"bash\", \"-c\", \"(.*)\"]").matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(healthCheck.find()).isTrue();
        String command = healthCheck.group(1).replace("\\\\", "\\").replace("/9876 ", "/" + URI.create(ingester.managementUrl()).getPort() + " ");
        Process probe = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        assertThat(probe.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return probe.exitValue();
    }

    private static HttpResponse<String> get(RunningIngester ingester, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ingester.managementUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return new ObjectMapper().readTree(response.body());
    }

    private static JsonNode pipelineCheck(HttpResponse<String> health) throws IOException {
        for (JsonNode check : json(health).get("checks")) {
            if ("fills-main".equals(check.get("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no pipeline check in " + health.body());
    }

    /** The samples of a Prometheus text exposition, by name and labels as written. */
    private static Map<String, Double> scrape(RunningIngester ingester) throws IOException, InterruptedException {
        HttpResponse<String> response = get(ingester, "/observe/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        response.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank()).forEach(line -> {
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        });
        return samples;
    }

    @Test
    void a_clickhouse_down_at_start_leaves_health_down_saying_why_and_the_route_starts_once_it_answers() throws Exception {
        kalshi.addFills(new SimulatedFills(8).between(Instant.now().minus(Duration.ofMinutes(10)), Instant.now(), 5));
        try (ClickHouseProxy proxy = new ClickHouseProxy(clickHouse.port())) {
            // The start-up probe and the first attempts to create the tables find nothing answering.
            proxy.refuseRequestsTo("HTTP/1.1", 0, 12);
            Map<String, String> settings = settings();
            settings.put("clickhouse.url", proxy.jdbcUrl());
            settings.put("fills.poll.cron", "0/1 * * * * ?");
            settings.put("camel.routecontroller.back-off-delay", "500");
            settings.put("camel.routecontroller.back-off-multiplier", "1");
            try (CapturedLogs logs = CapturedLogs.capture(); RunningIngester ingester = RunningIngester.startOnSchedule(settings)) {
                assertThat(logs.events("clickhouse_unreachable")).singleElement();
                HttpResponse<String> down = get(ingester, "/observe/health/ready");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).contains("cannot create the tables of account 'main' in ClickHouse: ");
                HttpResponse<String> live = get(ingester, "/observe/health/live");
                assertThat(live.statusCode()).as("waiting for ClickHouse is no reason to restart").isEqualTo(200);

                String[] table = this.table.split("\\.");
                Eventually.equals(5L, () -> clickHouse.rowsIn(table[0], table[1]), Duration.ofSeconds(60));
                Eventually.equals(200, () -> status(ingester, "/observe/health"), Duration.ofSeconds(30));
                assertThat(logs.events("configuration_error")).isEmpty();
            }
        }
    }

    @Test
    void liveness_is_down_once_camel_gives_up_starting_the_route() throws Exception {
        try (ClickHouseProxy proxy = new ClickHouseProxy(clickHouse.port())) {
            proxy.refuseRequestsTo("HTTP/1.1", 0, Integer.MAX_VALUE / 2);
            Map<String, String> settings = settings();
            settings.put("clickhouse.url", proxy.jdbcUrl());
            settings.put("camel.routecontroller.back-off-delay", "200");
            settings.put("camel.routecontroller.back-off-multiplier", "1");
            settings.put("camel.routecontroller.back-off-max-attempts", "2");
            try (RunningIngester ingester = RunningIngester.startOnSchedule(settings)) {
                Eventually.equals(503, () -> status(ingester, "/observe/health/live"), Duration.ofSeconds(30));
                assertThat(get(ingester, "/observe/health/live").body()).contains("\"name\":\"route-main\",\"status\":\"DOWN\"")
                        .contains("route fills-poll-main could not be started and is no longer retried");
            }
        }
    }

    private static int status(RunningIngester ingester, String path) {
        try {
            return get(ingester, path).statusCode();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
