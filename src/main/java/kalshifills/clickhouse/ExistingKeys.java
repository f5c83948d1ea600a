package kalshifills.clickhouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.clickhouse.client.api.ClientConfigProperties;
import com.clickhouse.client.api.query.GenericRecord;
import com.clickhouse.client.api.query.QuerySettings;

/**
 * Which of some keys a table holds, asked in one query whose keys travel as one server-side parameter of type
 * {@code Array(String)} ({@code {keys:Array(String)}}): never spliced into SQL, and not a thousand literals for the server
 * to parse. The statement and its parameters go in the request's body (a form), not its URL: a thousand ids are about
 * 45 KB, past many proxies' URL limits, and building and parsing so long a URI cost the client more than the lookup.
 * client-v2 sends the form's text as ISO-8859-1, which holds every key here: fill ids are ASCII by {@code FillId}'s rule,
 * reject keys hex.
 */
public final class ExistingKeys {

    private final DataSource dataSource;
    private final String sql;
    private final String what;

    /**
     * @param sql the query selecting the key column, naming the keys {@code {keys:Array(String)}} and the values of
     *            {@link #among}'s {@code bounds} {@code {from:Int64}} and {@code {to:Int64}} if it has them
     * @param what    what the keys stand for, for a failure's message, e.g. {@code "rejected fills in kalshi.mm_fills_rejected"}
     */
    public ExistingKeys(DataSource dataSource, String sql, String what) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.what = what;
    }

    /** @param bounds {@code from} and {@code to} of the query, such as a time range in epoch milliseconds, or none */
    public Set<String> among(List<String> keys, long... bounds) throws SQLException {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("keys", arrayLiteral(keys));
        if (bounds.length == 2) {
            parameters.put("from", bounds[0]);
            parameters.put("to", bounds[1]);
        }
        Set<String> found = new HashSet<>();
        try (Connection connection = dataSource.getConnection()) {
            for (GenericRecord row : PooledClient.of(connection).queryAll(sql, parameters, inBody())) {
                found.add(row.getString(1));
            }
        } catch (RuntimeException e) {
            throw PooledClient.failure("cannot look " + what + " up", e);
        }
        return found;
    }

    /**
     * Statement and parameters as a form. The answer uncompressed: it is a few ids, and ClickHouse releases from before
     * the fix of ClickHouse/ClickHouse#85570 (August 2025) ignore settings in the URL of a form request,
     * {@code compress=1} among them, so a client expecting a compressed answer would fail to read every lookup there.
     */
    private static QuerySettings inBody() {
        return new QuerySettings().setOption(ClientConfigProperties.HTTP_SEND_PARAMS_IN_BODY.getKey(), true)
                .setOption(ClientConfigProperties.COMPRESS_SERVER_RESPONSE.getKey(), false);
    }

    /** The keys as ClickHouse reads an Array(String) parameter: client-v2 0.10 sends a list as Java's toString(). */
    static String arrayLiteral(List<String> keys) {
        StringBuilder literal = new StringBuilder(keys.size() * 40).append('[');
        for (String key : keys) {
            literal.append(literal.length() > 1 ? ",'" : "'");
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (c == '\\' || c == '\'') {
                    literal.append('\\');
                }
                literal.append(c);
            }
            literal.append('\'');
        }
        return literal.append(']').toString();
    }
}
