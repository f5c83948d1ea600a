package kalshifills.clickhouse;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import kalshifills.fill.FillTime;

/**
 * Which of some fill ids the fills table holds, among its rows of a time range.
 *
 * <p>A fill's time is a function of the fill itself ({@link FillTime}; {@code repair} derives it the same way), so a
 * stored copy has the time the fill has now. Bounding the lookup by the fills' times lets ClickHouse skip every part
 * outside them: without it, a lookup in a table of small parts of random ids reads nearly every row, and a backfill slows
 * down as the table grows.
 */
@FunctionalInterface
public interface StoredFillLookup {

    /** Bounds that hold every fill: none before {@link FillTime#EARLIEST}, none after DateTime64(3)'s last day. */
    Instant ANY_TIME_FROM = FillTime.EARLIEST;
    Instant ANY_TIME_UNTIL = Instant.parse("2299-12-31T23:59:59.999Z");

    /** @param earliest, latest the earliest and latest time of these fills */
    Set<String> storedAmong(List<String> fillIds, Instant earliest, Instant latest) throws SQLException;

    /** The lookup in the schema's fills table, every id a bound parameter. */
    static StoredFillLookup in(DataSource dataSource, ClickHouseSchema schema) {
        ExistingKeys keys = new ExistingKeys(dataSource, schema::storedFillIdsSql);
        return (fillIds, earliest, latest) -> keys.among(fillIds, earliest.toEpochMilli(), latest.toEpochMilli());
    }
}
