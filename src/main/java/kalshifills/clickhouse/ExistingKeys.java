package kalshifills.clickhouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

import javax.sql.DataSource;

/** Which of some keys a table holds, asked in one query of bound parameters: keys are never spliced into SQL. */
public final class ExistingKeys {

    private final DataSource dataSource;
    private final IntFunction<String> sqlForKeys;

    /** @param sqlForKeys the query selecting the key column, for a given number of key parameters ({@code ?}) */
    public ExistingKeys(DataSource dataSource, IntFunction<String> sqlForKeys) {
        this.dataSource = dataSource;
        this.sqlForKeys = sqlForKeys;
    }

    /** @param leading values of the query's parameters before the keys, such as the bounds of a time range */
    public Set<String> among(List<String> keys, long... leading) throws SQLException {
        Set<String> found = new HashSet<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sqlForKeys.apply(keys.size()))) {
            int parameter = 0;
            for (long value : leading) {
                statement.setLong(++parameter, value);
            }
            for (String key : keys) {
                statement.setString(++parameter, key);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
        }
        return found;
    }
}
