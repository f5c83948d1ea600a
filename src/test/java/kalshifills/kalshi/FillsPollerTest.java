package kalshifills.kalshi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import kalshifills.fill.FillNormalizer;
import kalshifills.status.PipelineStatus;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.SettableClock;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FillsPollerTest {

    private static final ObjectMapper JSON = KalshiJson.objectMapper();
    private final CamelContext camel = new DefaultCamelContext();
    private static final Clock NOON = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    private static final FillNormalizer NORMALIZER = new FillNormalizer(NOON);
    private static final Duration CUTOFF_MAX_AGE = Duration.ofMinutes(5);
    private final PollCheckpoint checkpoint = new PollCheckpoint(ids -> Set.of(), completeUntil -> { });
    private final FillsPoller poller = new FillsPoller("key/all/all", new FillsQuery(1000, null, null), Duration.ofHours(1), NOON, checkpoint,
            CUTOFF_MAX_AGE, 10, Duration.ofSeconds(5), new PipelineStatus("main", NOON, new SimpleMeterRegistry()));

    private FillsTick startTick(FillsPoller fillsPoller, Long completeUntilMillis) {
        Exchange exchange = new DefaultExchange(camel);
        fillsPoller.startTick(exchange, completeUntilMillis);
        return exchange.getProperty(FillsPoller.TICK, FillsTick.class);
    }

    @Test
    void without_a_checkpoint_a_poll_asks_for_all_fills() {
        FillsTick tick = startTick(poller, null);

        assertThat(poller.nextQuery(tick)).isEqualTo("limit=1000");
        assertThat(startTick(poller, 0L).minTs()).isNull();
    }

    @Test
    void a_poll_starts_an_overlap_before_the_last_complete_poll() {
        long completeUntil = Instant.parse("2026-11-24T11:30:00.999Z").toEpochMilli();

        FillsTick tick = startTick(poller, completeUntil);

        assertThat(tick.minTs()).isEqualTo(Instant.parse("2026-11-24T10:30:00Z").getEpochSecond());
        assertThat(poller.nextQuery(tick)).isEqualTo("limit=1000&min_ts=" + tick.minTs());
    }

    @Test
    void a_long_poll_reports_its_progress_every_ten_seconds() throws Exception {
        SettableClock moving = new SettableClock(NOON.instant());
        FillsPoller backfill = new FillsPoller("key/all/all", new FillsQuery(1000, null, null), Duration.ofHours(1), moving, checkpoint,
                CUTOFF_MAX_AGE, 10, Duration.ofSeconds(5), new PipelineStatus("main", moving, new SimpleMeterRegistry()));
        FillsTick tick = startTick(backfill, null);
        try (CapturedLogs logs = CapturedLogs.capture()) {
            for (int page = 1; page <= 25; page++) {
                moving.advance(Duration.ofSeconds(1));
                backfill.readPage(JSON.readTree("{\"fills\":[{},{}],\"cursor\":\"c" + page + "\"}"), tick);
            }

            assertThat(logs.events("fills_poll_progress")).extracting(e -> e.get("done")).containsExactly(20L, 40L);
            assertThat(logs.events("fills_poll_progress").get(1)).containsEntry("per_second", 2L).containsEntry("elapsed_s", 20L);
        }
    }

    @Test
    void a_checkpoint_ahead_of_the_clock_cannot_move_the_window_past_now() {
        FillsTick tick = startTick(poller, Instant.parse("2099-01-01T00:00:00Z").toEpochMilli());

        assertThat(tick.minTs()).isEqualTo(Instant.parse("2026-11-24T11:00:00Z").getEpochSecond());
    }

    /** A page through the poller as the route takes it: read, normalized, through the idempotent consumer. */
    private static void page(FillsPoller fillsPoller, FillsTick tick, String answer) throws Exception {
        fillsPoller.pageDone(NORMALIZER.normalizePage(fillsPoller.readPage(JSON.readTree(answer), tick)), tick);
    }

    private static String cutoffAnswer(String cutoff) {
        return "{\"market_settled_ts\":\"" + cutoff + "\",\"trades_created_ts\":\"" + cutoff + "\"}";
    }

    private static String fill(String id, Instant time, int subaccount) {
        return "{\"fill_id\":\"" + id + "\",\"ticker\":\"T\",\"outcome_side\":\"yes\",\"count_fp\":\"1.00\",\"yes_price_dollars\":\"0.5\","
                + "\"created_time\":\"" + time + "\",\"subaccount_number\":" + subaccount + "}";
    }

    @Test
    void every_page_repeats_the_filters_and_passes_the_cursor_back() throws Exception {
        FillsPoller filtered = new FillsPoller("key/3/KX HIGH&NY", new FillsQuery(50, 3, "KX HIGH&NY"), Duration.ZERO, NOON, checkpoint,
                CUTOFF_MAX_AGE, 10, Duration.ofSeconds(5), new PipelineStatus("main", NOON, new SimpleMeterRegistry()));
        FillsTick tick = startTick(filtered, Instant.parse("2026-11-24T11:50:00Z").toEpochMilli());

        page(filtered, tick, "{\"fills\":[{},{}],\"cursor\":\"c/1=\"}");

        assertThat(filtered.nextPath(tick)).isEqualTo("/portfolio/fills");
        assertThat(filtered.nextQuery(tick)).isEqualTo("limit=50&min_ts=1795521000&subaccount=3&ticker=KX+HIGH%26NY&cursor=c%2F1%3D");
        page(filtered, tick, "{\"fills\":[{}],\"cursor\":\"\"}");
        assertThat(tick.pages()).isEqualTo(2);
        assertThat(tick.fetched()).isEqualTo(3);
    }

    @Test
    void a_first_poll_reads_the_live_fills_then_the_cutoff_then_the_historical_fills_below_it_to_the_last_page() throws Exception {
        FillsTick tick = startTick(poller, null);
        List<String> requests = new ArrayList<>();

        requests.add(poller.nextPath(tick) + "?" + poller.nextQuery(tick));
        page(poller, tick, "{\"fills\":[" + fill("live", NOON.instant().minusSeconds(60), 0) + "],\"cursor\":\"\"}");
        requests.add(poller.nextPath(tick) + "?" + poller.nextQuery(tick));
        page(poller, tick, cutoffAnswer("2026-08-26T00:00:00Z"));
        requests.add(poller.nextPath(tick) + "?" + poller.nextQuery(tick));
        page(poller, tick, "{\"fills\":[" + fill("old-1", Instant.parse("2026-08-01T00:00:00Z"), 0) + "],\"cursor\":\"h2\"}");
        requests.add(poller.nextPath(tick) + "?" + poller.nextQuery(tick));
        page(poller, tick, "{\"fills\":[" + fill("old-2", Instant.parse("2025-01-01T00:00:00Z"), 0) + "],\"cursor\":\"\"}");

        assertThat(requests).containsExactly("/portfolio/fills?limit=1000", "/historical/cutoff?null",
                "/historical/fills?limit=1000&max_ts=1787702401", "/historical/fills?limit=1000&max_ts=1787702401&cursor=h2");
        assertThat(poller.hasNextRequest(tick)).isFalse();
        assertThat(tick.historicalPages()).isEqualTo(2);
    }

    @Test
    void a_poll_whose_window_starts_after_the_cutoff_asks_for_it_only_when_the_last_reading_is_too_old() throws Exception {
        SettableClock moving = new SettableClock(NOON.instant());
        FillsPoller polling = new FillsPoller("key/all/all", new FillsQuery(1000, null, null), Duration.ofHours(1), moving, checkpoint,
                CUTOFF_MAX_AGE, 10, Duration.ofSeconds(5), new PipelineStatus("main", moving, new SimpleMeterRegistry()));
        long lastComplete = NOON.instant().minusSeconds(10).toEpochMilli();
        String emptyPage = "{\"fills\":[],\"cursor\":\"\"}";

        FillsTick first = startTick(polling, lastComplete);
        page(polling, first, emptyPage);
        assertThat(polling.nextPath(first)).as("no reading yet").isEqualTo("/historical/cutoff");
        page(polling, first, cutoffAnswer("2026-08-26T00:00:00Z"));
        assertThat(polling.hasNextRequest(first)).as("the window starts three months after the cutoff").isFalse();

        moving.advance(CUTOFF_MAX_AGE);
        FillsTick second = startTick(polling, lastComplete);
        page(polling, second, emptyPage);
        assertThat(polling.hasNextRequest(second)).as("a reading as old as the limit is still trusted").isFalse();

        moving.advance(Duration.ofSeconds(1));
        FillsTick third = startTick(polling, lastComplete);
        page(polling, third, emptyPage);
        assertThat(polling.nextPath(third)).isEqualTo("/historical/cutoff");
    }

    @Test
    void a_window_starting_before_the_cutoff_always_reads_it_again_and_stops_at_the_first_historical_page_older_than_the_window()
            throws Exception {
        long movedBack = Instant.parse("2026-08-20T00:00:00Z").toEpochMilli();
        FillsTick first = startTick(poller, movedBack);
        page(poller, first, "{\"fills\":[],\"cursor\":\"\"}");
        page(poller, first, cutoffAnswer("2026-08-26T00:00:00Z"));
        assertThat(poller.nextPath(first)).isEqualTo("/historical/fills");

        FillsTick second = startTick(poller, movedBack);
        page(poller, second, "{\"fills\":[],\"cursor\":\"\"}");
        assertThat(poller.nextPath(second)).as("a fresh reading, though the last is seconds old").isEqualTo("/historical/cutoff");
        page(poller, second, cutoffAnswer("2026-08-27T00:00:00Z"));
        assertThat(poller.nextQuery(second)).isEqualTo("limit=1000&max_ts=" + (Instant.parse("2026-08-27T00:00:00Z").getEpochSecond() + 1));
        page(poller, second, "{\"fills\":[" + fill("in-window", Instant.parse("2026-08-22T00:00:00Z"), 0) + "],\"cursor\":\"h2\"}");
        assertThat(poller.hasNextRequest(second)).isTrue();
        page(poller, second, "{\"fills\":[" + fill("before-window", Instant.parse("2026-08-19T00:00:00Z"), 0) + "],\"cursor\":\"h3\"}");
        assertThat(poller.hasNextRequest(second)).as("newest first: the pages after it are older still").isFalse();
    }

    @Test
    void the_historical_endpoint_cannot_filter_by_subaccount_so_its_fills_are_filtered_here() throws Exception {
        FillsPoller third = new FillsPoller("key/3/all", new FillsQuery(1000, 3, null), Duration.ZERO, NOON, checkpoint,
                CUTOFF_MAX_AGE, 10, Duration.ofSeconds(5), new PipelineStatus("main", NOON, new SimpleMeterRegistry()));
        FillsPoller primary = new FillsPoller("key/0/all", new FillsQuery(1000, 0, null), Duration.ZERO, NOON, checkpoint,
                CUTOFF_MAX_AGE, 10, Duration.ofSeconds(5), new PipelineStatus("main", NOON, new SimpleMeterRegistry()));
        String historical = "{\"fills\":[" + fill("of-3", Instant.parse("2026-08-01T00:00:00Z"), 3) + ","
                + fill("of-0", Instant.parse("2026-08-01T00:00:00Z"), 0) + ","
                + "{\"fill_id\":\"of-none\",\"subaccount_number\":null}],\"cursor\":\"\"}";

        for (FillsPoller filtered : List.of(third, primary)) {
            FillsTick tick = startTick(filtered, null);
            page(filtered, tick, "{\"fills\":[],\"cursor\":\"\"}");
            page(filtered, tick, cutoffAnswer("2026-08-26T00:00:00Z"));
            assertThat(filtered.nextQuery(tick)).doesNotContain("subaccount");
            assertThat(filtered.readPage(JSON.readTree(historical), tick)).extracting(f -> f.get("fill_id").asText())
                    .containsExactlyElementsOf(filtered == third ? List.of("of-3") : List.of("of-0", "of-none"));
        }
    }

    @Test
    void a_cutoff_answer_without_trades_created_ts_fails_the_poll_saying_what_came() throws Exception {
        FillsTick tick = startTick(poller, null);
        page(poller, tick, "{\"fills\":[],\"cursor\":\"\"}");

        assertThatThrownBy(() -> poller.readPage(JSON.readTree("{\"market_settled_ts\":\"2026-08-26T00:00:00Z\"}"), tick))
                .isInstanceOf(KalshiResponseException.class)
                .hasMessage("the historical cutoff endpoint answered without an RFC 3339 'trades_created_ts': "
                        + "{\"market_settled_ts\":\"2026-08-26T00:00:00Z\"}");
    }

    @Test
    void a_null_or_missing_cursor_ends_the_live_part() throws Exception {
        FillsTick tick = startTick(poller, 0L);
        page(poller, tick, "{\"fills\":[],\"cursor\":null}");
        assertThat(poller.nextPath(tick)).isEqualTo("/historical/cutoff");

        FillsTick other = startTick(poller, 0L);
        page(poller, other, "{\"fills\":[]}");
        assertThat(poller.nextPath(other)).isEqualTo("/historical/cutoff");
    }

    @Test
    void a_page_without_a_fills_list_fails_the_poll_saying_what_came() throws Exception {
        FillsTick tick = startTick(poller, 0L);

        assertThatThrownBy(() -> poller.readPage(JSON.readTree("{\"fills\":{\"a\":1},\"cursor\":\"\"}"), tick))
                .isInstanceOf(KalshiResponseException.class)
                .hasMessage("the fills endpoint answered 200 without a 'fills' list: {\"fills\":{\"a\":1},\"cursor\":\"\"}");
    }

    @Test
    void a_cursor_given_twice_stops_the_poll_instead_of_looping() throws Exception {
        FillsTick tick = startTick(poller, 0L);
        poller.readPage(JSON.readTree("{\"fills\":[{}],\"cursor\":\"same\"}"), tick);

        assertThatThrownBy(() -> poller.readPage(JSON.readTree("{\"fills\":[{}],\"cursor\":\"same\"}"), tick))
                .isInstanceOf(KalshiResponseException.class)
                .hasMessageContaining("returned the cursor of an earlier page again after 2 pages");
    }

    @Test
    void kalshi_limits_are_checked_when_configured() {
        assertThatThrownBy(() -> new FillsQuery(1001, null, null)).hasMessage("page limit 1001 is outside Kalshi's 1 to 1000");
        assertThatThrownBy(() -> new FillsQuery(100, 64, null)).hasMessage("subaccount 64 is outside Kalshi's 0 to 63");
    }
}
