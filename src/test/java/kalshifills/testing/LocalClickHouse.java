package kalshifills.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real ClickHouse server the integration tests talk to.
 *
 * <p>{@link #shared()} is one server for the whole test run: the one {@code TEST_CLICKHOUSE_URL} names (as {@code .ci/run}
 * sets it), or else one this class starts with {@code src/scripts/clickhouse.sh} and stops when the JVM exits. Each test
 * works in a database of its own ({@link #newDatabase()}), so tests never see each other's rows.
 */
public final class LocalClickHouse {

    private static LocalClickHouse shared;

    private final String jdbcUrl;
    private final Path dir;
    private final int port;
    private Path config;
    private int tcpPort;

    private LocalClickHouse(String jdbcUrl, Path dir, int port) {
        this.jdbcUrl = jdbcUrl;
        this.dir = dir;
        this.port = port;
    }

    public static synchronized LocalClickHouse shared() {
        if (shared == null) {
            String external = System.getenv("TEST_CLICKHOUSE_URL");
            if (external != null && !external.isBlank()) {
                shared = at(external);
            } else {
                LocalClickHouse started = start(Path.of("target", "clickhouse-it"), freePort());
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "clickhouse-it-stop"));
                shared = started;
            }
        }
        return shared;
    }

    /** A server started by someone else, such as the benchmark's script. */
    public static LocalClickHouse at(String jdbcUrl) {
        return new LocalClickHouse(jdbcUrl, null, 0);
    }

    /** Starts a server of its own under {@code dir}, for a test that stops or kills it. */
    public static LocalClickHouse start(Path dir, int port) {
        return start(dir, port, null);
    }

    /** @param config a server config file to start with (clickhouse.sh's CLICKHOUSE_CONFIG), or null */
    public static LocalClickHouse start(Path dir, int port, Path config) {
        return start(dir, port, config, 0);
    }

    /** @param tcpPort the native protocol's port, which a Distributed table on another server reaches this one by; 0 for none */
    public static LocalClickHouse start(Path dir, int port, Path config, int tcpPort) {
        LocalClickHouse server = new LocalClickHouse("jdbc:clickhouse://127.0.0.1:" + port, dir.toAbsolutePath(), port);
        server.config = config;
        server.tcpPort = tcpPort;
        server.restart();
        return server;
    }

    public void stop() {
        if (dir != null) {
            script("stop", dir.toString());
        }
    }

    /** SIGKILL, as a crash or the OOM killer would end it. */
    public void kill() {
        try {
            long pid = Long.parseLong(Files.readString(dir.resolve("clickhouse.pid")).trim());
            ProcessHandle server = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
            server.destroyForcibly();
            server.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot kill the ClickHouse server of " + dir, e);
        }
    }

    /** Starts it again on the same port, with the same data. */
    public void restart() {
        script("start", dir.toString(), Integer.toString(port), tcpPort == 0 ? "" : Integer.toString(tcpPort));
    }

    public int port() {
        return port != 0 ? port : java.net.URI.create(jdbcUrl.substring("jdbc:".length())).getPort();
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A new, empty database name for one test. */
    public String newDatabase() {
        return "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Rows in the active parts of {@code database.table}: 0 until the table exists, for a service that creates it at start. */
    public long rowsIn(String database, String table) {
        return queryLong("SELECT sum(rows) FROM system.parts WHERE database = '" + database + "' AND table = '" + table + "' AND active");
    }

    public long queryLong(String sql) {
        return ((Number) rows(sql).get(0).get(0)).longValue();
    }

    public List<List<Object>> rows(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "default", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<List<Object>> result = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rows.getObject(i));
                }
                result.add(row);
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "default", "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private void script(String... args) {
        List<String> command = new ArrayList<>(List.of("src/scripts/clickhouse.sh"));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(Path.of("target"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "clickhouse-script.log").toFile()));
            if (config != null) {
                builder.environment().put("CLICKHOUSE_CONFIG", config.toAbsolutePath().toString());
            }
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed; see target/clickhouse-script.log");
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " was interrupted", e);
        }
    }
}
