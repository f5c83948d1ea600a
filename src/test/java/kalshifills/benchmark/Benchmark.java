package kalshifills.benchmark;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.testing.LocalClickHouse;

/**
 * The benchmark (README, "Benchmark"): every case against one ClickHouse server with {@code system.query_log} on and the
 * simulated Kalshi API, in one run, so that the ratios compare figures taken on the same machine at the same time. Run by
 * {@code src/scripts/benchmark.sh}, which starts that server; not part of the test run.
 *
 * <p>Arguments: the server's JDBC URL, its process id (for the CPU it uses), and the file the results table is written to.
 */
public final class Benchmark {

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: Benchmark <clickhouse jdbc url> <clickhouse pid> <results file>; src/scripts/benchmark.sh runs it");
        }
        LocalClickHouse clickHouse = LocalClickHouse.at(args[0]);
        long clickHousePid = Long.parseLong(args[1]);
        Path resultsFile = Path.of(args[2]);
        ResultsTable results = new ResultsTable(Machine.describe(clickHouse));

        // BENCHMARK_CASES (e.g. "freshness,backfill") runs some cases only, while working on them; the README's table is of all.
        Set<String> only = Set.of(Optional.ofNullable(System.getenv("BENCHMARK_CASES")).orElse("").split(","));
        if (only.contains("") || only.contains("steady")) {
            new SteadyStateCase(clickHouse).run(results);
        }
        if (only.contains("") || only.contains("freshness")) {
            new FreshnessCase(clickHouse).run(results);
        }
        if (only.contains("") || only.contains("backfill")) {
            new BackfillCase(clickHouse, clickHousePid).run(results);
        }
        if (only.contains("") || only.contains("cpu")) {
            new CpuPathCase(resultsFile.resolveSibling("jmh.log")).run(results);
        }
        if (only.contains("") || only.contains("startup")) {
            new StartupCase(clickHouse).run(results);
        }

        System.out.println();
        System.out.println(results.markdown());
        results.write(resultsFile);
        System.out.println("written to " + resultsFile);
    }

    /** The service's tables, created as the service creates them, in a database of the benchmark's own. */
    static ClickHouseSchema tablesIn(String database) {
        return new ClickHouseSchema(database + ".mm_fills", database + ".mm_fills_rejected", database + ".mm_fills_poll_state", 1000);
    }

    /** A line on the console while the run goes on: the cases take minutes. */
    static void progress(String line) {
        System.out.println("benchmark: " + line);
    }
}
