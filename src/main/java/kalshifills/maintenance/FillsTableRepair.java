package kalshifills.maintenance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.clickhouse.FillBatchWriter;
import kalshifills.clickhouse.RejectedFillWriter;
import kalshifills.fill.FillNormalizer;
import kalshifills.fill.FillRejectedException;
import kalshifills.fill.NormalizedFill;
import kalshifills.fill.RejectedFill;
import kalshifills.kalshi.KalshiJson;
import kalshifills.status.Progress;

/**
 * Rebuilds a fills table written by the old ingester (plain MergeTree, the same fills inserted on every tick, {@code ts}
 * the insert time, blank ids, {@code raw_json} as Python's {@code str()} of the fill) or by an earlier version of this
 * service: every row's raw JSON, read as JSON or as a Python literal, goes through the same normalizer as a polled fill,
 * so each fill gets its own id and its own time; the first row of each fill goes into a new table of the service's schema.
 *
 * <p>It never leaves the live table worse than it found it. Before the swap it checks that the new table holds exactly
 * one row per fill read, that every id of the old table's readable rows is among them, and that at most
 * {@code maxRejectedShare} of the rows could not be used; if not, it drops what it built, writes nothing else, and says
 * why. Otherwise the rejected rows go to the rejects table with their reason, and the new table takes the old one's name
 * in one atomic {@code EXCHANGE}, the old one kept under a backup name. A dry run reads everything, reaches the same
 * verdict but for the checks of the built table, and writes nothing.
 */
public final class FillsTableRepair {

    /**
     * What the repair found, and did unless it was a dry run or refused.
     *
     * @param refusals why the swap was refused (or would be); empty when it went ahead
     */
    public record Report(long rows, long readAsJson, long readAsPython, long unreadable, long fills, long duplicateRows, long idsFilled,
            long timesCorrected, long rejected, Map<String, Long> firstReasons, List<String> refusals, String backup) {

        public boolean refused() {
            return !refusals.isEmpty();
        }
    }

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
    private static final int REASONS_SHOWN = 3;

    private final DataSource dataSource;
    private final String table;
    private final ClickHouseSchema serviceSchema;
    private final Clock clock;
    private final Duration progressEvery;
    private final int batchSize;
    private final double maxRejectedShare;
    private final FillNormalizer normalizer;
    private final ObjectMapper json = KalshiJson.objectMapper();

    /**
     * @param serviceSchema    the service's tables: its rejects table takes the unusable rows, its dedup window the new table
     * @param maxRejectedShare the share of rows, 0 to 1, that may be unusable before the repair refuses to swap
     */
    public FillsTableRepair(DataSource dataSource, String table, ClickHouseSchema serviceSchema, Clock clock, Duration progressEvery,
            int batchSize, double maxRejectedShare) {
        this.dataSource = dataSource;
        this.table = table;
        this.serviceSchema = serviceSchema;
        this.clock = clock;
        this.progressEvery = progressEvery;
        this.batchSize = batchSize;
        this.maxRejectedShare = maxRejectedShare;
        this.normalizer = new FillNormalizer(clock);
    }

    /** The rows of one repair as they are read. */
    private final class Scan {
        final Set<String> fillIds = new HashSet<>();
        final Map<String, String> oldIdReadAs = new LinkedHashMap<>();
        final Map<String, Long> reasons = new TreeMap<>();
        final List<RejectedFill> rejectedRows = new ArrayList<>();
        long rows;
        long readAsJson;
        long readAsPython;
        long unreadable;
        long idsFilled;
        long timesCorrected;
        long rejected;

        /** @return the row's fill if it is the first row of a fill not seen before, else null */
        NormalizedFill read(String oldId, Timestamp oldTs, String raw) {
            rows++;
            try {
                NormalizedFill fill = normalizer.normalize(parse(raw));
                if (oldId != null && !oldId.isBlank()) {
                    oldIdReadAs.putIfAbsent(oldId, fill.fillId());
                }
                idsFilled += oldId == null || oldId.isBlank() ? 1 : 0;
                timesCorrected += oldTs == null || !oldTs.toInstant().equals(fill.ts()) ? 1 : 0;
                return fillIds.add(fill.fillId()) ? fill : null;
            } catch (FillRejectedException e) {
                rejected++;
                reasons.merge(e.getMessage(), 1L, Long::sum);
                // More than the allowed share refuses the repair, so no more than that is kept for the rejects table.
                if (rejectedRows.size() <= maxRejectedShare * rows + 1) {
                    rejectedRows.add(new RejectedFill(oldId == null ? "" : oldId, "repair of " + table + ": " + e.getMessage(), raw));
                }
                return null;
            }
        }

        private JsonNode parse(String raw) {
            if (raw == null || raw.isBlank()) {
                unreadable++;
                throw new FillRejectedException("the row has no raw JSON to take the fill from");
            }
            String jsonError;
            try {
                JsonNode fill = json.readTree(raw);
                readAsJson++;
                return fill;
            } catch (JacksonException e) {
                jsonError = e.getOriginalMessage();
            }
            try {
                JsonNode fill = PythonLiteral.read(raw);
                readAsPython++;
                return fill;
            } catch (PythonLiteral.NotALiteralException e) {
                unreadable++;
                throw new FillRejectedException("raw_json is neither JSON (" + jsonError + ") nor a Python literal (" + e.getMessage() + ")");
            }
        }

