package kalshifills.app;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.clickhouse.SocketTimeoutDataSource;
import kalshifills.kalshi.KalshiFillCount;
import kalshifills.kalshi.KalshiHttpClient;
import kalshifills.maintenance.FillsTableRepair;
import kalshifills.maintenance.FillsTableVerification;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * {@code verify} and {@code repair}: one fills table checked or rebuilt, with the service's own settings (the same
 * application.properties, the same environment overrides, the same checks of each setting), without polling.
 *
 * <pre>
 * verify [--table db.table] [--hours N] [--allow-empty]   the specification's validation queries; exit 3 when a check fails
 * repair [--table db.table] [--dry-run]   rebuild a table left by the old ingester, keeping it as a backup; exit 3 when it refuses
 * </pre>
 */
final class TableCommand {

    static final int CHECK_FAILED = 3;

    private final String command;
    private final List<String> options;

    TableCommand(String command, List<String> options) {
        this.command = command;
        this.options = new ArrayList<>(options);
    }

    static boolean isCommand(String arg) {
        return "verify".equals(arg) || "repair".equals(arg);
    }

    int run(PrintStream out) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation("file:application.properties");
            Settings settings = new Settings(context.getPropertiesComponent());
            Clock clock = Clock.systemUTC();
            String table = option("--table").orElse(null);
            table = table == null ? IngesterConfiguration.tableName(settings, "clickhouse.fills-table") : checkedTable(table);
            try (SocketTimeoutDataSource dataSource = IngesterConfiguration.clickHouseDataSource(settings)) {
                return "verify".equals(command) ? verify(settings, dataSource, table, clock, out) : repair(settings, dataSource, table, clock, out);
            }
        }
    }

    private int verify(Settings settings, SocketTimeoutDataSource dataSource, String table, Clock clock, PrintStream out) throws Exception {
        Duration window = Duration.ofHours(option("--hours").map(TableCommand::parseHours).orElse(1));
        KalshiFillCount kalshi = null;
        if (settings.optionalText("kalshi.api-key-id").isPresent()) {
            IngesterConfiguration.checkKalshiBaseUrl(settings);
            kalshi = new KalshiFillCount(settings.text("kalshi.base-url"),
                    new KalshiHttpClient(IngesterConfiguration.kalshiRequestSigner(settings, clock)), IngesterConfiguration.fillsQuery(settings));
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
        ClickHouseSchema schema = IngesterConfiguration.clickHouseSchema(settings);
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
                    + " [--allow-empty], repair [--table db.table] [--dry-run]");
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
