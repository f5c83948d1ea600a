package kalshifills.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import kalshifills.account.AccountServices;
import kalshifills.account.Accounts;
import kalshifills.account.FillIdKey;
import kalshifills.cluster.SingleInstanceClusterService;
import kalshifills.fill.FillNormalizer;
import kalshifills.fill.NormalizedFill;
import kalshifills.kalshi.KalshiJson;
import kalshifills.settings.Settings;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.Eventually;
import kalshifills.testing.MemoryAccountStore;
import kalshifills.testing.TestKeys;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The YAML routes as operators run them, with their edges mocked: Kalshi answers from {@code mock:kalshi}, and the
 * account's store (fills, rejects, checkpoint) is in memory. No ClickHouse, no network.
 */
class FillsRoutesTest extends CamelTestSupport {

    /** Page 1: three fills; page 2: a new fill, page 1's first fill again, and a fill without a time. */
    private static final String PAGE_1 = """
            {"fills": [%s, %s, %s], "cursor": "page-2"}""".formatted(fill("f-1", 1795521600), fill("f-2", 1795521601), fill("f-3", 1795521602));
    private static final String PAGE_2 = """
            {"fills": [%s, %s, {"fill_id": "f-no-time", "ticker": "T", "side": "yes", "count_fp": "1", "yes_price_dollars": "0.5"}],
             "cursor": ""}""".formatted(fill("f-4", 1795521603), fill("f-1", 1795521600));
    private static final String CUTOFF = """
            {"market_settled_ts": "2026-08-24T00:00:00Z", "trades_created_ts": "2026-08-24T00:00:00Z",
             "orders_updated_ts": "2026-08-24T00:00:00Z", "market_positions_last_updated_ts": "2026-08-24T00:00:00Z"}""";
    /** The historical side: one fill from before the cutoff. */
    private static final String HISTORICAL_PAGE = """
            {"fills": [%s], "cursor": ""}""".formatted(fill("f-0", 1780000000));

    private final MemoryAccountStore store = new MemoryAccountStore();
    private final SingleInstanceClusterService cluster = new SingleInstanceClusterService("route-test");

    private static String fill(String id, long ts) {
        return """
                {"fill_id": "%s", "ticker": "KXHIGHNY-26AUG18-B85.5", "side": "yes", "action": "buy", "count_fp": "2.00",
                 "yes_price_dollars": "0.4200", "ts": %d}""".formatted(id, ts);
    }

