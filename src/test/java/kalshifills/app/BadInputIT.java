package kalshifills.app;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.Eventually;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page with one fill of every bad kind among good ones, served on every poll: each bad fill is kept once in the rejects
 * table with its reason and its JSON, logged once, and the good fills are stored.
 */
class BadInputIT extends SimulatedAccountTest {

    private static final Instant NOW = Instant.now();

    /** A fill good in every way but the ones a case changes. */
    private static ObjectNode good(String id) {
        return JsonNodeFactory.instance.objectNode().put("fill_id", id).put("ticker", "KXHIGHNY-26AUG18-B85.5").put("side", "yes")
                .put("action", "buy").put("count_fp", "2.00").put("yes_price_dollars", "0.4200").put("ts", NOW.minusSeconds(60).getEpochSecond());
    }

    private static SimulatedFill served(ObjectNode fill) {
        return new SimulatedFill(fill.toString(), NOW.minusSeconds(60).getEpochSecond(), "KXHIGHNY-26AUG18-B85.5", 0);
    }

    /** Each bad kind the issue names, with the start of the reason it is kept with. */
    private static final Map<ObjectNode, String> BAD = Map.of(
            removed(good("bad-no-market"), "ticker"), "the fill has no market",
            good("bad-zero-count").put("count_fp", "0.00"), "count is 0.00; expected a positive number of contracts",
            good("bad-negative-count").put("count_fp", "-5"), "count is -5; expected a positive number of contracts",
            good("bad-price").put("yes_price_dollars", "1.2000"), "yes price is 1.2000 dollars; expected 0 to 1",
            good("bad-number").put("count_fp", "two"), "'count_fp' is \"two\"; expected a decimal number",
            good("bad-future").put("ts", NOW.plus(Duration.ofDays(400)).getEpochSecond()), "ts is ",
            good("bad-ancient").put("ts", 1_262_304_000L), "ts is 2010-01-01T00:00:00Z, before 2020",
            good("bad-huge").put("ticker", "X".repeat(1 << 20)), "'ticker' is \"XXXX",
            good("bad-control").put("ticker", "KX\u0000HIGH"), "'ticker' is \"KX\\u0000HIGH\"; expected text without control characters",
            good("good-looking").put("fill_id", "'); DROP TABLE kalshi.mm_fills; --"), "'fill_id' is \"'); DROP TABLE kalshi.mm_fills; --\"");

    private static ObjectNode removed(ObjectNode fill, String field) {
        fill.remove(field);
        return fill;
    }

    @Test
    void every_bad_fill_is_kept_once_with_its_reason_and_the_rest_of_its_page_is_stored() throws Exception {
        try (CapturedLogs logs = CapturedLogs.capture()) {
            kalshi.addFills(new SimulatedFills(10).between(NOW.minus(Duration.ofMinutes(20)), NOW.minus(Duration.ofMinutes(2)), 20));
            kalshi.addFills(BAD.keySet().stream().map(BadInputIT::served).toList());
            Map<String, String> settings = settings();
            settings.put("fills.batch.timeout-ms", "200");

            try (RunningIngester ingester = RunningIngester.start(settings)) {
                for (int poll = 0; poll < 3; poll++) {
                    ingester.tick();
                }
                Eventually.equals(20L, this::stored, Duration.ofSeconds(20));
            }
            try (RunningIngester restarted = RunningIngester.start(settings)) {
                restarted.tick();
            }

            assertThat(logs.events("fills_poll_failed")).isEmpty();
            assertThat(logs.events("fills_rejected")).as("logged once each, over 4 polls and a restart").hasSize(BAD.size());
            assertThat(stored()).isEqualTo(20);
            assertThat(clickHouse.queryLong("SELECT count() FROM " + table + "_rejected")).as("kept once each, without FINAL").isEqualTo(BAD.size());
            List<List<Object>> rejects = clickHouse.rows("SELECT reason, raw_json, fill_id, received_at FROM " + table + "_rejected");
            for (Map.Entry<ObjectNode, String> bad : BAD.entrySet()) {
                String rawJson = bad.getKey().toString();
                assertThat(rejects).as(bad.getValue()).anySatisfy(row -> {
                    assertThat((String) row.get(0)).startsWith(bad.getValue());
                    assertThat(row.get(1)).isEqualTo(rawJson);
                    assertThat(row.get(3)).isNotNull();
                });
            }
            assertThat(rejects).extracting(row -> row.get(2)).contains("bad-zero-count", "bad-huge", "").doesNotContain("'); DROP TABLE kalshi.mm_fills; --");
        }
    }
}
