package kalshifills.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
        String pathAndQuery = SimulatedKalshiApi.FILLS_PATH + "?" + query;
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
}
