package kalshifills.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.kalshi.KalshiJson;
import kalshifills.kalshi.KalshiKeyFile;
import kalshifills.kalshi.KalshiRequestSigner;
import kalshifills.testing.TestKeys;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedKalshiApiTest {

    private static final ObjectMapper JSON = KalshiJson.objectMapper();
    private final KalshiRequestSigner signer = new KalshiRequestSigner(TestKeys.KEY_ID, KalshiKeyFile.read(TestKeys.PKCS8_PRIVATE_KEY), Clock.systemUTC());
    private final SimulatedKalshiApi api = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0);
    private final HttpClient http = HttpClient.newHttpClient();

    SimulatedKalshiApiTest() throws Exception {
    }

    @AfterEach
    void close() {
        api.close();
    }

    private HttpResponse<String> get(String query, boolean signed) throws Exception {
        return get(SimulatedKalshiApi.FILLS_PATH, query, signed);
    }

    private HttpResponse<String> get(String path, String query, boolean signed) throws Exception {
        String pathAndQuery = path + "?" + query;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl().replace(SimulatedKalshiApi.API_PREFIX, "") + pathAndQuery));
        if (signed) {
            BasicHttpRequest signedRequest = new BasicHttpRequest("GET", pathAndQuery);
            signer.process(signedRequest, null, null);
            for (var header : signedRequest.getHeaders()) {
                request.header(header.getName(), header.getValue());
            }
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void serves_newest_first_in_pages_linked_by_cursor_honouring_min_ts() throws Exception {
        SimulatedFills fills = new SimulatedFills(1);
        Instant start = Instant.parse("2026-11-24T12:00:00Z");
        api.addFills(fills.between(start, start.plusSeconds(240), 25));

        List<Long> times = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            String query = "limit=10&min_ts=" + start.plusSeconds(100).getEpochSecond();
            JsonNode page = JSON.readTree(get(query + (cursor.isEmpty() ? "" : "&cursor=" + cursor), true).body());
            page.get("fills").forEach(f -> times.add(f.get("ts").asLong() > 100_000_000_000L ? f.get("ts").asLong() / 1000 : f.get("ts").asLong()));
            cursor = page.get("cursor").asText();
            pages++;
        } while (!cursor.isEmpty());

        assertThat(pages).isEqualTo(2);
        assertThat(times).hasSize(15).allMatch(t -> t >= start.plusSeconds(100).getEpochSecond())
                .isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(api.pagesServed()).isEqualTo(2);
    }

    @Test
    void refuses_a_request_whose_signature_does_not_verify() throws Exception {
        HttpResponse<String> unsigned = get("limit=10", false);

        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).contains("INCORRECT_API_KEY_SIGNATURE");
        assertThat(get("limit=10", true).statusCode()).isEqualTo(200);
        assertThat(api.unauthorizedRequests()).isEqualTo(1);
    }

    @Test
    void refuses_a_limit_outside_1_to_1000() throws Exception {
        assertThat(get("limit=1001", true).statusCode()).isEqualTo(400);
        assertThat(get("limit=0", true).statusCode()).isEqualTo(400);
    }

    /** The id of every fill of every page, following the cursor, of one endpoint and query. */
    private List<String> walk(String path, String query, Runnable betweenPages) throws Exception {
        List<String> ids = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = JSON.readTree(get(path, query + (cursor.isEmpty() ? "" : "&cursor=" + cursor), true).body());
            page.get("fills").forEach(f -> ids.add(f.get("trade_id").asText()));
            cursor = page.get("cursor").asText();
            betweenPages.run();
        } while (!cursor.isEmpty());
        return ids;
    }

    @Test
    void a_cursor_stays_valid_while_new_fills_arrive_at_the_top() throws Exception {
        SimulatedFills fills = new SimulatedFills(2);
        Instant start = Instant.now().minus(Duration.ofHours(2));
        api.addFills(fills.inEveryShape(start, start.plus(Duration.ofHours(1)), 30));
        List<String> before = walk(SimulatedKalshiApi.FILLS_PATH, "limit=7", () -> { });

        List<String> during = walk(SimulatedKalshiApi.FILLS_PATH, "limit=7", () -> api.addFills(List.of(fills.current(Instant.now()))));

        assertThat(before).hasSize(30).doesNotHaveDuplicates();
        assertThat(during).as("no fill skipped, none twice").containsExactlyElementsOf(before);
    }

    @Test
    void fills_before_the_cutoff_are_served_only_as_historical_fills_which_take_no_min_ts_and_no_subaccount() throws Exception {
        SimulatedFills fills = new SimulatedFills(3);
        Instant now = Instant.now();
        api.addFills(fills.inEveryShape(now.minus(Duration.ofDays(100)), now.minus(Duration.ofDays(80)), 20));
        api.moveCutoffTo(now.minus(Duration.ofDays(90)));
        List<String> all = walk(SimulatedKalshiApi.FILLS_PATH, "limit=1000", () -> { });
        api.moveCutoffTo(now.minus(Duration.ofDays(200)));
        List<String> everything = walk(SimulatedKalshiApi.FILLS_PATH, "limit=1000", () -> { });
        api.moveCutoffTo(now.minus(Duration.ofDays(90)));

        List<String> historical = walk(SimulatedKalshiApi.HISTORICAL_FILLS_PATH, "limit=3&subaccount=5&min_ts=" + now.getEpochSecond(), () -> { });

        assertThat(all).hasSize(10);
        assertThat(historical).hasSize(10).doesNotContainAnyElementsOf(all);
        assertThat(everything).containsExactlyElementsOf(Stream.concat(all.stream(), historical.stream()).toList());
        assertThat(walk(SimulatedKalshiApi.HISTORICAL_FILLS_PATH, "limit=100&max_ts=" + now.minus(Duration.ofDays(95)).getEpochSecond(), () -> { }))
                .hasSize(5);
    }

    @Test
    void the_cutoff_needs_no_signature_and_answers_rfc_3339_times() throws Exception {
        Instant cutoff = Instant.parse("2026-09-01T00:00:00Z");
        api.moveCutoffTo(cutoff);

        HttpResponse<String> answer = get(SimulatedKalshiApi.CUTOFF_PATH, "", false);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("trades_created_ts").asText()).isEqualTo("2026-09-01T00:00:00Z");
        assertThat(JSON.readTree(answer.body()).fieldNames()).toIterable()
                .containsExactlyInAnyOrder("market_settled_ts", "trades_created_ts", "orders_updated_ts", "market_positions_last_updated_ts");
    }

    @Test
    void the_deprecated_fields_can_be_left_out_of_todays_schema() throws Exception {
        SimulatedFills fills = new SimulatedFills(4);
        Instant time = Instant.now().minus(Duration.ofHours(1));
        api.addFills(List.of(fills.current(time), fills.trade(time).in(SimulatedFills.Shape.LEGACY_CENTS)));
        api.sendDeprecatedFields(false);

        JsonNode page = JSON.readTree(get("limit=10", true).body()).get("fills");

        assertThat(page.get(0).has("side") || page.get(0).has("action") || page.get(0).has("ts")).isFalse();
        assertThat(page.get(0).get("book_side").asText()).isEqualTo("yes".equals(page.get(0).get("outcome_side").asText()) ? "bid" : "ask");
        assertThat(page.get(1).has("side")).as("an older schema's fill stays as it was served").isTrue();
    }
}
