package kalshifills.benchmark;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import kalshifills.clickhouse.ClickHouseSchema;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.Eventually;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.TestKeys;

/**
 * Steady state: Kalshi answers every tick with the same 1,000 fills, all stored already. What one tick costs ClickHouse
 * ({@code system.query_log}) and Kalshi (the simulated API's counters), for the service and for the seed's way.
 */
final class SteadyStateCase {

    static final int FILLS = 1000;
    static final int TICKS = 20;

    /** What one tick cost, averaged over {@link #TICKS} ticks. */
    record PerTick(double queries, double inserts, double readRows, double readBytes, double requests, double pages) {
    }

    /** Something that ticks on demand, as the service's quartz trigger or the seed's loop would. */
    interface Ticking {
        void tick() throws Exception;
    }

    private final LocalClickHouse clickHouse;
    private final QueryLog queryLog;

    SteadyStateCase(LocalClickHouse clickHouse) {
        this.clickHouse = clickHouse;
        this.queryLog = new QueryLog(clickHouse);
    }

    void run(ResultsTable results) throws Exception {
        Benchmark.progress("steady state: " + TICKS + " ticks over the same " + FILLS + " fills, the service, then the seed's way");
        PerTick ours = ours();
        PerTick seed = seedWay();
        String measured = "per tick, " + FILLS + " fills already stored: ClickHouse queries (rows read), inserts; API requests, pages";
        results.add("steady state", measured, describe(ours),
                "≤ 1 ClickHouse query per tick, 1 API request per page, no insert",
                ours.queries() <= 1 && ours.requests() == ours.pages() && ours.inserts() == 0);
        results.add(new ResultsTable.Row("the seed's way", "the same, one `IN` query per 500 ids and one insert per tick",
                describe(seed) + "; the seed's way makes %s the queries and reads %s the rows".formatted(
                        ratio(seed.queries(), ours.queries()), ratio(seed.readRows(), ours.readRows())),
                "ratio reported", "-"));
    }

    private PerTick ours() throws Exception {
        String table = clickHouse.newDatabase() + ".mm_fills";
        try (SimulatedKalshiApi kalshi = kalshiWithFills();
                RunningIngester ingester = RunningIngester.start(RunningIngester.settings(kalshi, clickHouse.jdbcUrl(), table))) {
            return measure(kalshi, ingester::tick, table, table + "_poll_state");
        }
    }

    private PerTick seedWay() throws Exception {
        ClickHouseSchema schema = Benchmark.tablesIn(clickHouse.newDatabase());
        try (SimulatedKalshiApi kalshi = kalshiWithFills(); HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(clickHouse.jdbcUrl());
            dataSource.setUsername("default");
            dataSource.setMaximumPoolSize(1);
            schema.createIfAbsent(dataSource);
            try (SeedWayPoller seed = new SeedWayPoller(kalshi.baseUrl(), FILLS, dataSource, schema)) {
                return measure(kalshi, seed::tick, schema.fillsTable(), null);
            }
        }
    }

    /**
     * A first tick stores the fills (the service inserts and saves its checkpoint after the tick returns); the ticks after
     * it are measured.
     */
    private PerTick measure(SimulatedKalshiApi kalshi, Ticking subject, String table, String pollStateTable) throws Exception {
        subject.tick();
        Eventually.equals((long) FILLS, () -> clickHouse.queryLong("SELECT count() FROM " + table), Duration.ofSeconds(30));
        if (pollStateTable != null) {
            Eventually.equals(1L, () -> clickHouse.queryLong("SELECT count() FROM " + pollStateTable), Duration.ofSeconds(30));
        }
        int requestsBefore = kalshi.queries().size();
        long pagesBefore = kalshi.pagesServed();
        Instant from = Instant.now();
        for (int i = 0; i < TICKS; i++) {
            subject.tick();
        }
        Instant to = Instant.now();
        QueryLog.Totals totals = queryLog.between(from, to);
        return new PerTick((double) totals.queries() / TICKS, (double) totals.inserts() / TICKS, (double) totals.readRows() / TICKS,
                (double) totals.readBytes() / TICKS, (double) (kalshi.queries().size() - requestsBefore) / TICKS,
                (double) (kalshi.pagesServed() - pagesBefore) / TICKS);
    }

    private static SimulatedKalshiApi kalshiWithFills() throws Exception {
        SimulatedKalshiApi kalshi = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0);
        Instant now = Instant.now();
        List<SimulatedFill> fills = new SimulatedFills(5).between(now.minus(Duration.ofMinutes(30)), now.minus(Duration.ofMinutes(1)), FILLS);
        kalshi.addFills(fills);
        return kalshi;
    }

    private static String describe(PerTick tick) {
        return "%s queries (%s rows, %s bytes read), %s inserts; %s requests, %s pages".formatted(
                figure(tick.queries()), figure(tick.readRows()), figure(tick.readBytes()), figure(tick.inserts()),
                figure(tick.requests()), figure(tick.pages()));
    }

    static String figure(double value) {
        return value == Math.rint(value) ? "%,d".formatted((long) value) : "%,.2f".formatted(value);
    }

    static String ratio(double baseline, double ours) {
        return ours == 0 ? "∞×" : "%.1f×".formatted(baseline / ours);
    }
}
