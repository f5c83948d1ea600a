package kalshifills.kalshi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.fill.FillNormalizer;
import kalshifills.status.Progress;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.SettableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The requests of one poll: which endpoint, which page, with which filters, around Kalshi's historical cutoff. */
class FillsTickTest {

    private static final ObjectMapper JSON = KalshiJson.objectMapper();
    private static final Clock NOON = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    private static final FillNormalizer NORMALIZER = new FillNormalizer(NOON);
    private static final Duration CUTOFF_MAX_AGE = Duration.ofMinutes(5);
    private static final FillsQuery ALL = new FillsQuery(1000, null, null);

    private final HistoricalCutoff cutoff = new HistoricalCutoff(CUTOFF_MAX_AGE, NOON);

    private static FillsTick tick(Long minTs) {
        return new FillsTick(NOON.instant(), minTs, new Progress("fills_poll", 0, Duration.ofSeconds(10), NOON));
    }

    /** An answer through the tick as the account takes it: a page read, normalized and checked; or the cutoff read. */
    private void answer(FillsTick tick, HistoricalCutoff cutoffs, String answer) throws Exception {
        if (tick.part() == FillsTick.Part.CUTOFF) {
            Instant read = HistoricalCutoff.in(JSON.readTree(answer));
            cutoffs.read(read);
            tick.cutoffRead(read, cutoffs.historicalNeeded(tick.minTs()));
        } else {
            tick.pageChecked(NORMALIZER.normalizePage(tick.pageRead(JSON.readTree(answer))), cutoffs);
        }
    }

    private static String request(FillsTick tick, FillsQuery filters) {
        return tick.path() + "?" + tick.query(filters);
    }

    private static String cutoffAnswer(String cutoff) {
        return "{\"market_settled_ts\":\"" + cutoff + "\",\"trades_created_ts\":\"" + cutoff + "\"}";
    }

    private static String fill(String id, Instant time) {
        return "{\"fill_id\":\"" + id + "\",\"ticker\":\"T\",\"outcome_side\":\"yes\",\"count_fp\":\"1.00\",\"yes_price_dollars\":\"0.5\","
                + "\"created_time\":\"" + time + "\",\"subaccount_number\":0}";
    }

    private static final String LAST_EMPTY_PAGE = "{\"fills\":[],\"cursor\":\"\"}";

    @Test
    void the_share_of_the_window_covered_goes_from_the_polls_start_back_to_the_oldest_fill_reached() throws Exception {
        FillsTick windowed = tick(NOON.instant().minus(Duration.ofDays(4)).getEpochSecond());
        assertThat(windowed.windowCovered()).isZero();
        answer(windowed, cutoff, "{\"fills\":[" + fill("a", NOON.instant().minus(Duration.ofHours(2))) + ","
                + fill("b", NOON.instant().minus(Duration.ofDays(1))) + "],\"cursor\":\"next\"}");

        assertThat(windowed.oldestFill()).isEqualTo(NOON.instant().minus(Duration.ofDays(1)));
        assertThat(windowed.windowCovered()).isEqualTo(0.25);

        FillsTick firstRun = tick(null);
        answer(firstRun, cutoff, "{\"fills\":[" + fill("c", NOON.instant().minus(Duration.ofDays(1))) + "],\"cursor\":\"next\"}");
        assertThat(firstRun.windowCovered()).as("everything Kalshi has: no start to measure against").isNull();
        assertThat(firstRun.oldestFill()).isEqualTo(NOON.instant().minus(Duration.ofDays(1)));
    }

    @Test
    void every_page_repeats_the_filters_and_passes_the_cursor_back() throws Exception {
        FillsQuery filtered = new FillsQuery(50, 3, "KX HIGH&NY");
        FillsTick tick = tick(Instant.parse("2026-11-24T11:50:00Z").getEpochSecond());

        answer(tick, cutoff, "{\"fills\":[{},{}],\"cursor\":\"c/1=\"}");

        assertThat(request(tick, filtered)).isEqualTo("/portfolio/fills?limit=50&min_ts=1795521000&subaccount=3&ticker=KX+HIGH%26NY&cursor=c%2F1%3D");
        answer(tick, cutoff, "{\"fills\":[{}],\"cursor\":\"\"}");
        assertThat(tick.pages()).isEqualTo(2);
        assertThat(tick.fetched()).isEqualTo(3);
    }

