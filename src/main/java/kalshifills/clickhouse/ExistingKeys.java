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
public final class ExistingKeys implements StoredFillLookup {

    private final DataSource dataSource;
    private final IntFunction<String> sqlForKeys;

    /** @param sqlForKeys the query selecting the key column, for a given number of {@code ?} parameters */
    public ExistingKeys(DataSource dataSource, IntFunction<String> sqlForKeys) {
        this.dataSource = dataSource;
        this.sqlForKeys = sqlForKeys;
    }

    @Override
    public Set<String> storedAmong(List<String> keys) throws SQLException {
        Set<String> found = new HashSet<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sqlForKeys.apply(keys.size()))) {
            for (int i = 0; i < keys.size(); i++) {
                statement.setString(i + 1, keys.get(i));
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
