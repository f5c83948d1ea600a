package kalshifills.clickhouse;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/** Which of some fill ids the fills table holds. */
@FunctionalInterface
public interface StoredFillLookup {

    Set<String> storedAmong(List<String> fillIds) throws SQLException;
}
