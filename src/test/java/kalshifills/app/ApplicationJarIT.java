package kalshifills.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.testing.Eventually;
import kalshifills.testing.LocalClickHouse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The runnable jar as the README runs it, from the project directory, configured through environment variables. */
class ApplicationJarIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LocalClickHouse clickHouse = LocalClickHouse.shared();

    /** A running {@code java -jar target/kalshi-fills-ingester.jar}, its stdout read line by line. */
    private static final class JarProcess {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        JarProcess(Map<String, String> environment, String... args) throws IOException {
            ProcessBuilder builder = new ProcessBuilder("java", "-jar", "target/kalshi-fills-ingester.jar");
            builder.command().addAll(List.of(args));
            builder.environment().putAll(environment);
            builder.redirectErrorStream(true);
            process = builder.start();
            reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    out.lines().forEach(lines::add);
                } catch (IOException e) {
                    lines.add("reading stdout failed: " + e);
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        List<JsonNode> events(String name) {
            return lines.stream().map(ApplicationJarIT::json).filter(e -> name.equals(e.path("event").asText())).toList();
        }

        /** SIGTERM, leaving stdout open (Process.destroy() would close it and lose the shutdown's lines). */
        void sigterm() {
            process.toHandle().destroy();
        }

        /** Waits for the exit, and for every line the process wrote before it. */
        int exitWithin(Duration timeout) throws InterruptedException {
            assertThat(process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)).as("exited within " + timeout).isTrue();
            reader.join(timeout.toMillis());
            try {
                Files.write(Path.of("target", "application-jar-it.log"), lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return process.exitValue();
        }
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }

    @Test
    void demo_mode_runs_the_whole_pipeline_logs_json_lines_and_stops_cleanly_on_sigterm() throws Exception {
        String database = clickHouse.newDatabase();
        JarProcess service = new JarProcess(Map.of(
                "CLICKHOUSE_URL", clickHouse.jdbcUrl(),
                "CLICKHOUSE_FILLS_TABLE", database + ".mm_fills",
                "CLICKHOUSE_REJECTS_TABLE", database + ".mm_fills_rejected",
                "FILLS_POLL_CRON", "0/1 * * * * ?"), "--demo");
        try {
            Eventually.equals(true, () -> service.events("fills_deduped").size() >= 2, Duration.ofSeconds(60));
        } finally {
            service.sigterm();
        }

        assertThat(service.exitWithin(Duration.ofSeconds(60))).as("exit status after SIGTERM").isIn(0, 143);
        assertThat(service.lines).isNotEmpty().allSatisfy(line -> assertThat(json(line).has("event")).isTrue());
        assertThat(service.events("fills_ingested")).isNotEmpty();
        assertThat(service.events("fills_rejected")).singleElement()
                .satisfies(e -> assertThat(e.get("fill_id").asText()).isEqualTo("demo-fill-without-time"));
        assertThat(service.events("fills_deduped").get(1).get("duplicates_filtered").asInt()).isGreaterThanOrEqualTo(55);
        assertThat(service.lines).anySatisfy(line -> assertThat(line).contains("Apache Camel 4.18.0 (kalshi-fills-ingester) shutdown"));
        long ingested = service.events("fills_ingested").stream().mapToLong(e -> e.get("count").asLong()).sum();
        assertThat(clickHouse.queryLong("SELECT count() FROM " + database + ".mm_fills")).isEqualTo(ingested).isGreaterThanOrEqualTo(55);
        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + database + ".mm_fills")).isEqualTo(ingested);
    }

    @Test
    void a_missing_setting_stops_start_up_with_one_line_naming_it() throws Exception {
        JarProcess service = new JarProcess(Map.of("KALSHI_API_KEY_ID", ""));

        assertThat(service.exitWithin(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(service.events("configuration_error")).singleElement().satisfies(e -> assertThat(e.get("reason").asText())
                .isEqualTo("kalshi.api-key-id (environment variable KALSHI_API_KEY_ID): is not set; set it to the id of your"
                        + " Kalshi API key, or start with --demo to run against the simulated API"));
    }

    @Test
    void a_clickhouse_url_that_is_not_jdbc_stops_start_up_naming_the_key() throws Exception {
        JarProcess service = new JarProcess(Map.of("CLICKHOUSE_URL", "http://127.0.0.1:8123"), "--demo");

        assertThat(service.exitWithin(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(service.events("configuration_error")).singleElement().satisfies(e -> assertThat(e.get("reason").asText())
                .isEqualTo("clickhouse.url (environment variable CLICKHOUSE_URL): is 'http://127.0.0.1:8123'; expected a JDBC URL"
                        + " such as jdbc:clickhouse://127.0.0.1:8123"));
    }
}
