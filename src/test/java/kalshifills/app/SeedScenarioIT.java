package kalshifills.app;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.fill.FillId;
import kalshifills.kalshi.KalshiJson;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.Eventually;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The specification's scenario, against the real ClickHouse and the simulated Kalshi API: the API returns the same 55
 * fills on every tick for an hour of 10 s ticks, then 5 new ones. The old ingester stored 427 rows for 55 fills.
 */
class SeedScenarioIT extends SimulatedAccountTest {

    private static final ObjectMapper JSON = KalshiJson.objectMapper();
    private static final int TICKS_IN_AN_HOUR = 360;

    private final SimulatedFills fills = new SimulatedFills(55);

    @Override
    protected Map<String, String> settings() {
        Map<String, String> settings = super.settings();
        settings.put("kalshi.fills.page-limit", "20");
        settings.put("fills.batch.timeout-ms", "200");
        return settings;
    }

    @Test
    void the_same_55_fills_on_every_tick_for_an_hour_then_5_new_ones_are_60_rows() throws Exception {
        Instant now = Instant.now();
        List<SimulatedFill> first55 = fills.between(now.minus(Duration.ofMinutes(50)), now.minus(Duration.ofMinutes(2)), 55);
        kalshi.addFills(first55);

        try (CapturedLogs logs = CapturedLogs.capture(); RunningIngester ingester = RunningIngester.start(settings())) {
            for (int tick = 0; tick < TICKS_IN_AN_HOUR; tick++) {
                ingester.tick();
            }
            Eventually.equals(55L, () -> clickHouse.queryLong("SELECT count() FROM " + table), Duration.ofSeconds(20));

            List<SimulatedFill> next5 = fills.between(now.minusSeconds(50), now.minusSeconds(10), 5);
            kalshi.addFills(next5);
            ingester.tick();
            Eventually.equals(60L, () -> clickHouse.queryLong("SELECT count() FROM " + table), Duration.ofSeconds(20));
            ingester.tick();

            assertThat(kalshi.queries()).hasSize((TICKS_IN_AN_HOUR + 2) * 3).allMatch(q -> q.startsWith("limit=20"));
            assertThat(storedTimes()).isEqualTo(ownTimes(first55, next5));
            assertSeedValidationQueriesPass();

            List<Map<String, Object>> deduped = logs.events("fills_deduped");
            assertThat(deduped).hasSize(TICKS_IN_AN_HOUR + 2);
            assertThat(deduped.get(0)).containsEntry("total_rows", 55).containsEntry("new_rows", 55).containsEntry("duplicates_filtered", 0);
            assertThat(deduped.subList(1, TICKS_IN_AN_HOUR)).allSatisfy(event -> assertThat(event)
                    .containsEntry("total_rows", 55).containsEntry("new_rows", 0).containsEntry("duplicates_filtered", 55));
            assertThat(deduped.get(TICKS_IN_AN_HOUR)).containsEntry("total_rows", 60).containsEntry("new_rows", 5).containsEntry("duplicates_filtered", 55);
            assertThat(deduped.get(TICKS_IN_AN_HOUR + 1)).containsEntry("new_rows", 0).containsEntry("duplicates_filtered", 60);
            assertThat(logs.events("fills_ingested")).extracting(e -> e.get("count")).containsExactly(55, 5);
            // Three live pages each tick; a tick with no checkpoint yet also reads the (empty) historical side.
            assertThat(logs.events("fill_pipeline_stats")).allSatisfy(e -> assertThat(e)
                    .containsEntry("pages", e.get("min_ts") == null ? 4 : 3).containsEntry("historical_pages", e.get("min_ts") == null ? 1 : 0));
        }
    }

