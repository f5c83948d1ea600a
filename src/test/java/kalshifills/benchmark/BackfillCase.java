package kalshifills.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.clickhouse.FillBatchWriter;
import kalshifills.fill.FillNormalizer;
import kalshifills.fill.NormalizedFill;
import kalshifills.kalshi.KalshiJson;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.ServiceProcess;
import kalshifills.testing.TestKeys;

/**
 * Backfill: a first run against an account with 1,000,000 fills, served in pages of 1,000, by the runnable jar as operators
 * run it. Timed from Kalshi's first request to the last fill stored, and set against a plain JDBC {@code PreparedStatement}
 * loop inserting the same rows into a table of the same definition, timed in the same run, and against what Kalshi's rate
 * limits let a client read. The service's own RowBinary writer is timed over those rows too, inserts only, so the insert
 * path is compared apart from fetching and reading the pages. Then the same backfill again with {@code -Xmx128m}, for its peak resident memory, its full
 * collections and the live heap over time.
 */
final class BackfillCase {

    static final int FILLS = 1_000_000;
    static final int PAGE = 1000;
    /** Kalshi's read rate per tier at 10 tokens a request (kalshi-fills-api.md, "Rate limits"). */
    private static final Map<String, Integer> TIER_READS_PER_SECOND = new LinkedHashMap<>();

    static {
        TIER_READS_PER_SECOND.put("Basic", 20);
        TIER_READS_PER_SECOND.put("Advanced", 30);
        TIER_READS_PER_SECOND.put("Expert", 60);
        TIER_READS_PER_SECOND.put("Premier", 100);
        TIER_READS_PER_SECOND.put("Paragon", 200);
        TIER_READS_PER_SECOND.put("Prime", 400);
        TIER_READS_PER_SECOND.put("Prestige", 1000);
    }

    /** An inserts-only run's rate and the ClickHouse CPU it cost. */
    private record Baseline(double fillsPerSecond, Duration clickHouseCpu) {
    }
    private static final Duration DEADLINE = Duration.ofMinutes(20);

    /** One backfill by the service: how long, the CPU it and ClickHouse used meanwhile, and the most memory it ever held. */
    record Run(Duration elapsed, Duration serviceCpu, Duration clickHouseCpu, long peakRssKib, int failedPolls, long lookups) {
        double fillsPerSecond() {
            return FILLS / (elapsed.toNanos() / 1e9);
        }
    }

    private final LocalClickHouse clickHouse;
    private final long clickHousePid;

    BackfillCase(LocalClickHouse clickHouse, long clickHousePid) {
        this.clickHouse = clickHouse;
        this.clickHousePid = clickHousePid;
    }