    @Test
    void a_first_poll_reads_the_live_fills_then_the_cutoff_then_the_historical_fills_below_it_to_the_last_page() throws Exception {
        FillsTick tick = tick(null);
        List<String> requests = new ArrayList<>();

        requests.add(request(tick, ALL));
        answer(tick, cutoff, "{\"fills\":[" + fill("live", NOON.instant().minusSeconds(60)) + "],\"cursor\":\"\"}");
        requests.add(request(tick, ALL));
        answer(tick, cutoff, cutoffAnswer("2026-08-26T00:00:00Z"));
        requests.add(request(tick, ALL));
        answer(tick, cutoff, "{\"fills\":[" + fill("old-1", Instant.parse("2026-08-01T00:00:00Z")) + "],\"cursor\":\"h2\"}");
        requests.add(request(tick, ALL));
        answer(tick, cutoff, "{\"fills\":[" + fill("old-2", Instant.parse("2025-01-01T00:00:00Z")) + "],\"cursor\":\"\"}");

        assertThat(requests).containsExactly("/portfolio/fills?limit=1000", "/historical/cutoff?null",
                "/historical/fills?limit=1000&max_ts=1787702401", "/historical/fills?limit=1000&max_ts=1787702401&cursor=h2");
        assertThat(tick.hasNextRequest()).isFalse();
        assertThat(tick.historicalPages()).isEqualTo(2);
    }

    @Test
    void a_poll_whose_window_starts_after_the_cutoff_asks_for_it_only_when_the_last_reading_is_too_old() throws Exception {
        SettableClock moving = new SettableClock(NOON.instant());
        HistoricalCutoff cutoffs = new HistoricalCutoff(CUTOFF_MAX_AGE, moving);
        long windowStart = NOON.instant().minus(Duration.ofHours(1)).getEpochSecond();

        FillsTick first = tick(windowStart);
        answer(first, cutoffs, LAST_EMPTY_PAGE);
        assertThat(first.path()).as("no reading yet").isEqualTo("/historical/cutoff");
        answer(first, cutoffs, cutoffAnswer("2026-08-26T00:00:00Z"));
        assertThat(first.hasNextRequest()).as("the window starts three months after the cutoff").isFalse();

        moving.advance(CUTOFF_MAX_AGE);
        FillsTick second = tick(windowStart);
        answer(second, cutoffs, LAST_EMPTY_PAGE);
        assertThat(second.hasNextRequest()).as("a reading as old as the limit is still trusted").isFalse();

        moving.advance(Duration.ofSeconds(1));
        FillsTick third = tick(windowStart);
        answer(third, cutoffs, LAST_EMPTY_PAGE);
        assertThat(third.path()).isEqualTo("/historical/cutoff");
    }

    @Test
    void a_window_starting_before_the_cutoff_always_reads_it_again_and_stops_at_the_first_historical_page_older_than_the_window()
            throws Exception {
        long movedBack = Instant.parse("2026-08-20T00:00:00Z").getEpochSecond();
        FillsTick first = tick(movedBack);
        answer(first, cutoff, LAST_EMPTY_PAGE);
        answer(first, cutoff, cutoffAnswer("2026-08-26T00:00:00Z"));
        assertThat(first.path()).isEqualTo("/historical/fills");

        FillsTick second = tick(movedBack);
        answer(second, cutoff, LAST_EMPTY_PAGE);
        assertThat(second.path()).as("a fresh reading, though the last is seconds old").isEqualTo("/historical/cutoff");
        answer(second, cutoff, cutoffAnswer("2026-08-27T00:00:00Z"));
        assertThat(second.query(ALL)).isEqualTo("limit=1000&max_ts=" + (Instant.parse("2026-08-27T00:00:00Z").getEpochSecond() + 1));
        answer(second, cutoff, "{\"fills\":[" + fill("in-window", Instant.parse("2026-08-22T00:00:00Z")) + "],\"cursor\":\"h2\"}");
        assertThat(second.hasNextRequest()).isTrue();
        answer(second, cutoff, "{\"fills\":[" + fill("before-window", Instant.parse("2026-08-19T00:00:00Z")) + "],\"cursor\":\"h3\"}");
        assertThat(second.hasNextRequest()).as("newest first: the pages after it are older still").isFalse();
    }

