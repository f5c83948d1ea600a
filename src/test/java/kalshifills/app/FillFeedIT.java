package kalshifills.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFillFeed;
import kalshifills.simulator.SimulatedFills;
import kalshifills.testing.Eventually;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket feed end to end: the simulated Kalshi pushes fills on its {@code fill} channel (handshake signature
 * checked), the service stores them through the same path as polled ones, and the polls reconcile what the feed missed.
 * Polls run only when the test ticks, so a fill stored without a tick came by the feed.
 */
class FillFeedIT extends SimulatedAccountTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Map<String, String> feedSettings(SimulatedFillFeed feed) {
        Map<String, String> settings = settings();
        settings.put("kalshi.feed.enabled", "true");
        settings.put("kalshi.feed.url", feed.url());
        settings.put("kalshi.feed.reconnect-first-delay-ms", "100");
        settings.put("kalshi.feed.reconnect-max-delay-ms", "400");
        return settings;
    }

    @Test
    void pushed_fills_are_stored_without_a_poll_and_once_when_the_poll_brings_them_again() throws Exception {
        SimulatedFillFeed feed = kalshi.feed();
        Instant now = Instant.now();
        kalshi.addFills(new SimulatedFills(21).between(now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)), 30));
        try (RunningIngester ingester = RunningIngester.start(feedSettings(feed))) {
            ingester.tick();
            Eventually.equals(30L, this::stored, Duration.ofSeconds(20));
            Eventually.equals(1, feed::subscribedConnections, Duration.ofSeconds(20));

            List<SimulatedFill> happening = happening(22, 12);
            kalshi.fillsHappen(happening);
            Eventually.equals(42L, this::stored, Duration.ofSeconds(10));

            ingester.tick();
            ingester.tick();
            assertThat(stored()).as("the polls found the pushed fills stored").isEqualTo(42);
            assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(42);
            assertThat(clickHouse.queryLong("SELECT countIf(raw_json LIKE '%\"ts_ms\"%') FROM " + table)).as("stored from the pushed form").isEqualTo(12);
            MeterRegistry meters = meters(ingester);
            assertThat(meters.get("kalshi.fills.feed.fills").counter().count()).isEqualTo(12.0);
            assertThat(meters.get("kalshi.fills.feed.subscribed").gauge().value()).isEqualTo(1.0);
            assertThat(ready(ingester)).contains("{\"name\":\"fills-main\",\"status\":\"UP\"}").doesNotContain("WebSocket feed down");
        }
        assertThat(feed.unauthorizedHandshakes()).isZero();
    }

    @Test
    void a_dropped_connection_is_opened_again_and_the_poll_stores_what_was_pushed_while_it_was_down() throws Exception {
        SimulatedFillFeed feed = kalshi.feed();
        List<SimulatedFill> fills = happening(23, 3);
        try (RunningIngester ingester = RunningIngester.start(feedSettings(feed))) {
            Eventually.equals(1, feed::subscribedConnections, Duration.ofSeconds(20));
            kalshi.fillsHappen(List.of(fills.get(0)));
            Eventually.equals(1L, this::stored, Duration.ofSeconds(10));

            feed.dropConnections();
            // Pushed to no one: the connection is down.
            kalshi.fillsHappen(List.of(fills.get(1)));
            Eventually.equals(1, feed::subscribedConnections, Duration.ofSeconds(20));
            kalshi.fillsHappen(List.of(fills.get(2)));
            Eventually.equals(2L, this::stored, Duration.ofSeconds(10));
            assertThat(meters(ingester).get("kalshi.fills.feed.disconnects").counter().count()).isGreaterThanOrEqualTo(1.0);
            assertThat(feed.handshakes()).isEqualTo(2);

            ingester.tick();
            assertThat(stored()).as("the poll brought the fill the feed missed").isEqualTo(3);
            assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(3);
        }
    }

    @Test
    void a_connection_gone_silent_is_taken_as_dead_and_opened_again() throws Exception {
        SimulatedFillFeed feed = kalshi.feed();
        feed.pingEvery(Duration.ofMillis(200));
        Map<String, String> settings = feedSettings(feed);
        settings.put("kalshi.feed.idle-timeout-ms", "3000");
        List<SimulatedFill> fills = happening(25, 2);
        try (RunningIngester ingester = RunningIngester.start(settings)) {
            Eventually.equals(1, feed::subscribedConnections, Duration.ofSeconds(20));
            long pingsAtSubscribe = feed.pings();
            Eventually.equals(true, () -> feed.pings() >= pingsAtSubscribe + 20, Duration.ofSeconds(20));
            assertThat(feed.handshakes()).as("kept for 4 s, past the idle timeout, by the pings alone").isEqualTo(1);
            kalshi.fillsHappen(List.of(fills.get(0)));
            Eventually.equals(1L, this::stored, Duration.ofSeconds(10));

            feed.goSilent();
            Eventually.equals(2L, feed::handshakes, Duration.ofSeconds(20));
            Eventually.equals(1, feed::subscribedConnections, Duration.ofSeconds(20));
            kalshi.fillsHappen(List.of(fills.get(1)));
            Eventually.equals(2L, this::stored, Duration.ofSeconds(10));
            assertThat(meters(ingester).get("kalshi.fills.feed.disconnects").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void the_consumers_own_pings_keep_a_connection_whose_pings_do_not_arrive() throws Exception {
        SimulatedFillFeed feed = kalshi.feed();
        // A proxy between that answers Kalshi's pings itself: none reach the client.
        feed.pingEvery(Duration.ofHours(1));
        Map<String, String> settings = feedSettings(feed);
        settings.put("kalshi.feed.idle-timeout-ms", "1000");
        try (RunningIngester ingester = RunningIngester.start(settings)) {
            Eventually.equals(1, feed::subscribedConnections, Duration.ofSeconds(20));
            Eventually.equals(true, () -> feed.clientPings() >= 4, Duration.ofSeconds(20));

            assertThat(feed.handshakes()).as("kept past the idle timeout by the answers to the client's pings").isEqualTo(1);
            assertThat(meters(ingester).get("kalshi.fills.feed.disconnects").counter().count()).isZero();
        }
    }

    @Test
    void a_refused_handshake_says_in_readiness_what_to_check() throws Exception {
        SimulatedFillFeed feed = kalshi.feed();
        Map<String, String> settings = feedSettings(feed);
        settings.put("kalshi.api-key-id", "00000000-0000-4000-8000-00000000bad0");
        kalshi.addFills(new SimulatedFills(24).between(Instant.now().minusSeconds(600), Instant.now(), 5));
        try (RunningIngester ingester = RunningIngester.start(settings)) {
            Eventually.equals(true, () -> feed.unauthorizedHandshakes() >= 2, Duration.ofSeconds(20));
            Eventually.equals(true, () -> ready(ingester).contains("Kalshi refused the handshake with HTTP 401: check kalshi.api-key-id"),
                    Duration.ofSeconds(10));
            assertThat(ready(ingester)).doesNotContain("KALSHI-ACCESS-SIGNATURE");
        }
    }

    /** Fills of today's shape (every fill Kalshi pushes has its id), in the last few seconds. */
    private static List<SimulatedFill> happening(long seed, int count) {
        SimulatedFills fills = new SimulatedFills(seed);
        Instant now = Instant.now();
        return IntStream.range(0, count).mapToObj(i -> fills.current(now.minusMillis(count - i))).toList();
    }

    private static MeterRegistry meters(RunningIngester ingester) {
        return ingester.context().getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
    }

    private static String ready(RunningIngester ingester) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(ingester.managementUrl() + "/observe/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
