package kalshifills.clickhouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

/** Looks fill ids up in the fills table with one query of bound parameters: ids are never spliced into SQL. */
public final class FillsTableLookup implements StoredFillLookup {

    private final DataSource dataSource;
    private final ClickHouseSchema schema;

    public FillsTableLookup(DataSource dataSource, ClickHouseSchema schema) {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    @Override
    public Set<String> storedAmong(List<String> fillIds) throws SQLException {
        Set<String> found = new HashSet<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(schema.storedFillIdsSql(fillIds.size()))) {
            for (int i = 0; i < fillIds.size(); i++) {
                statement.setString(i + 1, fillIds.get(i));
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
