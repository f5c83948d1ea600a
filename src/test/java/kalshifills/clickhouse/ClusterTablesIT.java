package kalshifills.clickhouse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.fill.FillId;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.Eventually;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tables on a ClickHouse cluster ({@code clickhouse.cluster}), as far as one machine can prove them: clickhouse-local
 * opens no interserver port and runs no distributed DDL, so {@code ON CLUSTER} and replication between nodes rest on
 * ClickHouse's documentation. What runs here: every statement parsed by the server, the replicated and Distributed
 * tables created (without {@code ON CLUSTER}) on a server with ClickHouse's in-process test keeper, and the service
 * writing and reading through Distributed tables over two servers, each a shard.
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

    @Test
    void the_service_stores_each_fill_once_through_a_distributed_table_over_two_shards() throws Exception {
        int tcpA = LocalClickHouse.freePort();
        int tcpB = LocalClickHouse.freePort();
        Path config = Path.of("target", "clickhouse-shards", "two-shards.xml").toAbsolutePath();
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                <clickhouse>
                  <remote_servers>
                    <two_shards>
                      <shard><replica><host>127.0.0.1</host><port>%d</port></replica></shard>
                      <shard><replica><host>127.0.0.1</host><port>%d</port></replica></shard>
                    </two_shards>
                  </remote_servers>
                </clickhouse>
                """.formatted(tcpA, tcpB));
        LocalClickHouse shardA = LocalClickHouse.start(Path.of("target", "clickhouse-shards", "a"), LocalClickHouse.freePort(), config, tcpA);
        LocalClickHouse shardB = LocalClickHouse.start(Path.of("target", "clickhouse-shards", "b"), LocalClickHouse.freePort(), config, tcpB);
        String database = shardA.newDatabase();
        String table = database + ".mm_fills";
        Instant now = Instant.now();
        List<SimulatedFill> fills = new SimulatedFills(12).between(now.minus(Duration.ofDays(3)), now.minusSeconds(60), 240);
        try (SimulatedKalshiApi kalshi = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0)) {
            // clickhouse-local runs no distributed DDL and no replication, so each shard gets the tables an operator of a
            // cluster without replicas creates; the service finds them and runs no ON CLUSTER statement.
            for (LocalClickHouse shard : List.of(shardA, shardB)) {
                for (String statement : schema(database).onCluster("two_shards").createStatements()) {
                    shard.execute(withoutReplication(statement.replace(" ON CLUSTER two_shards", "")));
                }
            }
            kalshi.addFills(fills);
            Map<String, String> settings = RunningIngester.settings(kalshi, shardA.jdbcUrl(), table);
            settings.put("clickhouse.cluster", "two_shards");
            settings.put("kalshi.fills.page-limit", "50");
            try (RunningIngester ingester = RunningIngester.start(settings)) {
                ingester.tick();
                Eventually.equals(240L, () -> shardA.queryLong("SELECT count() FROM " + table), Duration.ofSeconds(30));

                List<SimulatedFill> later = new SimulatedFills(13).between(now.minusSeconds(30), now, 10);
                kalshi.addFills(later);
                ingester.tick();
                ingester.tick();
                Eventually.equals(250L, () -> shardB.queryLong("SELECT count() FROM " + table), Duration.ofSeconds(30));
            }

            long onA = shardA.queryLong("SELECT count() FROM " + database + ".mm_fills_local");
            long onB = shardB.queryLong("SELECT count() FROM " + database + ".mm_fills_local");
            assertThat(onA).isPositive();
            assertThat(onB).isPositive();
            assertThat(onA + onB).isEqualTo(250);
            assertThat(shardB.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(250);
            assertThat(shardB.queryLong("SELECT countIf(fill_id IN (" + quoted(fills) + ")) FROM " + table)).isEqualTo(240);
            assertThat(kalshi.queries().get(kalshi.queries().size() - 1)).as("the last poll resumed from the checkpoint read through Distributed")
                    .contains("min_ts=");
            assertThat(kalshi.unauthorizedRequests()).isZero();
        } finally {
            shardA.stop();
            shardB.stop();
        }
    }

    /** A cluster statement as it reads on a cluster of shards without replicas. */
    private static String withoutReplication(String statement) {
        return statement.replaceAll("ReplicatedReplacingMergeTree\\('[^']*', '[^']*'(, )?", "ReplacingMergeTree(")
                .replace("replicated_deduplication_window", "non_replicated_deduplication_window");
    }

    private static String quoted(List<SimulatedFill> fills) throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder ids = new StringBuilder();
        for (SimulatedFill fill : fills) {
            ids.append(ids.isEmpty() ? "'" : ", '").append(FillId.of(json.readTree(fill.json()))).append("'");
        }
        return ids.toString();
    }
}
