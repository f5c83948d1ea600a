package kalshifills.benchmark;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.clickhouse.FillBatchWriter;
import kalshifills.fill.FillNormalizer;
import kalshifills.fill.NormalizedFill;
import kalshifills.kalshi.KalshiHttpClient;
import kalshifills.kalshi.KalshiJson;
import kalshifills.kalshi.KalshiKeyFile;
import kalshifills.kalshi.KalshiRequestSigner;
import kalshifills.testing.TestKeys;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The baseline: Fix 3 as the specification writes it. Every tick fetches the fills, asks ClickHouse which of their ids are
 * stored with one {@code SELECT DISTINCT fill_id ... IN (...)} per 500 ids, and inserts the new ones in one insert. The
 * fetch, the normalizing and the insert are the service's own, so only the way of deduplicating differs.
 */
final class SeedWayPoller implements AutoCloseable {

    private static final int IDS_PER_QUERY = 500;

    private final CloseableHttpClient http;
    private final String firstPageUrl;
    private final DataSource dataSource;
    private final String fillsTable;
    private final FillBatchWriter writer;
    private final ObjectMapper json = KalshiJson.objectMapper();
    private final FillNormalizer normalizer = new FillNormalizer(Clock.systemUTC());

    SeedWayPoller(String kalshiBaseUrl, int pageLimit, DataSource dataSource, ClickHouseSchema schema) {
        KalshiRequestSigner signer = new KalshiRequestSigner(TestKeys.KEY_ID, KalshiKeyFile.read(TestKeys.PKCS1_PRIVATE_KEY), Clock.systemUTC());
        HttpClientBuilder builder = HttpClientBuilder.create();
        new KalshiHttpClient(signer).configureHttpClient(builder);
        this.http = builder.build();
        this.firstPageUrl = kalshiBaseUrl + "/portfolio/fills?limit=" + pageLimit;
        this.dataSource = dataSource;
        this.fillsTable = schema.fillsTable();
        this.writer = new FillBatchWriter(dataSource, schema, "seed-way", "seed-way");
    }

    void tick() throws IOException, SQLException {
        List<NormalizedFill> fills = normalizer.normalizePage(fetchFills()).accepted();
        Set<String> stored = storedIds(fills.stream().map(NormalizedFill::fillId).toList());
        List<NormalizedFill> newFills = fills.stream().filter(fill -> !stored.contains(fill.fillId())).toList();
        if (!newFills.isEmpty()) {
            writer.insert(newFills);
        }
    }

    private List<JsonNode> fetchFills() throws IOException {
        String body = http.execute(new HttpGet(firstPageUrl), response -> EntityUtils.toString(response.getEntity()));
        List<JsonNode> fills = new ArrayList<>();
        json.readTree(body).path("fills").forEach(fills::add);
        return fills;
    }

    /** As the seed does it: the ids inlined as quoted literals (they are checked ids: no quote can occur in them). */
    private Set<String> storedIds(List<String> ids) throws SQLException {
        Set<String> stored = new HashSet<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
                String idList = ids.subList(from, Math.min(from + IDS_PER_QUERY, ids.size())).stream()
                        .map(id -> "'" + id + "'").collect(Collectors.joining(", "));
                try (ResultSet rows = statement.executeQuery("SELECT DISTINCT fill_id FROM " + fillsTable + " WHERE fill_id IN (" + idList + ")")) {
                    while (rows.next()) {
                        stored.add(rows.getString(1));
                    }
                }
            }
        }
        return stored;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
