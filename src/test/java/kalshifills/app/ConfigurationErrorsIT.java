package kalshifills.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.ServiceProcess;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

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
    }
}
