package kalshifills.clickhouse;

import java.nio.file.Path;
import java.util.List;

import kalshifills.testing.LocalClickHouse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tables on a ClickHouse cluster ({@code clickhouse.cluster}), as far as one machine can prove them: clickhouse-local
 * opens no interserver port and runs no distributed DDL, so {@code ON CLUSTER} and replication between nodes rest on
 * ClickHouse's documentation. What runs here: every statement parsed by the server, and the replicated and Distributed
 * tables created (without {@code ON CLUSTER}) on a server with ClickHouse's in-process test keeper.
 */
class ClusterTablesIT {

    private static final String CLUSTER = "fills_cluster";

    private final LocalClickHouse clickHouse = LocalClickHouse.shared();

    private ClickHouseSchema schema(String database) {
        return new ClickHouseSchema(database + ".mm_fills", database + ".mm_fills_rejected", database + ".mm_fills_poll_state", 1000)
                .onCluster(CLUSTER);
    }

    @Test
    void every_statement_on_a_cluster_is_one_the_server_parses() {
        ClickHouseSchema schema = schema("kalshi");
        List<String> statements = schema.createStatements();

        assertThat(statements).hasSize(7).allSatisfy(statement -> assertThat(statement).contains(" ON CLUSTER " + CLUSTER));
        for (String statement : statements) {
            String formatted = (String) clickHouse.rows("SELECT formatQuery('" + statement.replace("\\", "\\\\").replace("'", "\\'") + "')")
                    .get(0).get(0);
            assertThat(formatted).startsWith("CREATE ");
        }
        assertThat(String.join("\n", statements))
                .contains("CREATE TABLE IF NOT EXISTS kalshi.mm_fills_local ON CLUSTER fills_cluster (")
                .contains("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', ingested_at)")
                .contains("SETTINGS replicated_deduplication_window = 1000")
                .contains("CREATE TABLE IF NOT EXISTS kalshi.mm_fills ON CLUSTER fills_cluster AS kalshi.mm_fills_local\n"
                        + "ENGINE = Distributed(fills_cluster, kalshi, mm_fills_local, cityHash64(fill_id))");
        assertThat(schema.insertFillsSql("0123abcd")).contains("SETTINGS insert_deduplication_token = '").endsWith("', distributed_foreground_insert = 1 VALUES ("
                + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    @Test
    void the_replicated_and_distributed_tables_are_created_on_a_server_with_a_keeper() {
        LocalClickHouse keeper = LocalClickHouse.start(Path.of("target", "clickhouse-keeper-it"), LocalClickHouse.freePort(),
                Path.of("src", "test", "resources", "clickhouse", "replicated.xml"));
        try {
            String database = keeper.newDatabase();
            for (String statement : schema(database).createStatements()) {
                keeper.execute(statement.replace(" ON CLUSTER " + CLUSTER, ""));
            }

            assertThat(keeper.rows("SELECT name, engine FROM system.tables WHERE database = '" + database + "' ORDER BY name")).containsExactly(
                    List.of("mm_fills", "Distributed"), List.of("mm_fills_local", "ReplicatedReplacingMergeTree"),
                    List.of("mm_fills_poll_state", "Distributed"), List.of("mm_fills_poll_state_local", "ReplicatedReplacingMergeTree"),
                    List.of("mm_fills_rejected", "Distributed"), List.of("mm_fills_rejected_local", "ReplicatedReplacingMergeTree"));
            assertThat(keeper.rows("SELECT zookeeper_path, replica_name FROM system.replicas WHERE database = '" + database
                    + "' AND table = 'mm_fills_local'")).containsExactly(List.of("/clickhouse/tables/01/" + database + "/mm_fills_local", "replica-1"));
        } finally {
            keeper.stop();
        }
    }
}
