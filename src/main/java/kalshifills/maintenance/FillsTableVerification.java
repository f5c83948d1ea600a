package kalshifills.maintenance;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import kalshifills.kalshi.KalshiFillCount;
import kalshifills.status.FailureReason;

/**
 * The specification's validation queries and success criteria, run against one fills table over a recent window:
 * timestamps spread over time, no blank ids, one row per fill, and as many fills as Kalshi serves for the same window.
 */
public final class FillsTableVerification {

    public enum Result { PASS, FAIL, SKIP }

    public record Check(String name, Result result, String detail) {
    }

    private final DataSource dataSource;
    private final String table;
    private final Duration window;
    private final KalshiFillCount kalshi;
    private final boolean allowEmpty;
    private final Clock clock;

    /**
     * @param kalshi     the API's own count, or null to skip the volume check
     * @param allowEmpty whether a window without rows passes when there is no Kalshi key to confirm it had no fills
     */
    public FillsTableVerification(DataSource dataSource, String table, Duration window, KalshiFillCount kalshi, boolean allowEmpty, Clock clock) {
        this.dataSource = dataSource;
        this.table = table;
        this.window = window;
        this.kalshi = kalshi;
        this.allowEmpty = allowEmpty;
        this.clock = clock;
    }

    public List<Check> run() throws SQLException {
        String sql = """
                SELECT count(), toString(min(ts)), toString(max(ts)), dateDiff('minute', min(ts), max(ts)),
                       sum(fill_id = ''), sum(fill_id IS NULL), uniqExact(fill_id)
                FROM %s WHERE ts > now() - INTERVAL %d SECOND""".formatted(table, window.toSeconds());
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            long rows = row.getLong(1);
            long spanMinutes = row.getLong(4);
            long blank = row.getLong(5);
            long nulls = row.getLong(6);
            long unique = row.getLong(7);
            String over = " in the last " + human(window);
            List<Check> checks = new ArrayList<>();
            Served served = served();
            checks.add(rowsPresent(rows, served, over));
            checks.add(rows < 2 ? new Check("timestamp spread", Result.SKIP, rows + " rows" + over + ", too few to judge")
                    : new Check("timestamp spread", spanMinutes > 1 ? Result.PASS : Result.FAIL, "from " + row.getString(2) + " to "
                            + row.getString(3) + ", " + spanMinutes + " min apart (needs more than 1)"));
            checks.add(new Check("fill ids present", blank == 0 && nulls == 0 ? Result.PASS : Result.FAIL,
                    blank + " blank and " + nulls + " null of " + rows + " rows" + over));
            checks.add(rows == 0 ? new Check("one row per fill", Result.SKIP, "no rows" + over)
                    : new Check("one row per fill", 100.0 * unique / rows > 99.0 ? Result.PASS : Result.FAIL, String.format(Locale.ROOT,
                            "%d fills in %d rows%s: %.1f %% unique (needs more than 99 %%)", unique, rows, over, 100.0 * unique / rows)));
            checks.add(volume(unique, served, over));
            return checks;
        }
    }

    /** Kalshi's count of the window's fills, or why there is none: no key ({@code failure} null), or the request failed. */
    private record Served(Long count, String failure) {
    }

    /** Read after the table's count, so a fill arriving in between may differ by one or two. */
    private Served served() {
        if (kalshi == null) {
            return new Served(null, null);
        }
        try {
            return new Served(kalshi.since(clock.instant().minus(window)), null);
        } catch (IOException | RuntimeException e) {
            return new Served(null, "cannot ask Kalshi: " + FailureReason.of(e));
        }
    }

    /** An empty window passes only when Kalshi confirms it had no fills, or the operator says so: an empty table is no proof. */
    private Check rowsPresent(long rows, Served served, String over) {
        String name = "rows present";
        if (rows > 0) {
            return new Check(name, Result.PASS, rows + " rows" + over);
        }
        if (served.count() != null) {
            return served.count() == 0 ? new Check(name, Result.PASS, "no rows" + over + ", and Kalshi has no fills in that time either")
                    : new Check(name, Result.FAIL, "no rows" + over + ", but Kalshi has " + served.count() + " fills in that time");
        }
        if (served.failure() != null) {
            return new Check(name, Result.FAIL, "no rows" + over + ", and " + served.failure());
        }
        return allowEmpty ? new Check(name, Result.PASS, "no rows" + over + "; --allow-empty was given")
                : new Check(name, Result.FAIL, "no rows" + over + ", and no Kalshi key (kalshi.api-key-id) to confirm the account had no"
                        + " fills; give --allow-empty if it had none, or --hours for a longer window");
    }

    private static Check volume(long unique, Served served, String over) {
        if (served.count() == null) {
            return served.failure() == null ? new Check("volume matches the API", Result.SKIP, "no Kalshi API key set (kalshi.api-key-id)")
                    : new Check("volume matches the API", Result.FAIL, served.failure());
        }
        long tolerance = Math.max(2, served.count() / 100);
        return new Check("volume matches the API", Math.abs(served.count() - unique) <= tolerance ? Result.PASS : Result.FAIL,
                unique + " fills stored, " + served.count() + " served by Kalshi" + over + " (tolerance " + tolerance + ")");
    }

    /** The checks as a table for a terminal. */
    public static String table(String table, List<Check> checks) {
        StringBuilder text = new StringBuilder("verify ").append(table).append('\n');
        text.append(String.format("%-24s %-6s %s%n", "check", "result", "detail"));
        checks.forEach(check -> text.append(String.format("%-24s %-6s %s%n", check.name(), check.result(), check.detail())));
        return text.toString();
    }

    private static String human(Duration window) {
        return window.toSeconds() % 3600 == 0 ? window.toHours() + " h" : window.toSeconds() + " s";
    }
}
