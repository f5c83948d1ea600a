package kalshifills.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.clickhouse.SocketTimeoutDataSource;
import kalshifills.kalshi.FillsQuery;
import kalshifills.kalshi.KalshiKeyFile;
import kalshifills.kalshi.KalshiRequestSigner;
import kalshifills.status.FailureReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects the service's settings describe, each checked as it is made: a setting that cannot work is named with its
 * fix ({@link ConfigurationException}). Shared by the service, each account, and the maintenance commands.
 */
public final class ServiceSettings {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceSettings.class);

    private ServiceSettings() {
    }

    public static KalshiRequestSigner kalshiRequestSigner(Settings settings, Clock clock) {
        String keyId = settings.optionalText("kalshi.api-key-id").orElseThrow(() -> new ConfigurationException(settings.keyOf("kalshi.api-key-id"),
                "is not set; set it to the id of your Kalshi API key, or start with --demo to run against the simulated API"));
        try {
            return new KalshiRequestSigner(keyId, KalshiKeyFile.read(settings.file("kalshi.private-key-file")), clock);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(settings.keyOf("kalshi.private-key-file"), e.getMessage());
        }
    }

    /** The routes build their Kalshi endpoint from it; a wrong one should be named now, not deep inside Camel's start. */
    public static void checkKalshiBaseUrl(Settings settings) {
        String baseUrl = settings.text("kalshi.base-url");
        try {
            URI uri = new URI(baseUrl);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null && uri.getQuery() == null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigurationException("kalshi.base-url", "is '" + baseUrl + "'; expected an http(s) URL such as"
                + " https://external-api.kalshi.com/trade-api/v2");
    }


    /**
     * The WebSocket feed's address: {@code kalshi.feed.url}, else the one Kalshi serves beside {@code kalshi.base-url}
     * ({@code https://host/trade-api/v2} gives {@code wss://host/trade-api/ws/v2}).
     */
    public static URI kalshiFeedUrl(Settings settings) {
        String url = settings.optionalText("kalshi.feed.url").orElseGet(() -> {
            URI base = URI.create(settings.text("kalshi.base-url"));
            return ("https".equals(base.getScheme()) ? "wss" : "ws") + "://" + base.getRawAuthority() + "/trade-api/ws/v2";
        });
        try {
            URI uri = new URI(url);
            if (("wss".equals(uri.getScheme()) || "ws".equals(uri.getScheme())) && uri.getHost() != null && uri.getQuery() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigurationException("kalshi.feed.url", "is '" + url + "'; expected a ws(s) URL such as wss://external-api.kalshi.com/trade-api/ws/v2");
    }

    public static FillsQuery fillsQuery(Settings settings) {
        return new FillsQuery(
                settings.integer("kalshi.fills.page-limit", 1, 1000),
                settings.optionalInteger("kalshi.fills.subaccount", 0, 63).orElse(null),
                settings.optionalText("kalshi.fills.ticker").orElse(null));
    }

    public static ClickHouseSchema clickHouseSchema(Settings settings) {
        ClickHouseSchema schema = new ClickHouseSchema(tableName(settings, "clickhouse.fills-table"), tableName(settings, "clickhouse.rejects-table"),
                tableName(settings, "clickhouse.poll-state-table"), settings.integer("clickhouse.dedup-window", 1, 1_000_000));
        return settings.optionalText("clickhouse.cluster").map(cluster -> {
            if (!cluster.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigurationException("clickhouse.cluster", "is '" + cluster + "'; expected the name of a cluster of the server's"
                        + " remote_servers (letters, digits and '_'), or empty for a single server");
            }
            return schema.onCluster(cluster);
        }).orElse(schema);
    }

    public static String tableName(Settings settings, String key) {
        String name = settings.text(key);
        if (!ClickHouseSchema.isTableName(name)) {
            throw new ConfigurationException(settings.keyOf(key), "is '" + name + "'; expected database.table, letters, digits and '_' only");
        }
        return name;
    }

    /**
     * The pool of ClickHouse connections, checked by asking the server something: a URL, database or user it refuses is a
     * setting to fix; a server that does not answer is one only when {@code mustAnswer} (the maintenance commands), while
     * the service starts anyway and its routes are started once the server answers.
     *
     * @param meters where HikariCP's pool metrics go ({@code hikaricp_connections_*}, tag {@code pool="clickhouse"}), or null
     */
    public static SocketTimeoutDataSource clickHouseDataSource(Settings settings, boolean mustAnswer, MeterRegistry meters) {
        String url = settings.text("clickhouse.url");
        String shown = withoutCredentials(url);
        if (!url.startsWith("jdbc:clickhouse:") && !url.startsWith("jdbc:ch:")) {
            throw new ConfigurationException("clickhouse.url", "is '" + shown + "'; expected a JDBC URL such as jdbc:clickhouse://127.0.0.1:8123");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("clickhouse");
        config.setJdbcUrl(url);
        config.setUsername(settings.text("clickhouse.user"));
        config.setPassword(settings.optionalText("clickhouse.password").orElse(""));
        config.setMaximumPoolSize(settings.integer("clickhouse.pool-size", 1, 64));
        int connectTimeout = settings.integer("clickhouse.connect-timeout-ms", 250, 600_000);
        int socketTimeout = settings.integer("clickhouse.socket-timeout-ms", 1_000, 3_600_000);
        config.setConnectionTimeout(connectTimeout);
        config.addDataSourceProperty("connection_timeout", Integer.toString(connectTimeout));
        config.addDataSourceProperty("socket_timeout", Integer.toString(socketTimeout));
        // The route's redelivery policy is the one retry; the client would otherwise repeat failed requests unseen.
        config.addDataSourceProperty("retry", "0");
        if (meters != null) {
            config.setMetricRegistry(meters);
        }
        SocketTimeoutDataSource dataSource;
        try {
            dataSource = new SocketTimeoutDataSource(new HikariDataSource(config), socketTimeout);
        } catch (RuntimeException e) {
            throw new ConfigurationException("clickhouse.url", "cannot connect to " + shown + " as " + config.getUsername() + ": "
                    + FailureReason.of(e));
        }
        checkReachable(dataSource, shown, config.getUsername(), mustAnswer);
        return dataSource;
    }

    /** A JDBC URL as it may be shown: a password in its user part or its parameters never reaches a log. */
    static String withoutCredentials(String url) {
        return url.replaceFirst("//[^/@]*@", "//").replaceFirst("\\?.*", "");
    }

    /** The driver opens connections without asking the server anything: ask it something, and name the setting to fix. */
    private static void checkReachable(DataSource dataSource, String url, String user, boolean mustAnswer) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        } catch (SQLException e) {
            String answer = FailureReason.of(e);
            if (answer.contains("UNKNOWN_DATABASE")) {
                throw new ConfigurationException("clickhouse.url", "names a database that does not exist (" + answer
                        + "); create it, or leave the database out of the URL: the service creates its tables' databases itself");
            }
            // Code 516 (AUTHENTICATION_FAILED) for an unknown user, 194 (REQUIRED_PASSWORD) for a wrong password, as the driver words them.
            if (answer.contains("AUTHENTICATION_FAILED") || answer.contains("REQUIRED_PASSWORD") || answer.contains("Authentication failed")) {
                throw new ConfigurationException("clickhouse.user", "ClickHouse at " + url + " refused user '" + user + "' (" + answer
                        + "); check clickhouse.user and clickhouse.password");
            }
            if (mustAnswer) {
                throw new ConfigurationException("clickhouse.url", "cannot reach ClickHouse at " + url + ": " + answer);
            }
            LOG.atWarn().setMessage("clickhouse_unreachable")
                    .addKeyValue("url", url)
                    .addKeyValue("reason", answer)
                    .addKeyValue("outcome", "the service starts; each account's route starts once it answers (camel.routecontroller.*); health is DOWN meanwhile")
                    .log();
        }
    }
}
