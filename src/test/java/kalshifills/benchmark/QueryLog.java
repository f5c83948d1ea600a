package kalshifills.benchmark;

import java.time.Instant;
import java.util.List;

import kalshifills.testing.LocalClickHouse;

/**
 * What ClickHouse's own {@code system.query_log} says was asked of it between two instants. Only the benchmark's subject
 * talks to the server inside a window: the benchmark reads the log after the window closes.
 */
final class QueryLog {

    /** Totals over a window: queries (any kind), of which inserts, and the rows and bytes they read. */
    record Totals(long queries, long inserts, long readRows, long readBytes) {
    }

    private final LocalClickHouse clickHouse;

    QueryLog(LocalClickHouse clickHouse) {
        this.clickHouse = clickHouse;
    }

    Totals between(Instant from, Instant to) {
        clickHouse.execute("SYSTEM FLUSH LOGS");
        List<Object> row = clickHouse.rows("""
                SELECT count(), countIf(query_kind = 'Insert'), sum(read_rows), sum(read_bytes)
                FROM system.query_log
                WHERE type != 'QueryStart' AND is_initial_query
                  AND query_start_time_microseconds BETWEEN fromUnixTimestamp64Micro(%d) AND fromUnixTimestamp64Micro(%d)
                """.formatted(micros(from), micros(to))).get(0);
        return new Totals(number(row.get(0)), number(row.get(1)), number(row.get(2)), number(row.get(3)));
    }

    /**
     * The stored-fill lookups of one fills table, over its whole life: one per page read, unless a page is read twice. The
     * log holds a query with parameters as the server rewrote it ({@code BETWEEN} as two comparisons), so only its start is matched.
     */
    long lookupsIn(String fillsTable) {
        clickHouse.execute("SYSTEM FLUSH LOGS");
        return clickHouse.queryLong("SELECT count() FROM system.query_log WHERE type = 'QueryFinish' AND is_initial_query"
                + " AND query LIKE 'SELECT DISTINCT fill_id FROM " + fillsTable + " WHERE %'");
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