    void run(ResultsTable results) throws Exception {
        Instant now = Instant.now();
        Benchmark.progress("backfill: making " + FILLS + " simulated fills");
        List<SimulatedFill> fills = new SimulatedFills(11).between(now.minus(Duration.ofDays(30)), now.minus(Duration.ofMinutes(1)), FILLS);
        try (SimulatedKalshiApi kalshi = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0)) {
            kalshi.addFills(fills);

            Benchmark.progress("backfill: a plain JDBC PreparedStatement loop over the same rows");
            Baseline plainJdbc = insertsOnly(fills, (dataSource, schema) -> new PlainJdbcLoop(dataSource, schema)::insert);
            Benchmark.progress("backfill: plain JDBC %,.0f fills/s".formatted(plainJdbc.fillsPerSecond()));
            Benchmark.progress("backfill: the service's RowBinary writer over the same rows");
            Baseline rowBinary = insertsOnly(fills, (dataSource, schema) -> {
                FillBatchWriter writer = new FillBatchWriter(dataSource, schema, "benchmark", "rowbinary");
                return (batch, dedupToken) -> writer.insert(batch);
            });
            Benchmark.progress("backfill: RowBinary %,.0f fills/s".formatted(rowBinary.fillsPerSecond()));
            Benchmark.progress("backfill: the service");
            Run backfill = serviceBackfill(kalshi, List.of(), "default");
            double ratio = backfill.fillsPerSecond() / plainJdbc.fillsPerSecond();
            results.add("backfill", "%,d fills in pages of %,d: end to end, against a plain JDBC `PreparedStatement` loop of batches of %,d rows"
                            .formatted(FILLS, PAGE, PAGE),
                    "%,.0f fills/s (%s); plain JDBC %,.0f fills/s; ratio %.2f; ClickHouse CPU per million fills: service %s, plain JDBC %s;"
                            .formatted(backfill.fillsPerSecond(), ResultsTable.seconds(backfill.elapsed()), plainJdbc.fillsPerSecond(), ratio,
                                    ResultsTable.seconds(perMillion(backfill.clickHouseCpu())), ResultsTable.seconds(perMillion(plainJdbc.clickHouseCpu())))
                            + " service CPU %s, of %s on %d cores".formatted(ResultsTable.seconds(backfill.serviceCpu()),
                                    ResultsTable.seconds(backfill.elapsed().multipliedBy(Runtime.getRuntime().availableProcessors())),
                                    Runtime.getRuntime().availableProcessors())
                            + "; %,d stored-fill lookups for %,d pages".formatted(backfill.lookups(), FILLS / PAGE) + failures(backfill),
                    "ratio ≥ 2", ratio >= 2 && backfill.failedPolls() == 0);
            results.add("inserts only", "the same %,d rows, normalized beforehand, in batches of %,d: only the insert calls timed".formatted(FILLS, PAGE),
                    "the service's RowBinary writer %,.0f fills/s, plain JDBC %,.0f fills/s: ratio %.2f; ClickHouse CPU per million fills: RowBinary %s, plain JDBC %s"
                            .formatted(rowBinary.fillsPerSecond(), plainJdbc.fillsPerSecond(), rowBinary.fillsPerSecond() / plainJdbc.fillsPerSecond(),
                                    ResultsTable.seconds(perMillion(rowBinary.clickHouseCpu())), ResultsTable.seconds(perMillion(plainJdbc.clickHouseCpu()))),
                    "ratio reported", true);
            results.add("backfill vs Kalshi", "the backfill's rate against the most Kalshi serves at each tier (reads a second × %,d fills a page)"
                            .formatted(PAGE), ceilings(backfill.fillsPerSecond()), "ratio reported", true);

            Benchmark.progress("memory: the backfill again with -Xmx128m");
            Path gcLog = Path.of("target", "benchmark", "gc-xmx128m.log");
            Run small = serviceBackfill(kalshi, List.of("-Xmx128m", "-Xlog:gc:file=" + gcLog), "xmx128m");
            GcLog gc = GcLog.read(gcLog);
            results.add("memory", "the backfill with `-Xmx128m`: peak RSS (VmHWM), full collections, live heap (after each collection) over the run",
                    "completed, %,d rows; peak RSS %,d MiB; %,.0f fills/s; %d full collections of %d; live heap after collections: %s"
                            .formatted(FILLS, small.peakRssKib() / 1024, small.fillsPerSecond(), gc.fullCollections(), gc.collections(), gc.liveHeapByQuarter())
                            + failures(small),
                    "completes with a flat live heap (full collections reported)", small.failedPolls() == 0 && gc.flat());
        }
    }

    private static Duration perMillion(Duration cpu) {
        return cpu.multipliedBy(1_000_000).dividedBy(FILLS);
    }

    private static String ceilings(double fillsPerSecond) {
        List<String> tiers = new ArrayList<>();
        TIER_READS_PER_SECOND.forEach((tier, reads) -> tiers.add("%s %,d fills/s (%.2f×)".formatted(tier, reads * PAGE, fillsPerSecond / (reads * PAGE))));
        return "the service %,.0f fills/s; Kalshi's ceiling: ".formatted(fillsPerSecond) + String.join(", ", tiers);
    }

    private Run serviceBackfill(SimulatedKalshiApi kalshi, List<String> jvmOptions, String name) throws Exception {
        String database = clickHouse.newDatabase();
        String table = database + ".mm_fills";
        Map<String, String> settings = new HashMap<>(RunningIngester.settings(kalshi, clickHouse.jdbcUrl(), table));
        settings.put("kalshi.fills.page-limit", Integer.toString(PAGE));
        int firstRequest = kalshi.requestTimes().size();
        Duration clickHouseCpuBefore = CpuTime.of(clickHousePid);
        ServiceProcess service = ServiceProcess.start(jvmOptions, settings);
        try {
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (clickHouse.rowsIn(database, "mm_fills") < FILLS) {
                if (System.nanoTime() > end || !service.isAlive()) {
                    throw new IllegalStateException("the " + name + " backfill did not store " + FILLS + " fills within " + DEADLINE
                            + (service.isAlive() ? "" : ": the service exited") + "; see target/service-processes.log");
                }
                Thread.sleep(100);
            }
            Instant stored = Instant.now();
            long peakRssKib = peakRssKib(service.pid());
            Duration serviceCpu = CpuTime.of(service.pid());
            Duration clickHouseCpu = CpuTime.of(clickHousePid).minus(clickHouseCpuBefore);
            waitForMerges();
            Duration elapsed = Duration.between(kalshi.requestTimes().get(firstRequest), stored);
            long unique = clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table);
            if (unique != FILLS) {
                throw new IllegalStateException("the " + name + " backfill stored " + unique + " distinct fills, not " + FILLS);
            }
            return new Run(elapsed, serviceCpu, clickHouseCpu, peakRssKib, service.events("fills_poll_failed").size(),
                    new QueryLog(clickHouse).lookupsIn(table));
        } finally {
            service.sigterm();
            service.exitWithin(Duration.ofSeconds(60));
        }
    }

    /** One way to insert a batch of normalized fills, as {@link #insertsOnly} times it. */
    @FunctionalInterface
    private interface BatchInsert {
        void insert(List<NormalizedFill> batch, String dedupToken) throws Exception;
    }

    /** The same rows, normalized beforehand (untimed), inserted in batches of {@link #PAGE} into tables of their own. */
    private Baseline insertsOnly(List<SimulatedFill> fills, BiFunction<DataSource, ClickHouseSchema, BatchInsert> inserter) throws Exception {
        ClickHouseSchema schema = Benchmark.tablesIn(clickHouse.newDatabase());
        ObjectMapper json = KalshiJson.objectMapper();
        FillNormalizer normalizer = new FillNormalizer(Clock.systemUTC());
        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(clickHouse.jdbcUrl());
            dataSource.setUsername("default");
            schema.createIfAbsent(dataSource);
            BatchInsert insert = inserter.apply(dataSource, schema);
            long insertNanos = 0;
            // ClickHouse does nothing else meanwhile: its CPU over the loop is the inserts' (and their merges').
            Duration clickHouseCpuBefore = CpuTime.of(clickHousePid);
            for (int from = 0; from < fills.size(); from += PAGE) {
                List<NormalizedFill> batch = new ArrayList<>(PAGE);
                for (SimulatedFill fill : fills.subList(from, Math.min(from + PAGE, fills.size()))) {
                    batch.add(normalizer.normalize(json.readTree(fill.json())));
                }
                long started = System.nanoTime();
                insert.insert(batch, "%016x".formatted(from));
                insertNanos += System.nanoTime() - started;
            }
            Duration clickHouseCpu = CpuTime.of(clickHousePid).minus(clickHouseCpuBefore);
            waitForMerges();
            long stored = clickHouse.queryLong("SELECT count() FROM " + schema.fillsTable());
            if (stored != fills.size()) {
                throw new IllegalStateException("the inserts-only run stored " + stored + " rows, not " + fills.size());
            }
            return new Baseline(fills.size() / (insertNanos / 1e9), clickHouseCpu);
        }
    }

    /** Until ClickHouse runs no merge (at most two minutes): a run's merges would otherwise be counted against the run that follows. */
    private void waitForMerges() throws InterruptedException {
        long mergesDone = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (clickHouse.queryLong("SELECT count() FROM system.merges") > 0 && System.nanoTime() < mergesDone) {
            Thread.sleep(200);
        }
    }

    /** The most resident memory the process has held (the kernel's high-water mark), in KiB. */
    private static long peakRssKib(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream().filter(line -> line.startsWith("VmHWM:"))
                .findFirst().map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .orElseThrow(() -> new IllegalStateException("no VmHWM for process " + pid));
    }

    private static String failures(Run run) {
        return run.failedPolls() == 0 ? "" : "; %d failed polls".formatted(run.failedPolls());
    }
}
