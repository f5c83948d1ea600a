package kalshifills.app;

import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import kalshifills.account.AccountServices;
import kalshifills.account.Accounts;
import kalshifills.account.FillIdKey;
import kalshifills.account.KalshiAccount;
import kalshifills.clickhouse.ClickHouseAccountStore;
import kalshifills.clickhouse.SocketTimeoutDataSource;
import kalshifills.cluster.LeaderElection;
import kalshifills.feed.FillFeedComponent;
import kalshifills.fill.FillNormalizer;
import kalshifills.kalshi.KalshiJson;
import kalshifills.settings.ConfigurationException;
import kalshifills.settings.ServiceSettings;
import kalshifills.settings.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.quartz.CronExpression;

/**
 * Builds the beans every account shares, from the properties, and binds them under the names the routes refer to. Each
 * account's own objects are made with its route, by routes/kalshi-account.yaml ({@link KalshiAccount}).
 */
public final class IngesterConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context.getPropertiesComponent()::resolveProperty);
        Clock clock = Clock.systemUTC();
        ServiceSettings.checkKalshiBaseUrl(settings);
        Duration maxPollAge = maxPollAge(settings);
        MeterRegistry meters = meterRegistry(context);
        SocketTimeoutDataSource dataSource = ServiceSettings.clickHouseDataSource(settings, false, meters);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                dataSource.close();
            }
        });
        // Added as a started service here: camel-main takes cluster services from the registry before this runs.
        CamelClusterService cluster = LeaderElection.service(settings, settings.text("fills.instance-id"));
        context.addService(cluster, true, true);
        AccountServices accountServices = new AccountServices(settings, ClickHouseAccountStore.in(dataSource, version()), clock,
                meters, HealthCheckRegistry.get(context), new FillNormalizer(clock), maxPollAge, cluster, new Accounts());
        context.getRegistry().bind("accountServices", accountServices);
        context.addComponent(FillFeedComponent.SCHEME, new FillFeedComponent(accountServices));
        context.getRegistry().bind("fillId", new FillIdKey());
        context.getRegistry().bind("kalshiObjectMapper", KalshiJson.objectMapper());
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
