package kalshifills.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import kalshifills.clickhouse.ClickHouseIdempotentRepository;
import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.clickhouse.StoredFillLookup;
import kalshifills.clickhouse.FillBatchWriter;
import kalshifills.clickhouse.PollStateTable;
import kalshifills.clickhouse.RejectedFillWriter;
import kalshifills.clickhouse.SocketTimeoutDataSource;
import kalshifills.fill.FillNormalizer;
import kalshifills.kalshi.FillsPoller;
import kalshifills.kalshi.FillsQuery;
import kalshifills.kalshi.KalshiHttpClient;
import kalshifills.kalshi.KalshiJson;
import kalshifills.kalshi.KalshiKeyFile;
import kalshifills.kalshi.KalshiRequestSigner;
import kalshifills.kalshi.PollCheckpoint;
import kalshifills.kalshi.PollFailure;
import kalshifills.status.FailureReason;
import kalshifills.status.PipelineHealthCheck;
import kalshifills.settings.ConfigurationException;
import kalshifills.settings.ServiceSettings;
import kalshifills.settings.Settings;
import kalshifills.status.PipelineStatus;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.quartz.CronExpression;

/**
 * Builds every bean the routes use, from the properties, and binds it under the name the YAML routes refer to: the
 * shared ones at start, each Kalshi account's ones when its route first asks for them ({@link KalshiAccounts}).
 * Nothing else in the service knows how these objects are made.
 */