    @Override
    public void configureTest(TestExecutionConfiguration test) {
        test.withUseAdviceWith(true);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getPropertiesComponent().setLocation("file:application.properties");
        Properties overrides = new Properties();
        // The end of each tick completes its batch; a short timeout would only split it when a tick runs slow.
        overrides.put("fills.batch.timeout-ms", "10000");
        overrides.put("fills.insert.retries", "1");
        overrides.put("fills.insert.first-retry-delay-ms", "10");
        overrides.put("kalshi.api-key-id", TestKeys.KEY_ID);
        overrides.put("kalshi.private-key-file", TestKeys.PKCS1_PRIVATE_KEY.toString());
        context.getPropertiesComponent().setOverrideProperties(overrides);
        // The insert pool application.properties declares (camel.threadpool.config[...]), which Camel Main would read.
        context.getExecutorServiceManager().registerThreadPoolProfile(new ThreadPoolProfileBuilder("fillBatchInserts")
                .poolSize(1).maxPoolSize(1).maxQueueSize(2).rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).build());
        context.addService(cluster, true, true);
        return context;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        Clock clock = Clock.systemUTC();
        registry.bind("accountServices", new AccountServices(new Settings(context.getPropertiesComponent()::resolveProperty),
                (settings, pollKey) -> store, clock, new SimpleMeterRegistry(), HealthCheckRegistry.get(context), new FillNormalizer(clock),
                Duration.ofMinutes(1), cluster, new Accounts()));
        registry.bind("fillId", new FillIdKey());
        registry.bind("kalshiObjectMapper", KalshiJson.objectMapper());
    }

    @BeforeEach
    void loadTheYamlRoutesWithKalshiMocked() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            // All at once, as the service loads them: the account template before the accounts that use it.
            PluginHelper.getRoutesLoader(context).loadRoutes(files.filter(f -> f.toString().endsWith(".yaml")).sorted()
                    .map(file -> ResourceHelper.resolveResource(context, "file:" + file)).toArray(Resource[]::new));
        }
        AdviceWith.adviceWith(context, "fills-poll-main", route -> {
            route.replaceFromWith("direct:tick");
            route.weaveById("fetch-page").replace().to("mock:kalshi");
        });
        AdviceWith.adviceWith(context, "fills-feed-main", route -> route.replaceFromWith("direct:push"));
        getMockEndpoint("mock:kalshi").whenAnyExchangeReceived(FillsRoutesTest::answerLikeKalshi);
        context.start();
    }

    private static void answerLikeKalshi(Exchange exchange) {
        String query = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        exchange.getMessage().setBody(switch (exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class)) {
            case "/portfolio/fills" -> query.contains("cursor=page-2") ? PAGE_2 : PAGE_1;
            case "/historical/cutoff" -> CUTOFF;
            case "/historical/fills" -> HISTORICAL_PAGE;
            default -> throw new IllegalArgumentException("not a Kalshi path");
        });
    }

    private void tick() {
        template.sendBody("direct:tick", null);
    }

    private List<String> batchIds(int batch) {
        return store.batches.get(batch).stream().map(NormalizedFill::fillId).toList();
    }

    @Test
    void follows_the_cursor_and_sends_each_new_fill_to_one_batch_insert_once() throws Exception {
        tick();
        tick();

        assertThat(store.batches).hasSize(1);
        assertThat(batchIds(0)).containsExactly("f-1", "f-2", "f-3", "f-4", "f-0");
        MockEndpoint kalshi = getMockEndpoint("mock:kalshi");
        String maxTs = "max_ts=" + (Instant.parse("2026-08-24T00:00:00Z").getEpochSecond() + 1);
        String minTs = "min_ts=" + (store.savedCheckpoints.get(0).getEpochSecond() - 3600);
        assertThat(kalshi.getExchanges()).extracting(e -> e.getMessage().getHeader(Exchange.HTTP_PATH) + "?" + e.getMessage().getHeader(Exchange.HTTP_QUERY))
                .containsExactly("/portfolio/fills?limit=1000", "/portfolio/fills?limit=1000&cursor=page-2", "/historical/cutoff?null",
                        "/historical/fills?limit=1000&" + maxTs,
                        "/portfolio/fills?limit=1000&" + minTs, "/portfolio/fills?limit=1000&" + minTs + "&cursor=page-2");
        assertThat(kalshi.getExchanges()).allSatisfy(e -> assertThat(e.getMessage().getHeaders())
                .containsOnlyKeys(Exchange.HTTP_PATH, Exchange.HTTP_QUERY));
    }

    /** A fill as the WebSocket feed pushes it: trade_id, market_ticker, ts_ms, no no_price_dollars. */
    private static String pushed(String id, long tsMillis) {
        return """
                {"trade_id": "%s", "order_id": "o-1", "market_ticker": "KXHIGHNY-26AUG18-B85.5", "side": "yes", "action": "buy",
                 "count_fp": "2.00", "yes_price_dollars": "0.4200", "is_taker": true, "fee_cost": "0.0100", "ts": %d, "ts_ms": %d,
                 "client_order_id": "c-1", "subaccount": 0}""".formatted(id, tsMillis / 1000, tsMillis);
    }

    private void push(String json) throws Exception {
        template.sendBody("direct:push", KalshiJson.objectMapper().readTree(json));
    }

    @Test
    void a_pushed_fill_goes_the_polled_way_and_a_poll_that_brings_it_again_stores_nothing_more() throws Exception {
        push(pushed("f-2", 1795521601_000L));
        push(pushed("f-2", 1795521601_000L));

        // A lone pushed fill is inserted once kalshi.feed.batch-timeout-ms has passed.
        Eventually.equals(1, () -> store.batches.size(), Duration.ofSeconds(5));
        assertThat(batchIds(0)).containsExactly("f-2");
        NormalizedFill fill = store.batches.get(0).get(0);
        assertThat(fill.ts()).isEqualTo(Instant.ofEpochSecond(1795521601));
        assertThat(fill.clientOrderId()).as("REST fills no longer carry it: left in the raw JSON").isEmpty();
        assertThat(fill.noPrice()).isEqualByComparingTo("0.58");
        assertThat(fill.createdTime()).isEqualTo(fill.ts());

        tick();

        assertThat(store.batches).hasSize(2);
        assertThat(batchIds(1)).containsExactly("f-1", "f-3", "f-4", "f-0");
    }

    @Test
    void a_pushed_fill_that_cannot_be_used_is_kept_with_its_reason() throws Exception {
        push("""
                {"trade_id": "f-9", "market_ticker": "T", "side": "yes", "count_fp": "1", "yes_price_dollars": "0.5"}""");

        assertThat(store.rejected).singleElement().satisfies(r -> {
            assertThat(r.fillId()).isEqualTo("f-9");
            assertThat(r.reason()).isEqualTo("the fill has no time: 'created_time', 'ts_ms' and 'ts' are all missing, null or zero");
        });
        assertThat(store.batches).isEmpty();
    }

    @Test
    void a_rejected_fill_goes_to_the_rejects_with_its_reason() {
        tick();

        assertThat(store.rejected).singleElement().satisfies(r -> {
            assertThat(r.fillId()).isEqualTo("f-no-time");
            assertThat(r.reason()).isEqualTo("the fill has no time: 'created_time', 'ts_ms' and 'ts' are all missing, null or zero");
        });
    }

    @Test
    void fills_already_in_clickhouse_are_filtered_and_every_tick_logs_the_seeds_events() {
        store.stored.add("f-2");

        try (CapturedLogs logs = CapturedLogs.capture()) {
            tick();
            tick();

            assertThat(batchIds(0)).containsExactly("f-1", "f-3", "f-4", "f-0");
            assertThat(logs.events("fills_deduped")).containsExactly(
                    Map.of("account", "main", "total_rows", 6, "new_rows", 4, "duplicates_filtered", 2),
                    Map.of("account", "main", "total_rows", 5, "new_rows", 0, "duplicates_filtered", 5));
            assertThat(logs.events("fill_pipeline_stats").get(0)).containsEntry("pages", 3).containsEntry("historical_pages", 1)
                    .containsEntry("fetched", 7).containsEntry("rejected", 1).containsEntry("complete", true)
                    .containsEntry("first_fill_ts_iso", "2026-11-24T12:00:00Z").containsKeys("now_iso", "ts_age_sec");
            assertThat(logs.events("fill_pipeline_stats").get(1)).as("from the checkpoint, the historical side left out")
                    .containsEntry("pages", 2).containsEntry("historical_pages", 0);
        }
    }

    @Test
    void when_the_lookup_fails_the_fills_are_let_through() {
        store.lookupsFail.set(true);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            tick();

            assertThat(store.batches).singleElement().satisfies(batch -> assertThat(batch).hasSize(5));
            assertThat(logs.events("stored_fill_check_failed")).isNotEmpty()
                    .allSatisfy(e -> assertThat(e).containsEntry("reason", "SQLException: ClickHouse is down"));
        }
    }

    @Test
    void a_poll_whose_account_is_taken_over_stops_after_its_page_and_saves_no_checkpoint() throws Exception {
        MockEndpoint kalshi = getMockEndpoint("mock:kalshi");
        kalshi.whenExchangeReceived(1, exchange -> {
            answerLikeKalshi(exchange);
            // Another instance wins the account's election while the first page is read.
            cluster.stop();
        });

        try (CapturedLogs logs = CapturedLogs.capture()) {
            tick();

            assertThat(kalshi.getExchanges()).as("no page after the handover").hasSize(1);
            assertThat(store.savedCheckpoints).isEmpty();
            assertThat(logs.events("account_handed_over")).singleElement().satisfies(e -> assertThat(e).containsEntry("account", "main"));
            assertThat(logs.events("fills_poll_failed")).singleElement().satisfies(e -> assertThat((String) e.get("reason"))
                    .contains("account 'main' was taken over by another instance during this poll: it stops here"));
        }
    }

    @Test
    void a_checkpoint_that_cannot_be_read_fails_the_poll_in_one_line() {
        store.checkpointFails.set(true);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            tick();

            assertThat(store.batches).isEmpty();
            assertThat(logs.events("fills_poll_failed")).singleElement().satisfies(e -> assertThat(e)
                    .containsEntry("reason", "ClickHouse: cannot read the poll checkpoint (SQLException: ClickHouse is down)"));
        }
    }

    @Test
    void a_failed_page_is_one_log_line_and_the_next_tick_starts_afresh() {
        MockEndpoint kalshi = getMockEndpoint("mock:kalshi");
        kalshi.whenExchangeReceived(1, exchange -> {
            throw new HttpOperationFailedException("http://kalshi/portfolio/fills", 503, "Service Unavailable", null, Map.of(), "down");
        });

        try (CapturedLogs logs = CapturedLogs.capture()) {
            tick();
            tick();

            assertThat(store.batches).hasSize(1);
            assertThat(logs.events("fills_poll_failed")).singleElement()
                    .satisfies(e -> assertThat(e).containsEntry("reason", "Kalshi answered HTTP 503 to GET http://kalshi/portfolio/fills: down"));
        }
    }

    @Test
    void a_batch_whose_inserts_all_fail_is_released_and_the_next_tick_sends_it_again() {
        store.failingInserts.set(2);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            tick();
            assertThat(logs.events("fills_insert_failed")).singleElement().satisfies(e -> assertThat(e)
                    .containsEntry("count", 5).containsEntry("reason", "SQLException: Connection refused"));
            assertThat(logs.events("fills_insert_retry")).singleElement().satisfies(e -> assertThat(e).containsEntry("account", "main"));
            assertThat(logs.events("fill_pipeline_stats")).singleElement().satisfies(e -> assertThat(e).containsEntry("complete", false));

            tick();
        }
        assertThat(batchIds(0)).containsExactly("f-1", "f-2", "f-3", "f-4", "f-0");
        assertThat(store.savedCheckpoints).as("only the second poll, whose fills were all stored, is complete").hasSize(1);
    }

    @Test
    void a_tick_ends_once_its_fills_are_stored_and_a_poll_with_nothing_new_saves_no_checkpoint() {
        Instant beforeFirstTick = Instant.now();
        tick();
        assertThat(store.batches).as("stored before the tick returned").hasSize(1);
        assertThat(store.savedCheckpoints).singleElement().satisfies(saved -> assertThat(saved).isAfterOrEqualTo(beforeFirstTick));

        tick();
        assertThat(store.savedCheckpoints).hasSize(1);
    }

    @Test
    void an_account_taken_out_of_the_routes_takes_its_health_check_and_meters_with_it() throws Exception {
        HealthCheckRegistry checks = HealthCheckRegistry.get(context);
        assertThat(checks.getCheck("fills-main")).as("registered as the route started").isPresent();

        context.getRouteController().stopRoute("fills-poll-main");
        context.removeRoute("fills-poll-main");

        assertThat(checks.getCheck("fills-main")).isEmpty();
    }
}
