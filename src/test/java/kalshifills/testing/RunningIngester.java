package kalshifills.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import kalshifills.app.Application;
import kalshifills.simulator.SimulatedKalshiApi;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * The service started in-process exactly as {@link Application} starts it, with the given settings on top of
 * application.properties: either with its quartz trigger replaced by {@code direct:tick} so a test drives the ticks
 * ({@link #start}), or ticking on its own schedule ({@link #startOnSchedule}).
 */
public final class RunningIngester implements AutoCloseable {

    private final Main main;
    private final ProducerTemplate ticks;

    private RunningIngester(Main main) {
        this.main = main;
        this.ticks = main.getCamelContext().createProducerTemplate();
    }

    public static RunningIngester start(Map<String, String> settings) throws Exception {
        Properties overrides = new Properties();
        // The quartz route starts before it is advised: a cron that never fires keeps every tick the test's own.
        overrides.put("fills.poll.cron", "0 0 0 1 1 ? 2099");
        overrides.putAll(settings);
        Main main = Application.newMain();
        main.setOverrideProperties(overrides);
        // Advised before the routes start: a route made from a template keeps its own beans only while it is being made.
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                try {
                    AdviceWith.adviceWith(configured.getCamelContext(), "fills-poll-main", route -> route.replaceFromWith("direct:tick"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        main.start();
        return new RunningIngester(main);
    }

    public static RunningIngester startOnSchedule(Map<String, String> settings) {
        Properties overrides = new Properties();
        overrides.putAll(settings);
        return new RunningIngester(started(overrides));
    }

    /**
     * The service on its own schedule with no settings but application.properties and these environment variables, read
     * as the service reads its environment.
     */
    public static RunningIngester startInEnvironment(Map<String, String> variables) {
        Main main = Application.newMain(variables::get);
        main.start();
        return new RunningIngester(main);
    }

    private static Main started(Properties overrides) {
        Main main = Application.newMain();
        main.setOverrideProperties(overrides);
        main.start();
        return main;
    }

    /**
     * Settings that point the service at a simulated Kalshi account and at a fills table (and rejects table) of its own;
     * the key file by its absolute path, so that the jar run as a process of its own ({@link ServiceProcess}) finds it too.
     */
    public static Map<String, String> settings(SimulatedKalshiApi kalshi, String clickHouseUrl, String fillsTable) {
        Map<String, String> settings = new HashMap<>();
        settings.put("kalshi.base-url", kalshi.baseUrl());
        settings.put("kalshi.api-key-id", TestKeys.KEY_ID);
        settings.put("kalshi.private-key-file", TestKeys.PKCS1_PRIVATE_KEY.toAbsolutePath().toString());
        settings.put("clickhouse.url", clickHouseUrl);
        settings.put("clickhouse.fills-table", fillsTable);
        settings.put("clickhouse.rejects-table", fillsTable + "_rejected");
        settings.put("clickhouse.poll-state-table", fillsTable + "_poll_state");
        settings.put("camel.management.port", Integer.toString(LocalClickHouse.freePort()));
        // Tests drive polls back to back, far faster than the 10 s schedule the default rate is set for; the throttle's own
        // test (KalshiFaultsIT) sets the rate it checks.
        settings.put("kalshi.rate-limit.requests-per-second", "1000");
        return settings;
    }

    /** The management server's base URL, for /observe/health and /observe/metrics. */
    public String managementUrl() {
        return "http://127.0.0.1:" + main.getCamelContext().getPropertiesComponent().resolveProperty("camel.management.port").orElseThrow();
    }

    /** One poll, start to end, in the calling thread. */
    public void tick() {
        ticks.sendBody("direct:tick", null);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() throws Exception {
        ticks.close();
        main.stop();
    }
}
