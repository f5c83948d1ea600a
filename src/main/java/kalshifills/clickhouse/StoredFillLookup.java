package kalshifills.clickhouse;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import kalshifills.fill.FillTime;

/**
 * Which of some fill ids the fills table holds, among its rows of a time range.
 *
 * <p>A fill's time is a function of the fill itself ({@link FillTime}; {@code repair} derives it the same way), so a
 * stored copy has the time the fill has now, give or take {@link #SHAPE_MARGIN}. Bounding the lookup by the fills' times
 * lets ClickHouse skip every part outside them: without it, a lookup in a table of small parts of random ids reads nearly
 * every row, and a backfill slows down as the table grows.
 */
@FunctionalInterface
public interface StoredFillLookup {

    /** Bounds that hold every fill: none before {@link FillTime#EARLIEST}, none after DateTime64(3)'s last day. */
    Instant ANY_TIME_FROM = FillTime.EARLIEST;
    Instant ANY_TIME_UNTIL = Instant.parse("2299-12-31T23:59:59.999Z");

    /** @param earliest, latest the earliest and latest time of these fills */
    Set<String> storedAmong(List<String> fillIds, Instant earliest, Instant latest) throws SQLException;

    /**
     * How far a stored copy's time can be from the time the same fill gets now: a row stored while {@code ts} (whole
     * seconds) won over {@code created_time} is up to a second earlier, and a payload that carries only {@code ts} gives up
     * to a second less than one with {@code created_time}.
     */
    Duration SHAPE_MARGIN = Duration.ofSeconds(1);

    /** The lookup in the schema's fills table, the ids one Array(String) parameter, the time range widened by {@link #SHAPE_MARGIN}. */
    static StoredFillLookup in(DataSource dataSource, ClickHouseSchema schema) {
        ExistingKeys keys = new ExistingKeys(dataSource, schema.storedFillIdsSql(), "stored fills in " + schema.fillsTable());
        return (fillIds, earliest, latest) -> keys.among(fillIds, earliest.minus(SHAPE_MARGIN).toEpochMilli(),
                latest.plus(SHAPE_MARGIN).toEpochMilli());
    }
}