public final class IngesterConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context.getPropertiesComponent()::resolveProperty);
        Clock clock = Clock.systemUTC();
        ServiceSettings.checkKalshiBaseUrl(settings);
        Duration maxPollAge = maxPollAge(settings);
        SocketTimeoutDataSource dataSource = ServiceSettings.clickHouseDataSource(settings);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                dataSource.close();
            }
        });
        MeterRegistry meters = meterRegistry(context);
        KalshiAccounts accounts = new KalshiAccounts(account -> accountBeans(context, settings.forAccount(account), account, clock,
                dataSource, meters, maxPollAge));
        if (!(context.getRegistry() instanceof DefaultRegistry registry)) {
            throw new IllegalStateException("Camel's registry is a " + context.getRegistry().getClass().getName() + ", not a DefaultRegistry");
        }
        registry.addBeanRepository(accounts);
        registry.bind("logRateLimitRetry", new RetryLog("kalshi_rate_limited", (account, cause) -> PollFailure.apiErrorStatus(cause)
                .filter(status -> account != null)
                .ifPresent(status -> accounts.lookupByNameAndType("fillsPoller-" + account, FillsPoller.class).status().apiError(status))));
        registry.bind("logInsertRetry", new RetryLog("fills_insert_retry", (account, cause) -> { }));
        registry.bind("kalshiObjectMapper", KalshiJson.objectMapper());
        registry.bind("fillNormalizer", new FillNormalizer(clock));
        registry.bind("clickHouseDataSource", dataSource);
        if (Boolean.parseBoolean(settings.text("routes.reload-enabled"))) {
            context.addService(new RouteFileReloader(routesDirectory(settings)));
        }
    }

    /** The directory the routes are read from, which camel.main.routes-include-pattern names. */
    private static Path routesDirectory(Settings settings) {
        String pattern = settings.text("camel.main.routes-include-pattern");
        Matcher directory = Pattern.compile("file:(.+)/\\*\\.yaml").matcher(pattern);
        if (!directory.matches()) {
            throw new ConfigurationException("routes.reload-enabled", "is true, and camel.main.routes-include-pattern is '" + pattern
                    + "': reloading needs one directory, as in file:routes/*.yaml; set routes.reload-enabled = false or name one directory");
        }
        return Path.of(directory.group(1));
    }

    /** One account's beans, named as {@link KalshiAccounts} serves them to routes/kalshi-account.yaml. */
    private static Map<String, Object> accountBeans(CamelContext context, Settings settings, String account, Clock clock,
            SocketTimeoutDataSource dataSource, MeterRegistry meters, Duration maxPollAge) {
        KalshiRequestSigner signer = ServiceSettings.kalshiRequestSigner(settings, clock);
        FillsQuery query = ServiceSettings.fillsQuery(settings);
        ClickHouseSchema schema = ServiceSettings.clickHouseSchema(settings);
        try {
            schema.createIfAbsent(dataSource);
        } catch (SQLException e) {
            throw new ConfigurationException(settings.keyOf("clickhouse.fills-table"), "cannot create " + schema.fillsTable() + " or "
                    + schema.rejectsTable() + ": " + FailureReason.of(e));
        } catch (IllegalStateException e) {
            throw new ConfigurationException(settings.keyOf("clickhouse.fills-table"), e.getMessage());
        }
        int rememberedIds = settings.integer("fills.dedupe.remembered-ids", 1_000, 100_000_000);
        ClickHouseIdempotentRepository storedFillIds = new ClickHouseIdempotentRepository(StoredFillLookup.in(dataSource, schema),
                settings.integer("fills.dedupe.chunk-size", 1, 10_000), rememberedIds);
        String pollKey = signer.keyId() + "/" + Objects.toString(query.subaccount(), "all") + "/" + Objects.toString(query.ticker(), "all");
        PollStateTable pollState = new PollStateTable(dataSource, schema);
        PollCheckpoint checkpoint = new PollCheckpoint(storedFillIds::inFlightAmong, completeUntil -> pollState.save(pollKey, completeUntil));
        storedFillIds.onStored(checkpoint::stored);
        storedFillIds.onReleased(checkpoint::batchReleased);

        PipelineStatus status = new PipelineStatus(account, clock, meters);
        HealthCheckRegistry.get(context).register(new PipelineHealthCheck(status, maxPollAge,
                () -> ((ModelCamelContext) context).getRouteDefinitions().stream()
                        .anyMatch(route -> route.getTemplateParameters() != null && account.equals(route.getTemplateParameters().get("account")))));
        return Map.of(
                "kalshiHttpClient", new KalshiHttpClient(signer),
                "fillsPoller", new FillsPoller(pollKey, query, settings.seconds("fills.poll.overlap-seconds", 0, 30 * 24 * 3600), clock,
                        checkpoint, settings.seconds("kalshi.historical.cutoff-max-age-seconds", 0, 24 * 3600),
                        settings.integer("kalshi.rate-limit.requests-per-second", 1, 10_000),
                        settings.seconds("fills.poll.store-timeout-seconds", 1, 24 * 3600), status),
                "clickHouseSchema", schema,
                "storedFillIds", storedFillIds,
                "rejectedFillWriter", new RejectedFillWriter(dataSource, schema, clock, rememberedIds),
                "fillBatchWriter", new FillBatchWriter(dataSource, schema, storedFillIds, status, settings.text("fills.instance-id"), version()));
    }

    /** The registry camel-micrometer-prometheus serves on /observe/metrics, next to Camel's own meters. */
    private static MeterRegistry meterRegistry(CamelContext context) {
        MeterRegistry meters = MicrometerUtils.getMeterRegistryFromCamelRegistry(context.getRegistry(), MicrometerConstants.METRICS_REGISTRY_NAME);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        return meters;
    }

    /**
     * How long the health check lets pass without a complete poll: {@code fills.health.max-missed-polls} times the longest
     * gap between the schedule's next ticks.
     */
    private static Duration maxPollAge(Settings settings) {
        String expression = settings.text("fills.poll.cron");
        CronExpression cron;
        try {
            cron = new CronExpression(expression);
        } catch (ParseException e) {
            throw new ConfigurationException("fills.poll.cron", "is '" + expression + "', not a Quartz cron expression (" + e.getMessage()
                    + "); for every 10 s write 0/10 * * * * ?");
        }
        Date tick = cron.getNextValidTimeAfter(new Date());
        long longestGapMillis = 0;
        for (int i = 0; i < 24 && tick != null; i++) {
            Date next = cron.getNextValidTimeAfter(tick);
            if (next != null) {
                longestGapMillis = Math.max(longestGapMillis, next.getTime() - tick.getTime());
            }
            tick = next;
        }
        int missedPolls = settings.integer("fills.health.max-missed-polls", 1, 10_000);
        // A schedule that fires once or never (as in tests that tick by hand) sets no limit.
        return longestGapMillis == 0 ? ChronoUnit.FOREVER.getDuration() : Duration.ofMillis(longestGapMillis).multipliedBy(missedPolls);
    }

    private static String version() {
        return Optional.ofNullable(IngesterConfiguration.class.getPackage().getImplementationVersion()).orElse("dev");
    }
}
