package kalshifills.kalshi;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** How many fills Kalshi serves since a time, read page by page through the same signed client the routes use. */
public final class KalshiFillCount {

    private final String baseUrl;
    private final KalshiHttpClient client;
    private final FillsQuery query;
    private final ObjectMapper json = KalshiJson.objectMapper();

    public KalshiFillCount(String baseUrl, KalshiHttpClient client, FillsQuery query) {
        this.baseUrl = baseUrl;
        this.client = client;
        this.query = query;
    }

    public long since(Instant from) throws IOException {
        HttpClientBuilder builder = HttpClientBuilder.create();
        client.configureHttpClient(builder);
        long count = 0;
        try (CloseableHttpClient http = builder.build()) {
            CursorTrail cursors = new CursorTrail();
            String cursor = null;
            do {
                HttpGet get = new HttpGet(baseUrl + "/portfolio/fills?" + query.pageQuery(from.getEpochSecond(), cursor));
                FillsPage page = FillsPage.of(http.execute(get, response -> {
                    String body = EntityUtils.toString(response.getEntity());
                    if (response.getCode() != 200) {
                        throw new IOException("Kalshi answered HTTP " + response.getCode() + " to GET " + baseUrl + "/portfolio/fills");
                    }
                    return json.readTree(body);
                }));
                count += page.fills().size();
                cursors.follow(page.cursor());
                cursor = page.cursor().isEmpty() ? null : page.cursor();
            } while (cursor != null);
        }
        return count;
    }
}
