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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi.Fault;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.ClickHouseProxy;
import kalshifills.testing.Eventually;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The management server, read over HTTP as an operator or a scraper reads it: /observe/health and /observe/metrics. */
class ObservabilityIT extends SimulatedAccountTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void metrics_count_what_the_polls_did_and_health_is_down_with_the_reason_while_kalshi_fails() throws Exception {
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
                    .containsEntry("kalshi_fills_rejected_total{account=\"main\"}", 2.0)
                    .containsEntry("kalshi_fills_inserted_total{account=\"main\"}", 30.0);
            assertThat(metrics.get("kalshi_fills_insert_seconds_count{account=\"main\"}")).isGreaterThanOrEqualTo(1.0);
            assertThat(metrics.get("kalshi_fills_insert_seconds_sum{account=\"main\"}")).isPositive();
            assertThat(metrics.get("kalshi_fills_last_successful_poll_age_seconds{account=\"main\"}")).isBetween(0.0, 10.0);
            assertThat(get(ingester, "/observe/health")).satisfies(health -> {
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(json(health).get("status").asText()).isEqualTo("UP");
            });
            assertThat(dockerHealthCheck(ingester)).as("the Dockerfile's HEALTHCHECK while UP").isZero();

            kalshi.failRequests(Fault.SERVER_ERROR, 0, 1);
            ingester.tick();
            HttpResponse<String> down = get(ingester, "/observe/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(pipelineCheck(down).get("message").asText())
                    .startsWith("polls failing since ").contains("Kalshi answered HTTP 500 to GET");
            assertThat(scrape(ingester)).containsEntry("kalshi_api_errors_total{account=\"main\",status=\"500\"}", 1.0);
            assertThat(dockerHealthCheck(ingester)).as("the Dockerfile's HEALTHCHECK while DOWN").isNotZero();

            ingester.tick();
            assertThat(get(ingester, "/observe/health").statusCode()).isEqualTo(200);
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

                HttpResponse<String> down = get(ingester, "/observe/health");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(pipelineCheck(down).get("message").asText()).startsWith("polls failing since ")
                        .contains("cannot read the poll checkpoint from ClickHouse: ");
                assertThat(scrape(ingester).keySet()).as("not a failure of Kalshi").noneMatch(name -> name.startsWith("kalshi_api_errors"));
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

    private static int healthStatus(RunningIngester ingester) {
        try {
            return get(ingester, "/observe/health").statusCode();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
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
                HttpResponse<String> down = get(ingester, "/observe/health");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).contains("cannot create the tables of account 'main' in ClickHouse: ");

                String[] table = this.table.split("\\.");
                Eventually.equals(5L, () -> clickHouse.rowsIn(table[0], table[1]), Duration.ofSeconds(60));
                Eventually.equals(200, () -> healthStatus(ingester), Duration.ofSeconds(30));
                assertThat(logs.events("configuration_error")).isEmpty();
                System.out.println("DOWN WHILE STARTING: " + down.body());
            }
        }
    }
}
