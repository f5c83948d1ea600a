package kalshifills.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import kalshifills.clickhouse.ClickHouseIdempotentRepository;
import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.fill.FillNormalizer;
import kalshifills.fill.NormalizedFill;
import kalshifills.fill.NormalizedPage;
import kalshifills.kalshi.FillsPoller;
import kalshifills.kalshi.FillsQuery;
import kalshifills.kalshi.KalshiJson;
import kalshifills.kalshi.PollCheckpoint;
import kalshifills.status.PipelineStatus;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.Eventually;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.mock.MockEndpoint;
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
 * The YAML routes as operators run them, with their edges mocked: the poll state query answers "no checkpoint", the
 * Kalshi call answers from {@code mock:kalshi}, the rejects go to a mock, the batch insert to a mock that marks its fills
 * stored as the real writer does, and the stored-fill lookup is an in-memory set. No ClickHouse, no network.
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

    private final Set<String> storedInClickHouse = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean clickHouseDown = new AtomicBoolean();
    private final List<Instant> savedCheckpoints = new CopyOnWriteArrayList<>();
    private final ClickHouseIdempotentRepository repository = new ClickHouseIdempotentRepository((ids, earliest, latest) -> {
        if (clickHouseDown.get()) {
            throw new SQLException("ClickHouse is down");
        }
        return Set.copyOf(ids.stream().filter(storedInClickHouse::contains).toList());
    }, 1000, 10_000);

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
        overrides.put("fills.batch.timeout-ms", "100");
        overrides.put("fills.insert.retries", "1");
        overrides.put("fills.insert.first-retry-delay-ms", "10");
        context.getPropertiesComponent().setOverrideProperties(overrides);
        // The insert pool application.properties declares (camel.threadpool.config[...]), which Camel Main would read.
        context.getExecutorServiceManager().registerThreadPoolProfile(new ThreadPoolProfileBuilder("fillBatchInserts")
                .poolSize(1).maxPoolSize(1).maxQueueSize(2).rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).build());
        return context;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        PollCheckpoint checkpoint = new PollCheckpoint(repository::inFlightAmong, savedCheckpoints::add);
        repository.onStored(checkpoint::stored);
        repository.onReleased(checkpoint::batchReleased);
        registry.bind("fillsPoller-main", new FillsPoller("key/all/all", new FillsQuery(1000, null, null), Duration.ofHours(1), Clock.systemUTC(),
                checkpoint, Duration.ofMinutes(5), 1000, Duration.ofSeconds(30), new PipelineStatus("main", Clock.systemUTC(), new SimpleMeterRegistry())));
        registry.bind("fillNormalizer", new FillNormalizer(Clock.systemUTC()));
        registry.bind("kalshiObjectMapper", KalshiJson.objectMapper());
        registry.bind("clickHouseSchema-main", new ClickHouseSchema("kalshi.mm_fills", "kalshi.mm_fills_rejected", "kalshi.mm_fills_poll_state", 1000));
        registry.bind("storedFillIds-main", repository);
        registry.bind("logRateLimitRetry", new RetryLog("kalshi_rate_limited", (account, cause) -> { }));
        registry.bind("logInsertRetry", new RetryLog("fills_insert_retry", (account, cause) -> { }));
    }

    @BeforeEach
    void loadTheYamlRoutesWithTheirEdgesMocked() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            // All at once, as the service loads them: the account template before the accounts that use it.
            PluginHelper.getRoutesLoader(context).loadRoutes(files.filter(f -> f.toString().endsWith(".yaml")).sorted()
                    .map(file -> ResourceHelper.resolveResource(context, "file:" + file)).toArray(Resource[]::new));
        }
        AdviceWith.adviceWith(context, "fills-poll-main", route -> {
            route.replaceFromWith("direct:tick");
            route.weaveById("read-poll-state").replace().setBody().simple("${null}");
            route.weaveById("fetch-page").replace().to("mock:kalshi");
            route.weaveById("store-rejected").replace().to("mock:rejected");
        });
        AdviceWith.adviceWith(context, "fills-batch", route -> route.weaveById("insert-batch").replace().to("mock:insert"));
        getMockEndpoint("mock:kalshi").whenAnyExchangeReceived(FillsRoutesTest::answerLikeKalshi);
        getMockEndpoint("mock:insert").whenAnyExchangeReceived(exchange -> repository.markStored(
                batch(exchange).stream().map(NormalizedFill::fillId).toList()));
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

    @SuppressWarnings("unchecked")
    private static List<NormalizedFill> batch(Exchange exchange) {
        return exchange.getMessage().getBody(List.class);
    }

    @Test
    void follows_the_cursor_and_sends_each_new_fill_to_one_batch_insert_once() throws Exception {
        MockEndpoint insert = getMockEndpoint("mock:insert");
        insert.expectedMessageCount(1);
        insert.setAssertPeriod(300);

        tick();
        tick();

        insert.assertIsSatisfied();
        assertThat(batch(insert.getExchanges().get(0))).extracting(NormalizedFill::fillId).containsExactly("f-1", "f-2", "f-3", "f-4", "f-0");
        MockEndpoint kalshi = getMockEndpoint("mock:kalshi");
        List<String> onePoll = List.of("/portfolio/fills?limit=1000", "/portfolio/fills?limit=1000&cursor=page-2", "/historical/cutoff?null",
                "/historical/fills?limit=1000&max_ts=" + (Instant.parse("2026-08-24T00:00:00Z").getEpochSecond() + 1));
        assertThat(kalshi.getExchanges()).extracting(e -> e.getMessage().getHeader(Exchange.HTTP_PATH) + "?" + e.getMessage().getHeader(Exchange.HTTP_QUERY))
                .containsExactlyElementsOf(Stream.concat(onePoll.stream(), onePoll.stream()).toList());
        assertThat(kalshi.getExchanges()).allSatisfy(e -> assertThat(e.getMessage().getHeaders())
                .containsOnlyKeys(Exchange.HTTP_PATH, Exchange.HTTP_QUERY));
    }

    @Test
    void a_rejected_fill_goes_to_the_rejects_with_its_reason() throws Exception {
        MockEndpoint rejected = getMockEndpoint("mock:rejected");
        rejected.expectedMessageCount(1);

        tick();

        rejected.assertIsSatisfied();
        NormalizedPage page = rejected.getExchanges().get(0).getMessage().getBody(NormalizedPage.class);
        assertThat(page.rejected()).singleElement().satisfies(r -> {
            assertThat(r.fillId()).isEqualTo("f-no-time");
            assertThat(r.reason()).isEqualTo("the fill has no time: 'created_time' and 'ts' are both missing, null or zero");
        });
    }

    @Test
    void fills_already_in_clickhouse_are_filtered_and_every_tick_logs_the_seeds_events() throws Exception {
        storedInClickHouse.add("f-2");
        MockEndpoint insert = getMockEndpoint("mock:insert");
        insert.expectedMessageCount(1);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            tick();
            insert.assertIsSatisfied();
            tick();

            assertThat(batch(insert.getExchanges().get(0))).extracting(NormalizedFill::fillId).containsExactly("f-1", "f-3", "f-4", "f-0");
            assertThat(logs.events("fills_deduped")).containsExactly(
                    Map.of("account", "main", "total_rows", 6, "new_rows", 4, "duplicates_filtered", 2),
                    Map.of("account", "main", "total_rows", 6, "new_rows", 0, "duplicates_filtered", 6));
            assertThat(logs.events("fill_pipeline_stats")).allSatisfy(e -> assertThat(e)
                    .containsEntry("pages", 3).containsEntry("historical_pages", 1).containsEntry("fetched", 7).containsEntry("rejected", 1)
                    .containsEntry("first_fill_ts_iso", "2026-11-24T12:00:00Z").containsKeys("now_iso", "ts_age_sec"));
        }
    }

    @Test
    void when_the_lookup_fails_the_fills_are_let_through() throws Exception {
        clickHouseDown.set(true);
        MockEndpoint insert = getMockEndpoint("mock:insert");
        insert.expectedMessageCount(1);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            tick();

            insert.assertIsSatisfied();
            assertThat(batch(insert.getExchanges().get(0))).hasSize(5);
            assertThat(logs.events("stored_fill_check_failed")).isNotEmpty()
                    .allSatisfy(e -> assertThat(e).containsEntry("reason", "SQLException: ClickHouse is down"));
        }
    }

    @Test
    void a_failed_page_is_one_log_line_and_the_next_tick_starts_afresh() throws Exception {
        MockEndpoint kalshi = getMockEndpoint("mock:kalshi");
        kalshi.whenExchangeReceived(1, exchange -> {
            throw new HttpOperationFailedException("http://kalshi/portfolio/fills", 503, "Service Unavailable", null, Map.of(), "down");
        });
        MockEndpoint insert = getMockEndpoint("mock:insert");
        insert.expectedMessageCount(1);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            tick();
            tick();

            insert.assertIsSatisfied();
            assertThat(logs.events("fills_poll_failed")).singleElement()
                    .satisfies(e -> assertThat(e).containsEntry("reason", "Kalshi answered HTTP 503 to GET http://kalshi/portfolio/fills: down"));
        }
    }

    @Test
    void a_batch_whose_inserts_all_fail_is_released_and_the_next_tick_sends_it_again() throws Exception {
        MockEndpoint insert = getMockEndpoint("mock:insert");
        insert.whenExchangeReceived(1, exchange -> {
            throw new SQLException("Connection refused");
        });
        insert.whenExchangeReceived(2, exchange -> {
            throw new SQLException("Connection refused");
        });
        insert.expectedMessageCount(3);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            tick();
            Eventually.equals(1, () -> logs.events("fills_insert_failed").size(), Duration.ofSeconds(10));
            assertThat(logs.events("fills_insert_failed").get(0)).containsEntry("count", 5).containsEntry("reason", "SQLException: Connection refused");

            tick();
            insert.assertIsSatisfied();
        }
        assertThat(batch(insert.getExchanges().get(2))).extracting(NormalizedFill::fillId).containsExactly("f-1", "f-2", "f-3", "f-4", "f-0");
        Eventually.equals(1, savedCheckpoints::size, Duration.ofSeconds(10));
        assertThat(savedCheckpoints).as("only the second poll, whose fills were all stored, is complete").hasSize(1);
    }

    @Test
    void a_poll_is_saved_as_complete_once_its_new_fills_are_stored_and_a_poll_with_nothing_new_is_not() throws Exception {
        Instant beforeFirstTick = Instant.now();
        tick();
        Eventually.equals(1, savedCheckpoints::size, Duration.ofSeconds(10));
        tick();

        assertThat(savedCheckpoints).singleElement().satisfies(saved -> assertThat(saved).isAfterOrEqualTo(beforeFirstTick));
        assertThat(repository.getInFlight()).isZero();
    }
}
