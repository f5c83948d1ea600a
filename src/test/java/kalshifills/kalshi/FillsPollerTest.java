package kalshifills.kalshi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
    private final PollCheckpoint checkpoint = new PollCheckpoint(ids -> Set.of(), completeUntil -> { });
    private final FillsPoller poller = new FillsPoller("key/all/all", new FillsQuery(1000, null, null), Duration.ofHours(1), NOON, checkpoint,
            new PipelineStatus("main", NOON, new SimpleMeterRegistry()));

    private FillsTick startTick(FillsPoller fillsPoller, Long completeUntilMillis) {
        Exchange exchange = new DefaultExchange(camel);
        fillsPoller.startTick(exchange, completeUntilMillis);
        return exchange.getProperty(FillsPoller.TICK, FillsTick.class);
    }

    @Test
    void without_a_checkpoint_a_poll_asks_for_all_fills() {
        FillsTick tick = startTick(poller, null);

        assertThat(poller.nextPageQuery(tick)).isEqualTo("limit=1000");
        assertThat(startTick(poller, 0L).minTs()).isNull();
    }

    @Test
    void a_poll_starts_an_overlap_before_the_last_complete_poll() {
        long completeUntil = Instant.parse("2026-11-24T11:30:00.999Z").toEpochMilli();

        FillsTick tick = startTick(poller, completeUntil);

        assertThat(tick.minTs()).isEqualTo(Instant.parse("2026-11-24T10:30:00Z").getEpochSecond());
        assertThat(poller.nextPageQuery(tick)).isEqualTo("limit=1000&min_ts=" + tick.minTs());
    }

    @Test
    void a_long_poll_reports_its_progress_every_ten_seconds() throws Exception {
        SettableClock moving = new SettableClock(NOON.instant());
        FillsPoller backfill = new FillsPoller("key/all/all", new FillsQuery(1000, null, null), Duration.ofHours(1), moving, checkpoint,
                new PipelineStatus("main", moving, new SimpleMeterRegistry()));
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

    @Test
    void every_page_repeats_the_filters_and_passes_the_cursor_back() throws Exception {
        FillsPoller filtered = new FillsPoller("key/3/KX HIGH&NY", new FillsQuery(50, 3, "KX HIGH&NY"), Duration.ZERO, NOON, checkpoint,
                new PipelineStatus("main", NOON, new SimpleMeterRegistry()));
        FillsTick tick = startTick(filtered, Instant.parse("2026-11-24T11:50:00Z").toEpochMilli());

        filtered.readPage(JSON.readTree("{\"fills\":[{},{}],\"cursor\":\"c/1=\"}"), tick);

        assertThat(filtered.hasNextPage(tick)).isTrue();
        assertThat(filtered.nextPageQuery(tick)).isEqualTo("limit=50&min_ts=1795521000&subaccount=3&ticker=KX+HIGH%26NY&cursor=c%2F1%3D");
        filtered.readPage(JSON.readTree("{\"fills\":[{}],\"cursor\":\"\"}"), tick);
        assertThat(filtered.hasNextPage(tick)).isFalse();
        assertThat(tick.pages()).isEqualTo(2);
        assertThat(tick.fetched()).isEqualTo(3);
    }

    @Test
    void a_null_or_missing_cursor_ends_the_poll() throws Exception {
        FillsTick tick = startTick(poller, 0L);
        poller.readPage(JSON.readTree("{\"fills\":[],\"cursor\":null}"), tick);
        assertThat(poller.hasNextPage(tick)).isFalse();

        FillsTick other = startTick(poller, 0L);
        poller.readPage(JSON.readTree("{\"fills\":[]}"), other);
        assertThat(poller.hasNextPage(other)).isFalse();
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
