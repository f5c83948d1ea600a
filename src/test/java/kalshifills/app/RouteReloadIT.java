package kalshifills.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import kalshifills.simulator.SimulatedFills;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.Eventually;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The service running on its schedule while an operator edits its routes directory. */
class RouteReloadIT extends SimulatedAccountTest {

    private static final String BATCH_SIZE = "completionSize: \"{{fills.batch.size}}\"";

    private final SimulatedFills fills = new SimulatedFills(8);

    @TempDir
    Path routes;

    @BeforeEach
    void copyTheRoutes() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
    }

    @Override
    protected Map<String, String> settings() {
        Map<String, String> settings = super.settings();
        settings.put("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
        settings.put("fills.poll.cron", "0/1 * * * * ?");
        settings.put("kalshi.fills.page-limit", "10");
        return settings;
    }

    @Test
    void an_edit_takes_effect_without_a_restart_and_the_poll_in_progress_stores_each_of_its_fills_once() throws Exception {
        kalshi.addFills(fills.between(Instant.now().minus(Duration.ofMinutes(30)), Instant.now(), 40));
        kalshi.delayResponses(Duration.ofMillis(300));

        try (CapturedLogs logs = CapturedLogs.capture(); RunningIngester ingester = RunningIngester.startOnSchedule(settings())) {
            Eventually.equals(true, () -> kalshi.queries().size() >= 2, Duration.ofSeconds(30));
            edit("kalshi-account.yaml", BATCH_SIZE, "completionSize: 3");
            Eventually.equals(1, () -> logs.events("routes_reloaded").size(), Duration.ofSeconds(60));
            Eventually.equals(40L, this::stored, Duration.ofSeconds(30));

            int ingestedBefore = logs.events("fills_ingested").size();
            kalshi.addFills(fills.between(Instant.now().minus(Duration.ofMinutes(1)), Instant.now(), 10));
            Eventually.equals(50L, this::stored, Duration.ofSeconds(30));
            // The insert's event is logged just after the rows are visible.
            Eventually.equals(10, () -> insertedSince(logs, ingestedBefore).stream().mapToInt(e -> (Integer) e.get("count")).sum(),
                    Duration.ofSeconds(10));

            assertThat(insertedSince(logs, ingestedBefore)).as("batches of the edited size")
                    .allSatisfy(e -> assertThat((Integer) e.get("count")).isLessThanOrEqualTo(3));
            assertThat(logs.events("fills_poll_failed")).as("the poll in progress finished before its routes stopped").isEmpty();
            assertThat(logs.events("routes_reload_refused")).isEmpty();
        }
        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(50);
    }

    @Test
    void an_invalid_edit_is_refused_naming_the_file_and_line_and_the_routes_that_ran_keep_running() throws Exception {
        kalshi.addFills(fills.between(Instant.now().minus(Duration.ofMinutes(30)), Instant.now(), 20));

        try (CapturedLogs logs = CapturedLogs.capture(); RunningIngester ingester = RunningIngester.startOnSchedule(settings())) {
            Eventually.equals(20L, this::stored, Duration.ofSeconds(30));

            edit("kalshi-account.yaml", "      from:\n", "      from\n");
            Eventually.equals(1, () -> logs.events("routes_reload_refused").size(), Duration.ofSeconds(60));
            assertThat(logs.events("routes_reload_refused").get(0)).satisfies(e -> {
                assertThat((String) e.get("file")).endsWith("kalshi-account.yaml");
                assertThat((String) e.get("reason")).contains("line");
                assertThat(e).containsEntry("outcome", "the running routes are unchanged");
            });
            kalshi.addFills(fills.between(Instant.now().minus(Duration.ofMinutes(1)), Instant.now(), 5));
            Eventually.equals(25L, this::stored, Duration.ofSeconds(30));

            // Back as it was: nothing to reload.
            edit("kalshi-account.yaml", "      from\n", "      from:\n");
            edit("kalshi-account.yaml", BATCH_SIZE, "completionSize: \"{{fills.batch.no-such-setting}}\"");
            Eventually.equals(2, () -> logs.events("routes_reload_refused").size(), Duration.ofSeconds(60));
            assertThat(logs.events("routes_reload_refused").get(1)).satisfies(e -> {
                assertThat((String) e.get("reason")).contains("fills.batch.no-such-setting");
                assertThat(e).containsEntry("outcome", "the routes that ran before are started again");
            });
            kalshi.addFills(fills.between(Instant.now().minus(Duration.ofMinutes(1)), Instant.now(), 5));
            Eventually.equals(30L, this::stored, Duration.ofSeconds(30));
            assertThat(ingester.context().getRoutes()).extracting(route -> route.getRouteId()).containsExactly("fills-poll-main", "fills-feed-main");
            assertThat(logs.events("routes_reloaded")).isEmpty();
        }
        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(30);
    }

    private static List<Map<String, Object>> insertedSince(CapturedLogs logs, int before) {
        List<Map<String, Object>> ingested = logs.events("fills_ingested");
        return ingested.subList(before, ingested.size());
    }

    @Test
    void a_file_written_in_two_steps_is_read_once_whole_not_half_written() throws Exception {
        kalshi.addFills(fills.between(Instant.now().minus(Duration.ofMinutes(30)), Instant.now(), 10));

        try (CapturedLogs logs = CapturedLogs.capture(); RunningIngester ingester = RunningIngester.startOnSchedule(settings())) {
            Eventually.equals(10L, this::stored, Duration.ofSeconds(30));
            Path accounts = routes.resolve("accounts.yaml");
            String whole = Files.readString(accounts) + "# the main account\n";
            // The first half parses: the account's entry without its parameters, which could not start.
            Files.writeString(accounts, whole.substring(0, whole.indexOf("    parameters:")));
            Thread.sleep(100); // the writer's own pause between its two writes
            Files.writeString(accounts, whole);

            Eventually.equals(1, () -> logs.events("routes_reloaded").size(), Duration.ofSeconds(30));
            kalshi.addFills(fills.between(Instant.now().minus(Duration.ofMinutes(1)), Instant.now(), 5));
            Eventually.equals(15L, this::stored, Duration.ofSeconds(30));
            assertThat(logs.events("routes_reloaded")).singleElement()
                    .satisfies(e -> assertThat(e.get("routes")).asString().contains("fills-poll-main"));
            assertThat(logs.events("routes_reload_refused")).as("the half-written file is never tried").isEmpty();
        }
    }

    private void edit(String file, String from, String to) throws Exception {
        Path path = routes.resolve(file);
        String content = Files.readString(path);
        assertThat(content).contains(from);
        Files.writeString(path, content.replace(from, to));
    }
}
