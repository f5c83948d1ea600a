package kalshifills.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi.Fault;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.Eventually;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kalshi, or what stands in front of it, answering badly in the middle of a poll: the poll fails with one line saying
 * why, the fills of the pages read before the fault are stored, and the next poll stores the rest, each fill once.
 */
class KalshiFaultsIT extends SimulatedAccountTest {

    private static final int FILLS = 45;
    private static final int PAGE = 15;

    KalshiFaultsIT() {
        kalshi.addFills(new SimulatedFills(45).between(Instant.now().minus(Duration.ofMinutes(30)), Instant.now(), FILLS));
    }

    @Override
    protected Map<String, String> settings() {
        Map<String, String> settings = super.settings();
        settings.put("kalshi.fills.page-limit", Integer.toString(PAGE));
        settings.put("fills.batch.timeout-ms", "200");
        settings.put("camel.component.http.so-timeout", "2000");
        settings.put("kalshi.rate-limit.retries", "3");
        settings.put("kalshi.rate-limit.first-retry-delay-ms", "200");
        settings.put("kalshi.rate-limit.max-retry-delay-ms", "600");
        return settings;
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of(Fault.RATE_LIMITED, 4, "Kalshi answered HTTP 429 to GET http://127.0.0.1:"),
                Arguments.of(Fault.SERVER_ERROR, 1, "Kalshi answered HTTP 500 to GET http://127.0.0.1:"),
                Arguments.of(Fault.HTML_PAGE, 1, "JsonParseException: Unexpected character ('<'"),
                Arguments.of(Fault.TRUNCATED_JSON, 1, "JsonEOFException: Unexpected end-of-input"),
                Arguments.of(Fault.FILLS_NOT_A_LIST, 1, "KalshiResponseException: the fills endpoint answered 200 without a 'fills' list"),
                Arguments.of(Fault.SAME_CURSOR, 1, "KalshiResponseException: the fills endpoint returned the cursor of an earlier page again"),
                Arguments.of(Fault.SLOW, 1, "SocketTimeoutException: Read timed out"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void a_fault_on_the_second_page_fails_the_poll_in_one_line_keeps_the_first_page_and_the_next_poll_stores_the_rest(
            Fault fault, int times, String reasonStart) throws Exception {
        kalshi.failRequests(fault, 1, times);

        try (CapturedLogs logs = CapturedLogs.capture(); RunningIngester ingester = RunningIngester.start(settings())) {
            ingester.tick();
            Eventually.equals((long) PAGE, this::stored, Duration.ofSeconds(20));
            assertThat(logs.events("fills_poll_failed")).singleElement().satisfies(e -> assertThat((String) e.get("reason"))
                    .startsWith(reasonStart).doesNotContain("\n"));

            ingester.tick();
            Eventually.equals((long) FILLS, this::stored, Duration.ofSeconds(20));
            assertThat(logs.events("fills_poll_failed")).hasSize(1);
        }
        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(FILLS);
    }

    @Test
    void a_429_is_retried_with_growing_jittered_delays_and_the_poll_completes() throws Exception {
        kalshi.failRequests(Fault.RATE_LIMITED, 1, 3);

        try (CapturedLogs logs = CapturedLogs.capture(); RunningIngester ingester = RunningIngester.start(settings())) {
            ingester.tick();
            Eventually.equals((long) FILLS, this::stored, Duration.ofSeconds(20));

            assertThat(logs.events("fills_poll_failed")).isEmpty();
            assertThat(logs.events("kalshi_rate_limited")).extracting(e -> e.get("attempt")).containsExactly(1, 2, 3);
        }
        List<Instant> times = kalshi.requestTimes();
        assertThat(times).as("3 pages, 3 retries, the cutoff and 1 historical page").hasSize(3 + 3 + 2);
        long first = Duration.between(times.get(1), times.get(2)).toMillis();
        long second = Duration.between(times.get(2), times.get(3)).toMillis();
        long third = Duration.between(times.get(3), times.get(4)).toMillis();
        // Camel doubles the previous delay as jittered (+-15 %), so the jitter compounds: 200 ms x 0.85^n .. x 1.15^n,
        // plus up to 150 ms for the request itself on a busy machine.
        assertThat(first).as("200 ms +-15 %").isBetween(170L, 230L + 150);
        assertThat(second).as("400 ms, jitter twice").isBetween(289L, 529L + 150);
        assertThat(third).as("800 ms jittered, capped at 600 ms").isBetween(491L, 600L + 150);
    }

    @Test
    void a_backfill_never_sends_kalshi_more_requests_a_second_than_the_configured_rate() throws Exception {
        kalshi.addFills(new SimulatedFills(46).between(Instant.now().minus(Duration.ofDays(100)), Instant.now().minus(Duration.ofDays(1)), 450));
        Map<String, String> settings = settings();
        settings.put("kalshi.rate-limit.requests-per-second", "10");

        try (RunningIngester ingester = RunningIngester.start(settings)) {
            ingester.tick();
            Eventually.equals((long) FILLS + 450, this::stored, Duration.ofSeconds(30));
        }

        List<Instant> times = kalshi.requestTimes();
        assertThat(times).as("live and historical pages and the cutoff").hasSizeGreaterThan(31);
        // The throttle lets at most 10 requests leave in each second, so 31 in a row span at least two seconds. They arrive
        // later than they leave, by a few ms, or by hundreds on a loaded machine, which can bunch a few together; the first
        // (a new connection) is latest of all and left out. So 31 in a row must span 1.5 s; without the throttle they come
        // within a few dozen ms.
        for (int i = 31; i < times.size(); i++) {
            assertThat(Duration.between(times.get(i - 30), times.get(i)).toMillis()).as("requests %d to %d", i - 30, i).isGreaterThanOrEqualTo(1500);
        }
    }

    @Test
    void a_refused_signature_says_what_is_likely_wrong_without_any_secret() throws Exception {
        var otherKey = java.security.KeyPairGenerator.getInstance("RSA");
        otherKey.initialize(2048);
        try (SimulatedKalshiApi otherAccount = new SimulatedKalshiApi(TestKeys.KEY_ID, otherKey.generateKeyPair().getPublic(), Clock.systemUTC(), 0);
                CapturedLogs logs = CapturedLogs.capture();
                RunningIngester ingester = RunningIngester.start(RunningIngester.settings(otherAccount, clickHouse.jdbcUrl(), table))) {
            ingester.tick();

            assertThat(logs.events("fills_poll_failed")).singleElement().satisfies(e -> assertThat((String) e.get("reason"))
                    .startsWith("Kalshi answered HTTP 401 to GET " + otherAccount.baseUrl() + "/portfolio/fills: "
                            + "{\"error\":{\"code\":\"authentication_error\"")
                    .contains("check that kalshi.api-key-id is the id of the key whose private key kalshi.private-key-file holds")
                    .contains("demo and production keys differ").contains("this machine's clock is right"));
            assertThat(logs.everything()).doesNotContain(otherAccount.signatures().get(0).substring(0, 32));
        }
    }

    @Test
    void connection_refused_fails_the_poll_in_one_line_and_the_next_poll_recovers_once_kalshi_is_back() throws Exception {
        int port = LocalClickHouse.freePort();
        Map<String, String> settings = settings();
        settings.put("kalshi.base-url", "http://127.0.0.1:" + port + SimulatedKalshiApi.API_PREFIX);

        try (CapturedLogs logs = CapturedLogs.capture(); RunningIngester ingester = RunningIngester.start(settings)) {
            ingester.tick();
            assertThat(logs.events("fills_poll_failed")).singleElement().satisfies(e -> assertThat((String) e.get("reason"))
                    .startsWith("HttpHostConnectException: Connect to http://127.0.0.1:" + port).contains("Connection refused"));

            try (SimulatedKalshiApi back = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), port)) {
                back.addFills(new SimulatedFills(45).between(Instant.now().minus(Duration.ofMinutes(30)), Instant.now(), FILLS));
                ingester.tick();
                Eventually.equals((long) FILLS, this::stored, Duration.ofSeconds(20));
            }
        }
    }
}
