package kalshifills.app;

import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.ServiceProcess;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A setting that cannot work stops the jar at start with exit status 2 and one line naming the key and the fix. */
class ConfigurationErrorsIT {

    private static final LocalClickHouse CLICKHOUSE = LocalClickHouse.shared();

    static Stream<Arguments> settingsThatCannotWork() {
        Map<String, String> account = Map.of("kalshi.api-key-id", TestKeys.KEY_ID,
                "kalshi.private-key-file", TestKeys.PKCS1_PRIVATE_KEY.toAbsolutePath().toString(),
                "clickhouse.url", CLICKHOUSE.jdbcUrl());
        return Stream.of(
                Arguments.of("no API key id", with(Map.of("clickhouse.url", CLICKHOUSE.jdbcUrl()), "kalshi.api-key-id", ""), false,
                        "kalshi.api-key-id (environment variable KALSHI_API_KEY_ID): is not set; set it to the id of your Kalshi API key,"
                                + " or start with --demo to run against the simulated API"),
                Arguments.of("unreadable key file", with(account, "kalshi.private-key-file", "/nonexistent/kalshi.pem"), false,
                        "kalshi.private-key-file (environment variable KALSHI_PRIVATE_KEY_FILE): cannot read the private key file"
                                + " /nonexistent/kalshi.pem (NoSuchFileException); point it at the PEM file downloaded with the Kalshi API key"),
                Arguments.of("key file that is not a key", with(account, "kalshi.private-key-file", "pom.xml"), false,
                        "kalshi.private-key-file (environment variable KALSHI_PRIVATE_KEY_FILE): pom.xml holds no PEM private key;"
                                + " expected a '-----BEGIN RSA PRIVATE KEY-----' or '-----BEGIN PRIVATE KEY-----' block"),
                Arguments.of("malformed Kalshi URL", with(account, "kalshi.base-url", "external-api.kalshi.com/trade-api/v2"), false,
                        "kalshi.base-url (environment variable KALSHI_BASE_URL): is 'external-api.kalshi.com/trade-api/v2'; expected an"
                                + " http(s) URL such as https://external-api.kalshi.com/trade-api/v2"),
                Arguments.of("ClickHouse URL that is not JDBC", with(account, "clickhouse.url", "http://127.0.0.1:8123"), false,
                        "clickhouse.url (environment variable CLICKHOUSE_URL): is 'http://127.0.0.1:8123'; expected a JDBC URL such as"
                                + " jdbc:clickhouse://127.0.0.1:8123"),
                Arguments.of("unknown database", with(account, "clickhouse.url", CLICKHOUSE.jdbcUrl() + "/no_such_db"), false,
                        "clickhouse.url (environment variable CLICKHOUSE_URL): names a database that does not exist (ServerException:"
                                + " Code: 81. DB::Exception: Database no_such_db does not exist."),
                Arguments.of("demo with a real account set", with(Map.of("clickhouse.url", CLICKHOUSE.jdbcUrl()), "kalshi.api-key-id", "k"), true,
                        "kalshi.api-key-id (environment variable KALSHI_API_KEY_ID): is set in the environment, and --demo runs against"
                                + " a simulated account: unset KALSHI_API_KEY_ID to run the demo, or leave out --demo to use it"));
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        Map<String, String> changed = new HashMap<>(settings);
        changed.put(key, value);
        return changed;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settingsThatCannotWork")
    void stops_start_up_with_one_line_naming_the_key_and_the_fix(String what, Map<String, String> settings, boolean demo, String reason)
            throws Exception {
        ServiceProcess service = demo ? ServiceProcess.start(settings, "--demo") : ServiceProcess.start(settings);

        assertThat(service.exitWithin(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(service.events("configuration_error")).singleElement().satisfies(e -> assertThat(e.get("reason").asText())
                .startsWith(reason).doesNotContain("\n"));
        assertThat(service.lines()).as("every line one JSON event, no stack trace").allSatisfy(line ->
                assertThat(ServiceProcess.json(line).has("stack_trace")).isFalse());
    }

    @Test
    void a_clickhouse_that_does_not_answer_is_one_line_without_a_stack_trace() throws Exception {
        try (ServerSocket closed = new ServerSocket(0)) {
            int port = closed.getLocalPort();
            closed.close();
            ServiceProcess verify = ServiceProcess.start(Map.of("clickhouse.url", "jdbc:clickhouse://127.0.0.1:" + port), "verify");

            assertThat(verify.exitWithin(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(verify.events("configuration_error")).singleElement().satisfies(e -> assertThat(e.get("reason").asText())
                    .startsWith("clickhouse.url (environment variable CLICKHOUSE_URL): cannot reach ClickHouse at jdbc:clickhouse://127.0.0.1:"
                            + port + ": HttpHostConnectException: "));
            assertThat(verify.lines()).as("the configuration_error alone").hasSize(1);

            // LOG_FORMAT=text, LOG_LEVEL=debug: readable lines, the client's own among them, and the stack traces.
            ServiceProcess debug = ServiceProcess.start(Map.of("clickhouse.url", "jdbc:clickhouse://127.0.0.1:" + port,
                    "log.format", "text", "log.level", "debug"), "verify");
            assertThat(debug.exitWithin(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(debug.lines()).anySatisfy(line -> assertThat(line).contains("ERROR Application").contains("configuration_error"))
                    .anySatisfy(line -> assertThat(line).contains("WARN  Client").contains("Retrying"))
                    .anySatisfy(line -> assertThat(line).startsWith("\tat com.clickhouse."));
        }
    }

    @Test
    void a_management_port_in_use_stops_start_up_naming_the_setting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> settings = Map.of("kalshi.api-key-id", TestKeys.KEY_ID,
                    "kalshi.private-key-file", TestKeys.PKCS1_PRIVATE_KEY.toAbsolutePath().toString(),
                    "clickhouse.url", CLICKHOUSE.jdbcUrl(), "camel.management.port", Integer.toString(taken.getLocalPort()));
            ServiceProcess service = ServiceProcess.start(settings);

            assertThat(service.exitWithin(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(service.events("configuration_error")).singleElement().satisfies(e -> assertThat(e.get("reason").asText())
                    .startsWith("camel.management.port (environment variable CAMEL_MANAGEMENT_PORT): is " + taken.getLocalPort()
                            + ", and 0.0.0.0:" + taken.getLocalPort() + " is taken (Address already in use): stop the process"));
        }
    }

    @Test
    void help_prints_the_services_own_usage_and_connects_nowhere() throws Exception {
        try (ServerSocket clickHouse = new ServerSocket(0)) {
            clickHouse.setSoTimeout(1);
            Map<String, String> settings = Map.of("clickhouse.url", "jdbc:clickhouse://127.0.0.1:" + clickHouse.getLocalPort());
            for (String[] args : List.of(new String[] {"--help"}, new String[] {"verify", "--help"}, new String[] {"repair", "--help"})) {
                ServiceProcess service = ServiceProcess.start(settings, args);

                assertThat(service.exitWithin(Duration.ofSeconds(30))).as(String.join(" ", args)).isZero();
                assertThat(String.join("\n", service.lines())).as(String.join(" ", args))
                        .startsWith("usage: java -jar kalshi-fills-ingester.jar").doesNotContain("Apache Camel Runner");
                assertThatThrownBy(clickHouse::accept).as("a connection to ClickHouse").isInstanceOf(SocketTimeoutException.class);
            }
        }
    }
}