        List<String> refusals() {
            List<String> refusals = new ArrayList<>();
            if (rejected > maxRejectedShare * rows) {
                refusals.add(String.format(Locale.ROOT, "%d of %d rows (%.1f %%) could not be used, more than repair.max-rejected-share (%s %%)",
                        rejected, rows, 100.0 * rejected / rows, percent(maxRejectedShare)));
            }
            long missing = oldIdReadAs.keySet().stream().filter(id -> !fillIds.contains(id)).count();
            if (missing > 0) {
                Map.Entry<String, String> example = oldIdReadAs.entrySet().stream().filter(e -> !fillIds.contains(e.getKey())).findFirst().orElseThrow();
                refusals.add(missing + " fill ids of the old table would be missing from the new one: a row with fill_id '" + example.getKey()
                        + "' reads as the fill '" + example.getValue() + "'");
            }
            return refusals;
        }

        Map<String, Long> firstReasons() {
            Map<String, Long> first = new LinkedHashMap<>();
            reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(REASONS_SHOWN)
                    .forEach(reason -> first.put(reason.getKey(), reason.getValue()));
            return first;
        }
    }

    public Report run(boolean dryRun) throws SQLException {
        long rows = count("SELECT count() FROM " + table);
        String backup = table + "_backup_" + SUFFIX.format(clock.instant());
        String rebuilt = table + "_repairing";
        ClickHouseSchema target = serviceSchema.withFillsTable(rebuilt);
        FillBatchWriter writer = null;
        if (!dryRun) {
            execute("DROP TABLE IF EXISTS " + rebuilt);
            target.createIfAbsent(dataSource);
            writer = new FillBatchWriter(dataSource, target, "repair", "repair");
        }
        Progress progress = new Progress(dryRun ? "repair_dry_run" : "repair", rows, progressEvery, clock);
        Scan scan = new Scan();
        List<NormalizedFill> batch = new ArrayList<>(batchSize);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT fill_id, ts, raw_json FROM " + table)) {
            while (row.next()) {
                NormalizedFill fill = scan.read(row.getString(1), row.getTimestamp(2), row.getString(3));
                if (fill != null) {
                    batch.add(fill);
                }
                if (batch.size() == batchSize) {
                    flush(writer, batch);
                }
                progress.advance(1);
            }
        }
        flush(writer, batch);
        progress.finished();
        List<String> refusals = scan.refusals();
        if (!dryRun) {
            if (refusals.isEmpty()) {
                refusals.addAll(checkRebuilt(rebuilt, scan.fillIds.size()));
            }
            if (refusals.isEmpty()) {
                new RejectedFillWriter(dataSource, serviceSchema, clock, batchSize).store(scan.rejectedRows);
                // EXCHANGE is atomic (a RENAME of two tables is not): readers see the old table or the new one, never neither.
                execute("EXCHANGE TABLES " + table + " AND " + rebuilt);
                execute("RENAME TABLE " + rebuilt + " TO " + backup);
            } else {
                execute("DROP TABLE " + rebuilt);
            }
        }
        long fills = scan.fillIds.size();
        return new Report(scan.rows, scan.readAsJson, scan.readAsPython, scan.unreadable, fills, scan.rows - scan.rejected - fills,
                scan.idsFilled, scan.timesCorrected, scan.rejected, scan.firstReasons(), refusals, dryRun || !refusals.isEmpty() ? null : backup);
    }

    /** The table about to go live: one row per fill read, merged, nothing more and nothing less. */
    private List<String> checkRebuilt(String rebuilt, long fills) throws SQLException {
        execute("OPTIMIZE TABLE " + rebuilt + " FINAL");
        long rows = count("SELECT count() FROM " + rebuilt);
        long unique = count("SELECT uniqExact(fill_id) FROM " + rebuilt);
        return rows == fills && unique == fills ? List.of()
                : List.of("the rebuilt table holds " + rows + " rows of " + unique + " fills; " + fills + " fills were read");
    }

    private static void flush(FillBatchWriter writer, List<NormalizedFill> batch) throws SQLException {
        if (writer != null && !batch.isEmpty()) {
            writer.insert(List.copyOf(batch));
        }
        batch.clear();
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.3f", 100 * share).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** The report as a table for a terminal. */
    public static String table(String table, boolean dryRun, double maxRejectedShare, Report report) {
        String verb = dryRun ? "would be" : report.refused() ? "would have been" : "were";
        StringBuilder text = new StringBuilder(String.format("""
                repair %s%s
                rows read                    %d
                  as JSON                    %d
                  as a Python literal        %d
                  not at all                 %d
                fills (one row each)         %d
                duplicate rows dropped       %d %s
                blank ids filled             %d %s
                timestamps set from raw JSON %d %s
                rows rejected                %d (%s %%; at most %s %% allowed)
                """, table, dryRun ? " (dry run: nothing written)" : report.refused() ? " (refused: nothing changed)" : "", report.rows(),
                report.readAsJson(), report.readAsPython(), report.unreadable(), report.fills(), report.duplicateRows(), verb,
                report.idsFilled(), verb, report.timesCorrected(), verb, report.rejected(),
                percent(report.rows() == 0 ? 0 : (double) report.rejected() / report.rows()), percent(maxRejectedShare)));
        report.firstReasons().forEach((reason, rows) -> text.append("  ").append(rows).append(" x ").append(reason).append('\n'));
        if (report.refused()) {
            report.refusals().forEach(refusal -> text.append("REFUSED: ").append(refusal).append('\n'));
            text.append(dryRun ? "a repair would refuse to swap the table and change nothing\n"
                    : "the table is unchanged; the rebuilt copy was dropped and no reject was written\n");
        } else {
            text.append(dryRun ? "the checks pass; the old table would be kept as " + table + "_backup_<time>\n"
                    : (report.rejected() > 0 ? "the rejected rows are in the rejects table with their reason; " : "")
                            + "the old table is kept as " + report.backup() + "\n");
        }
        return text.toString();
    }
}
