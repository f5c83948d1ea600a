package kalshifills.maintenance;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.clickhouse.SocketTimeoutDataSource;
import kalshifills.kalshi.KalshiFillCount;
import kalshifills.kalshi.KalshiHttpClient;
import kalshifills.settings.ConfigurationException;
import kalshifills.settings.PropertiesFile;
import kalshifills.settings.ServiceSettings;
import kalshifills.settings.Settings;

/**
 * {@code verify} and {@code repair}: one fills table checked or rebuilt, with the service's own settings (the same
 * application.properties, the same environment overrides, the same checks of each setting), without polling and without
 * a Camel context. {@code --help} answers without reading a setting or connecting anywhere.
 *
 * <pre>
 * verify [--table db.table] [--hours N] [--allow-empty]   the specification's validation queries; exit 3 when a check fails
 * repair [--table db.table] [--dry-run]   rebuild a table left by the old ingester, keeping it as a backup; exit 3 when it refuses
 * </pre>
 */
public final class MaintenanceCommand {

    /** The exit status when a check fails, or a repair refuses. */
    public static final int CHECK_FAILED = 3;

    private static final String USAGE = """
            usage: java -jar kalshi-fills-ingester.jar verify [--table db.table] [--hours N] [--allow-empty]
                   java -jar kalshi-fills-ingester.jar repair [--table db.table] [--dry-run]

            verify   the specification's validation queries over the last N hours (1) of a fills table (clickhouse.fills-table):
                     rows present, timestamps spread, no blank ids, one row per fill, as many fills as Kalshi serves (with a
                     Kalshi key); exit 3 when a check fails. --allow-empty passes an empty window without a Kalshi key.
            repair   rebuilds a table the old ingester (or an earlier version of this service) wrote: one row per fill, its own
                     id and time, raw_json read as JSON or as a Python literal; checks before it swaps, keeps the old table as a
                     backup, and refuses (exit 3, nothing changed) when fills would be lost. --dry-run writes nothing.

            Settings come from application.properties in this directory, overridden by environment variables and -Dkey=value.
            Exit status: 0 passed, 2 a setting to fix, 3 a check failed or a repair refused, 1 anything else.
            """;

    private final String command;
    private final List<String> options;

    public MaintenanceCommand(String command, List<String> options) {
        this.command = command;
        this.options = new ArrayList<>(options);
    }

    public static boolean isCommand(String arg) {
        return "verify".equals(arg) || "repair".equals(arg);
    }

    public int run(PrintStream out) throws Exception {
        if (options.contains("--help") || options.contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        Settings settings = PropertiesFile.read(Path.of("application.properties"));
        Clock clock = Clock.systemUTC();
        String table = option("--table").orElse(null);
        table = table == null ? ServiceSettings.tableName(settings, "clickhouse.fills-table") : checkedTable(table);
        try (SocketTimeoutDataSource dataSource = ServiceSettings.clickHouseDataSource(settings, true, null)) {
            return "verify".equals(command) ? verify(settings, dataSource, table, clock, out) : repair(settings, dataSource, table, clock, out);
        }
    }

    private int verify(Settings settings, SocketTimeoutDataSource dataSource, String table, Clock clock, PrintStream out) throws Exception {
        Duration window = Duration.ofHours(option("--hours").map(MaintenanceCommand::parseHours).orElse(1));
        KalshiFillCount kalshi = null;
        if (settings.optionalText("kalshi.api-key-id").isPresent()) {
            ServiceSettings.checkKalshiBaseUrl(settings);
            kalshi = new KalshiFillCount(settings.text("kalshi.base-url"),
                    new KalshiHttpClient(ServiceSettings.kalshiRequestSigner(settings, clock)), ServiceSettings.fillsQuery(settings));
        }
        boolean allowEmpty = options.remove("--allow-empty");
        refuseUnknownOptions();
        List<FillsTableVerification.Check> checks = new FillsTableVerification(dataSource, table, window, kalshi, allowEmpty, clock).run();
        out.print(FillsTableVerification.table(table, checks));
        return checks.stream().anyMatch(check -> check.result() == FillsTableVerification.Result.FAIL) ? CHECK_FAILED : 0;
    }

    private int repair(Settings settings, SocketTimeoutDataSource dataSource, String table, Clock clock, PrintStream out) throws Exception {
        boolean dryRun = options.remove("--dry-run");
        refuseUnknownOptions();
        ClickHouseSchema schema = ServiceSettings.clickHouseSchema(settings);
        if (schema.clustered()) {
            throw new ConfigurationException("clickhouse.cluster", "is set, and repair rebuilds single-server tables only; run it against"
                    + " one server's table with clickhouse.cluster empty");
        }
        double maxRejectedShare = settings.share("repair.max-rejected-share");
        FillsTableRepair.Report report = new FillsTableRepair(dataSource, table, schema, clock, Duration.ofSeconds(5),
                settings.integer("repair.batch-size", 1, 1_000_000), maxRejectedShare).run(dryRun);
        out.print(FillsTableRepair.table(table, dryRun, maxRejectedShare, report));
        return report.refused() ? CHECK_FAILED : 0;
    }

    private Optional<String> option(String name) {
        int at = options.indexOf(name);
        if (at < 0) {
            return Optional.empty();
        }
        if (at + 1 >= options.size()) {
            throw new ConfigurationException(name, "needs a value: " + command + " " + name + " <value>");
        }
        String value = options.get(at + 1);
        options.subList(at, at + 2).clear();
        return Optional.of(value);
    }

    private void refuseUnknownOptions() {
        if (!options.isEmpty()) {
            throw new ConfigurationException(command, "does not know " + options + "; usage: verify [--table db.table] [--hours N]"
                    + " [--allow-empty], repair [--table db.table] [--dry-run]; " + command + " --help says more");
        }
    }

    private static String checkedTable(String table) {
        if (!ClickHouseSchema.isTableName(table)) {
            throw new ConfigurationException("--table", "is '" + table + "'; expected database.table, letters, digits and '_' only");
        }
        return table;
    }

    private static int parseHours(String hours) {
        try {
            int value = Integer.parseInt(hours);
            if (value >= 1 && value <= 24 * 90) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException("--hours", "is '" + hours + "'; expected a whole number of hours from 1 to 2160");
    }
}