    @Test
    void the_historical_endpoint_cannot_filter_by_subaccount_so_its_fills_are_filtered_here() throws Exception {
        FillsQuery third = new FillsQuery(1000, 3, null);
        FillsQuery primary = new FillsQuery(1000, 0, null);
        String historical = "[{\"fill_id\":\"of-3\",\"subaccount_number\":3},{\"fill_id\":\"of-0\",\"subaccount_number\":0},"
                + "{\"fill_id\":\"of-none\",\"subaccount_number\":null},{\"fill_id\":\"ws-3\",\"subaccount\":3}]";

        FillsTick tick = tick(null);
        answer(tick, cutoff, LAST_EMPTY_PAGE);
        answer(tick, cutoff, cutoffAnswer("2026-08-26T00:00:00Z"));
        assertThat(tick.query(third)).doesNotContain("subaccount");
        List<JsonNode> fills = StreamSupport.stream(JSON.readTree(historical).spliterator(), false).toList();
        List<String> ofThird = fills.stream().filter(third::selects).map(f -> f.get("fill_id").asText()).toList();
        List<String> ofPrimary = fills.stream().filter(primary::selects).map(f -> f.get("fill_id").asText()).toList();
        assertThat(ofThird).containsExactly("of-3", "ws-3");
        assertThat(ofPrimary).containsExactly("of-0", "of-none");
    }

    @Test
    void a_cutoff_answer_without_trades_created_ts_fails_the_poll_saying_what_came() {
        assertThatThrownBy(() -> HistoricalCutoff.in(JSON.readTree("{\"market_settled_ts\":\"2026-08-26T00:00:00Z\"}")))
                .isInstanceOf(KalshiResponseException.class)
                .hasMessage("the historical cutoff endpoint answered without an RFC 3339 'trades_created_ts': "
                        + "{\"market_settled_ts\":\"2026-08-26T00:00:00Z\"}");
    }

    @Test
    void a_null_or_missing_cursor_ends_the_live_part() throws Exception {
        FillsTick tick = tick(0L);
        answer(tick, cutoff, "{\"fills\":[],\"cursor\":null}");
        assertThat(tick.path()).isEqualTo("/historical/cutoff");

        FillsTick other = tick(0L);
        answer(other, cutoff, "{\"fills\":[]}");
        assertThat(other.path()).isEqualTo("/historical/cutoff");
    }

    @Test
    void a_long_poll_reports_its_progress_every_ten_seconds() throws Exception {
        SettableClock moving = new SettableClock(NOON.instant());
        FillsTick backfill = new FillsTick(NOON.instant(), null, new Progress("fills_poll", 0, Duration.ofSeconds(10), moving));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            for (int page = 1; page <= 25; page++) {
                moving.advance(Duration.ofSeconds(1));
                backfill.pageRead(JSON.readTree("{\"fills\":[{},{}],\"cursor\":\"c" + page + "\"}"));
            }

            assertThat(logs.events("fills_poll_progress")).extracting(e -> e.get("done")).containsExactly(20L, 40L);
            assertThat(logs.events("fills_poll_progress").get(1)).containsEntry("per_second", 2L).containsEntry("elapsed_s", 20L);
        }
    }

    @Test
    void a_page_without_a_fills_list_fails_the_poll_saying_what_came() {
        assertThatThrownBy(() -> tick(0L).pageRead(JSON.readTree("{\"fills\":{\"a\":1},\"cursor\":\"\"}")))
                .isInstanceOf(KalshiResponseException.class)
                .hasMessage("the fills endpoint answered 200 without a 'fills' list: {\"fills\":{\"a\":1},\"cursor\":\"\"}");
    }

    @Test
    void a_cursor_given_twice_stops_the_poll_instead_of_looping() throws Exception {
        FillsTick tick = tick(0L);
        tick.pageRead(JSON.readTree("{\"fills\":[{}],\"cursor\":\"same\"}"));

        assertThatThrownBy(() -> tick.pageRead(JSON.readTree("{\"fills\":[{}],\"cursor\":\"same\"}")))
                .isInstanceOf(KalshiResponseException.class)
                .hasMessageContaining("returned the cursor of an earlier page again after 2 pages");
    }

    @Test
    void kalshi_limits_are_checked_when_configured() {
        assertThatThrownBy(() -> new FillsQuery(1001, null, null)).hasMessage("page limit 1001 is outside Kalshi's 1 to 1000");
        assertThatThrownBy(() -> new FillsQuery(100, 64, null)).hasMessage("subaccount 64 is outside Kalshi's 0 to 63");
    }
}
