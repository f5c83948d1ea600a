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
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import kalshifills.clickhouse.ClickHouseIdempotentRepository;
import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.clickhouse.FillBatchWriter;
import kalshifills.clickhouse.RejectedFillWriter;
import kalshifills.fill.FillNormalizer;
import kalshifills.fill.FillRejectedException;
import kalshifills.fill.NormalizedFill;
import kalshifills.fill.RejectedFill;
import kalshifills.kalshi.KalshiJson;
import kalshifills.status.PipelineStatus;
import kalshifills.status.Progress;

/**
 * Rebuilds a fills table written by the old ingester (plain MergeTree, the same fills inserted on every tick, {@code ts}
 * the insert time, blank ids): every row's raw JSON goes through the same normalizer as a polled fill, so each fill gets
 * its own id and its own time; the rows go into a new table of the service's schema, merged to one row per fill, which
 * then takes the old table's name in one atomic rename while the old table is kept under a backup name. A row whose raw
 * JSON is unusable goes to the rejects table with its reason. A dry run reads everything and writes nothing.
 */
public final class FillsTableRepair {

    /** What the repair found, and did unless it was a dry run. */
    public record Report(long rows, long fills, long duplicateRows, long idsFilled, long timesCorrected, long rejected, String backup) {
    }

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    private final DataSource dataSource;
    private final String table;
    private final ClickHouseSchema serviceSchema;
    private final Clock clock;
    private final Duration progressEvery;
    private final int batchSize;
    private final FillNormalizer normalizer;
    private final ObjectMapper json = KalshiJson.objectMapper();

    /** @param serviceSchema the service's tables: its rejects table takes the unusable rows, its dedup window the new table */
    public FillsTableRepair(DataSource dataSource, String table, ClickHouseSchema serviceSchema, Clock clock, Duration progressEvery,
            int batchSize) {
        this.dataSource = dataSource;
        this.table = table;
        this.serviceSchema = serviceSchema;
        this.clock = clock;
        this.progressEvery = progressEvery;
        this.batchSize = batchSize;
        this.normalizer = new FillNormalizer(clock);
    }

    public Report run(boolean dryRun) throws SQLException {
        long rows = count();
        String backup = table + "_backup_" + SUFFIX.format(clock.instant());
        String rebuilt = table + "_repairing";
        ClickHouseSchema target = serviceSchema.withFillsTable(rebuilt);
        FillBatchWriter writer = null;
        RejectedFillWriter rejects = null;
        if (!dryRun) {
            execute("DROP TABLE IF EXISTS " + rebuilt);
            target.createIfAbsent(dataSource);
            PipelineStatus status = new PipelineStatus("repair", clock, new SimpleMeterRegistry());
            writer = new FillBatchWriter(dataSource, target, new ClickHouseIdempotentRepository((ids, earliest, latest) -> Set.of(), batchSize, batchSize), status,
                    "repair", "repair");
            rejects = new RejectedFillWriter(dataSource, target, clock, batchSize);
        }
        Progress progress = new Progress(dryRun ? "repair_dry_run" : "repair", rows, progressEvery, clock);
        Set<String> fillIds = new HashSet<>();
        long idsFilled = 0;
        long timesCorrected = 0;
        long rejected = 0;
        List<NormalizedFill> batch = new ArrayList<>(batchSize);
        List<RejectedFill> rejectedBatch = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT fill_id, ts, raw_json FROM " + table)) {
            while (row.next()) {
                String oldId = row.getString(1);
                Timestamp oldTs = row.getTimestamp(2);
                String raw = row.getString(3);
                try {
                    NormalizedFill fill = normalizer.normalize(parse(raw));
                    fillIds.add(fill.fillId());
                    idsFilled += oldId == null || oldId.isBlank() ? 1 : 0;
                    timesCorrected += oldTs == null || !oldTs.toInstant().equals(fill.ts()) ? 1 : 0;
                    batch.add(fill);
                } catch (FillRejectedException e) {
                    rejected++;
                    rejectedBatch.add(new RejectedFill(oldId == null ? "" : oldId, "repair of " + table + ": " + e.getMessage(), raw));
                }
                if (batch.size() == batchSize) {
                    flush(writer, batch);
                }
                if (rejectedBatch.size() == batchSize) {
                    flushRejects(rejects, rejectedBatch);
                }
                progress.advance(1);
            }
        }
        flush(writer, batch);
        flushRejects(rejects, rejectedBatch);
        progress.finished();
        if (!dryRun) {
            // Batches hold the same fill many times over: merge the new table down to one row per fill before it goes live.
            execute("OPTIMIZE TABLE " + rebuilt + " FINAL");
            // EXCHANGE is atomic (a RENAME of two tables is not): readers see the old table or the new one, never neither.
            execute("EXCHANGE TABLES " + table + " AND " + rebuilt);
            execute("RENAME TABLE " + rebuilt + " TO " + backup);
        }
        long fills = fillIds.size();
        return new Report(rows, fills, rows - rejected - fills, idsFilled, timesCorrected, rejected, dryRun ? null : backup);
    }

    private JsonNode parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new FillRejectedException("the row has no raw JSON to take the fill from");
        }
        try {
            return json.readTree(raw);
        } catch (JacksonException e) {
            throw new FillRejectedException("raw_json is not JSON: " + e.getOriginalMessage());
        }
    }

    private static void flush(FillBatchWriter writer, List<NormalizedFill> batch) throws SQLException {
        if (writer != null && !batch.isEmpty()) {
            writer.insert(List.copyOf(batch));
        }
        batch.clear();
    }

    private static void flushRejects(RejectedFillWriter rejects, List<RejectedFill> batch) throws SQLException {
        if (rejects != null && !batch.isEmpty()) {
            rejects.store(List.copyOf(batch));
        }
        batch.clear();
    }

    private long count() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT count() FROM " + table);
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

    /** The report as a table for a terminal. */
    public static String table(String table, boolean dryRun, Report report) {
        String verb = dryRun ? "would be" : "were";
        return String.format("""
                repair %s%s
                rows read                    %d
                fills (one row each)         %d
                duplicate rows dropped       %d %s
                blank ids filled             %d %s
                timestamps set from raw JSON %d %s
                rows rejected                %d (kept in the rejects table with their reason)
                %s
                """, table, dryRun ? " (dry run: nothing written)" : "", report.rows(), report.fills(), report.duplicateRows(), verb,
                report.idsFilled(), verb, report.timesCorrected(), verb, report.rejected(),
                dryRun ? "the old table would be kept as " + table + "_backup_<time>" : "the old table is kept as " + report.backup());
    }
}