    @Test
    void a_restarted_service_starts_an_overlap_before_its_last_complete_poll_and_stores_nothing_twice() throws Exception {
        Instant now = Instant.now();
        kalshi.addFills(fills.between(now.minus(Duration.ofMinutes(50)), now.minus(Duration.ofMinutes(2)), 55));
        String pollState = table + "_poll_state";
        Map<String, String> settings = settings();
        Instant beforeFirstPoll = Instant.now();
        try (RunningIngester first = RunningIngester.start(settings)) {
            first.tick();
            Eventually.equals(1L, () -> clickHouse.queryLong("SELECT count() FROM " + pollState), Duration.ofSeconds(20));
        }
        List<Object> checkpoint = clickHouse.rows("SELECT poll_key, toUnixTimestamp64Milli(complete_until) FROM " + pollState).get(0);
        assertThat(checkpoint.get(0)).isEqualTo(TestKeys.KEY_ID + "/all/all");
        long completeUntil = (Long) checkpoint.get(1);
        assertThat(completeUntil).isBetween(beforeFirstPoll.toEpochMilli(), Instant.now().toEpochMilli());

        try (CapturedLogs logs = CapturedLogs.capture(); RunningIngester restarted = RunningIngester.start(settings)) {
            restarted.tick();

            assertThat(kalshi.queries().get(kalshi.queries().size() - 3)).isEqualTo("limit=20&min_ts=" + (completeUntil / 1000 - 3600));
            assertThat(logs.events("fills_deduped")).singleElement().satisfies(e -> assertThat(e).containsEntry("new_rows", 0));
        }
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).isEqualTo(55);
    }

    private Map<String, Long> storedTimes() {
        Map<String, Long> stored = new HashMap<>();
        for (List<Object> row : clickHouse.rows("SELECT fill_id, toUnixTimestamp64Milli(ts) FROM " + table)) {
            stored.put((String) row.get(0), ((Number) row.get(1)).longValue());
        }
        return stored;
    }

    @SafeVarargs
    private static Map<String, Long> ownTimes(List<SimulatedFill>... served) throws Exception {
        Map<String, Long> expected = new HashMap<>();
        for (List<SimulatedFill> list : served) {
            for (SimulatedFill fill : list) {
                expected.put(FillId.of(JSON.readTree(fill.json())), fill.epochSeconds() * 1000);
            }
        }
        return expected;
    }

    /** The specification's validation queries, run as written there, and its success criteria; results in the test's output file. */
    private void assertSeedValidationQueriesPass() {
        List<Object> spread = clickHouse.rows("""
                SELECT count(*) AS total, min(ts) AS oldest_fill, max(ts) AS newest_fill,
                       dateDiff('minute', min(ts), max(ts)) AS time_span_minutes
                FROM %s WHERE ts > now() - INTERVAL 1 HOUR""".formatted(table)).get(0);
        assertThat(((Number) spread.get(0)).longValue()).isEqualTo(60);
        assertThat(((Number) spread.get(3)).longValue()).as("time_span_minutes").isGreaterThan(1);

        List<Object> ids = clickHouse.rows("""
                SELECT count() AS total, sum(fill_id = '') AS blank_ids, sum(fill_id IS NULL) AS null_ids
                FROM %s WHERE ts > now() - INTERVAL 1 HOUR""".formatted(table)).get(0);
        assertThat(((Number) ids.get(1)).longValue()).as("blank_ids").isZero();
        assertThat(((Number) ids.get(2)).longValue()).as("null_ids").isZero();

        List<Object> uniqueness = clickHouse.rows("""
                SELECT uniqExact(fill_id) AS unique_fills, count() AS total_rows,
                       round(100.0 * uniqExact(fill_id) / count(), 1) AS uniqueness_pct
                FROM %s WHERE ts > now() - INTERVAL 1 HOUR""".formatted(table)).get(0);
        assertThat(((Number) uniqueness.get(0)).longValue()).isEqualTo(((Number) uniqueness.get(1)).longValue());
        assertThat(((Number) uniqueness.get(2)).doubleValue()).as("uniqueness_pct").isEqualTo(100.0);

        long fillsLastHour = clickHouse.queryLong("SELECT count() AS fills_last_hour FROM %s WHERE ts > now() - INTERVAL 1 HOUR".formatted(table));
        assertThat(fillsLastHour).as("volume matches the API").isEqualTo(kalshi.fillCount());

        System.out.printf("seed validation: 1. total=%s oldest_fill=%s newest_fill=%s time_span_minutes=%s%n", spread.toArray());
        System.out.printf("seed validation: 2. total=%s blank_ids=%s null_ids=%s%n", ids.toArray());
        System.out.printf("seed validation: 3. unique_fills=%s total_rows=%s uniqueness_pct=%s%n", uniqueness.toArray());
        System.out.printf("seed validation: 4. fills_last_hour=%d (API fills: %d)%n", fillsLastHour, kalshi.fillCount());
    }
}
