package kalshifills.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import kalshifills.settings.ConfigurationException;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.testing.Eventually;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import kalshifills.testing.TestKeys;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.SupervisingRouteController;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every environment variable the README's configuration table documents, set at once and each read back from the running
 * service: the value its settings resolve, and where Camel holds it, the object that uses it.
 */
class SettingsFromEnvironmentIT extends SimulatedAccountTest {

    private static final String TICKER = "INXD-26JAN11-B5900";

    private final TestingServer zooKeeper;

    SettingsFromEnvironmentIT() throws Exception {
        zooKeeper = new TestingServer(true);
    }

    @AfterEach
    void stopZooKeeper() throws IOException {
        zooKeeper.close();
    }

    /** A value for each documented key, other than its default. */
    private Map<String, String> values() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kalshi.base-url", kalshi.baseUrl());
        values.put("kalshi.api-key-id", TestKeys.KEY_ID);
        values.put("kalshi.private-key-file", TestKeys.PKCS1_PRIVATE_KEY.toAbsolutePath().toString());
        values.put("kalshi.fills.page-limit", "7");
        values.put("kalshi.fills.subaccount", "0");
        values.put("kalshi.fills.ticker", TICKER);
        values.put("kalshi.rate-limit.requests-per-second", "250");
        values.put("kalshi.rate-limit.retries", "3");
        values.put("kalshi.rate-limit.first-retry-delay-ms", "250");
        values.put("kalshi.historical.cutoff-max-age-seconds", "120");
        values.put("kalshi.feed.enabled", "true");
        values.put("kalshi.feed.url", kalshi.feed().url());
        values.put("kalshi.feed.reconnect-first-delay-ms", "200");
        values.put("kalshi.feed.reconnect-max-delay-ms", "2000");
        values.put("kalshi.feed.idle-timeout-ms", "20000");
        values.put("kalshi.feed.batch-timeout-ms", "50");
        values.put("fills.poll.cron", "0/1 * * * * ?");
        values.put("fills.poll.overlap-seconds", "1800");
        values.put("fills.poll.store-timeout-seconds", "120");
        values.put("fills.batch.size", "5");
        values.put("fills.batch.timeout-ms", "700");
        values.put("fills.insert.retries", "2");
        values.put("fills.insert.first-retry-delay-ms", "300");
        values.put("fills.health.max-missed-polls", "9");
        values.put("clickhouse.url", clickHouse.jdbcUrl());
        values.put("clickhouse.fills-table", table);
        values.put("clickhouse.rejects-table", table + "_rejected");
        values.put("clickhouse.poll-state-table", table + "_poll_state");
        values.put("clickhouse.pool-size", "3");
        values.put("clickhouse.connect-timeout-ms", "4000");
        values.put("clickhouse.socket-timeout-ms", "20000");
        values.put("routes.reload-enabled", "false");
        values.put("repair.max-rejected-share", "0.01");
        values.put("cluster.zookeeper.nodes", zooKeeper.getConnectString());
        values.put("cluster.zookeeper.base-path", "/environment-test/leaders");
        values.put("cluster.zookeeper.session-timeout-ms", "8000");
        values.put("cluster.zookeeper.connect-timeout-ms", "4000");
        values.put("fills.instance-id", "instance-from-the-environment");
        values.put("camel.management.port", Integer.toString(LocalClickHouse.freePort()));
        values.put("camel.routecontroller.back-off-delay", "1500");
        values.put("camel.routecontroller.back-off-multiplier", "3");
        values.put("camel.routecontroller.back-off-max-delay", "45000");
        return values;
    }

    /** The ClickHouse login: the test server knows only the default user, so a changed one is shown refused. */
    private static final List<String> LOGIN = List.of("clickhouse.user", "clickhouse.password");

    /** The test server is no cluster: a cluster's name is shown by its refusal. */
    private static final String CLUSTER = "clickhouse.cluster";

    @Test
    void every_documented_variable_takes_effect() throws Exception {
        Map<String, String> documented = documentedVariables();
        Map<String, String> values = values();
        assertThat(values.keySet()).as("a test value for every key the README documents")
                .containsExactlyInAnyOrderElementsOf(documented.keySet().stream().filter(key -> !LOGIN.contains(key) && !CLUSTER.equals(key)).toList());
        Properties defaults = defaults();
        values.forEach((key, value) -> assertThat(value).as(key + " differs from its default").isNotEqualTo(defaults.getProperty(key)));
        List<SimulatedFill> fills = new SimulatedFills(21).between(Instant.now().minus(Duration.ofMinutes(20)), Instant.now(), 60);
        kalshi.addFills(fills);
        long ofTicker = fills.stream().filter(fill -> TICKER.equals(fill.ticker())).count();

        try (RunningIngester ingester = RunningIngester.startInEnvironment(environment(values))) {
            values.forEach((key, value) -> assertThat(ingester.context().getPropertiesComponent().resolveProperty(key))
                    .as(key).hasValue(value));

            HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + values.get("camel.management.port") + "/observe/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).as("the management server on CAMEL_MANAGEMENT_PORT").isEqualTo(200);
            SupervisingRouteController routes = ingester.context().getRouteController().adapt(SupervisingRouteController.class);
            assertThat(routes.getBackOffDelay()).isEqualTo(1500);
            assertThat(routes.getBackOffMultiplier()).isEqualTo(3.0);
            assertThat(routes.getBackOffMaxDelay()).isEqualTo(45000);
            MeterRegistry meters = ingester.context().getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                    MeterRegistry.class);
            assertThat(meters.get("hikaricp.connections.max").gauge().value()).as("the pool size").isEqualTo(3.0);
            // The schedule, the account, the filter and the tables: the fills of the ticker arrive with no tick by hand.
            Eventually.equals(ofTicker, this::stored, Duration.ofSeconds(30));
            assertThat(meters.get("kalshi.fills.leader").gauge().value()).as("elected over ZooKeeper").isEqualTo(1.0);
            try (CuratorFramework client = CuratorFrameworkFactory.newClient(zooKeeper.getConnectString(), new RetryOneTime(100))) {
                client.start();
                assertThat(client.getChildren().forPath("/environment-test/leaders")).contains("fills-main");
            }
            assertThat(clickHouse.queryLong("SELECT countIf(engine_instance_id = 'instance-from-the-environment') FROM " + table))
                    .isEqualTo(ofTicker);
            // The feed: on, at the URL given, held by the leader.
            Eventually.equals(1, kalshi.feed()::subscribedConnections, Duration.ofSeconds(20));
            assertThat(meters.get("kalshi.fills.feed.subscribed").gauge().value()).isEqualTo(1.0);
        }
        assertThat(kalshi.queries()).anySatisfy(query -> assertThat(query).contains("limit=7").contains("ticker=" + TICKER));
    }

    @Test
    void the_clickhouse_login_comes_from_the_environment_too() throws Exception {
        Map<String, String> otherUser = environment(values());
        otherUser.put("CLICKHOUSE_USER", "env_user");
        assertThatThrownBy(() -> RunningIngester.startInEnvironment(otherUser).close())
                .hasStackTraceContaining("clickhouse.user (environment variable CLICKHOUSE_USER): ClickHouse at ")
                .hasStackTraceContaining("refused user 'env_user'");

        Map<String, String> otherPassword = environment(values());
        otherPassword.put("CLICKHOUSE_PASSWORD", "env-password");
        assertThatThrownBy(() -> RunningIngester.startInEnvironment(otherPassword).close())
                .hasStackTraceContaining("refused user 'default'")
                .satisfies(refused -> {
                    StringWriter trace = new StringWriter();
                    refused.printStackTrace(new PrintWriter(trace));
                    assertThat(trace.toString()).as("the password in no message").doesNotContain("env-password");
                });
    }

    @Test
    void the_clickhouse_cluster_comes_from_the_environment_too() throws Exception {
        Map<String, String> values = values();
        Map<String, String> environment = environment(values);
        environment.put("CLICKHOUSE_CLUSTER", "fills_cluster");
        try (RunningIngester ingester = RunningIngester.startInEnvironment(environment)) {
            URI ready = URI.create("http://127.0.0.1:" + values.get("camel.management.port") + "/observe/health/ready");
            Eventually.equals(true, () -> {
                try {
                    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()).body()
                            .contains("Requested cluster 'fills_cluster' not found");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, Duration.ofSeconds(30));
        }
    }

    private static Map<String, String> environment(Map<String, String> values) {
        Map<String, String> environment = new HashMap<>();
        values.forEach((key, value) -> environment.put(ConfigurationException.environmentVariable(key), value));
        return environment;
    }

    /** The README's configuration table: each key and the variable it names. */
    private static Map<String, String> documentedVariables() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("**Rate budget.**"));
        Matcher row = Pattern.compile("^\\| `([a-z][a-z0-9.\\-]*)` \\| `([A-Z0-9_]+)` \\|", Pattern.MULTILINE).matcher(table);
        Map<String, String> documented = new LinkedHashMap<>();
        while (row.find()) {
            assertThat(row.group(2)).as("the variable of " + row.group(1)).isEqualTo(ConfigurationException.environmentVariable(row.group(1)));
            documented.put(row.group(1), row.group(2));
        }
        assertThat(documented).hasSizeGreaterThan(30);
        return documented;
    }

    private static Properties defaults() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(Path.of("application.properties"))));
        return properties;
    }
}
