package kalshifills.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import kalshifills.simulator.SimulatedFills;
import kalshifills.testing.Eventually;
import kalshifills.testing.ServiceProcess;
import kalshifills.testing.SimulatedAccountTest;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the jar share one account over a real ZooKeeper server (in this JVM, so that it outlives them): one
 * polls, the other stands by; SIGKILL the one polling in the middle of a backfill, and the other takes the account over
 * within the session timeout and finishes from the checkpoint, every fill stored once.
 */
class ClusterFailoverIT extends SimulatedAccountTest {

    private static final int FILLS = 1_000;
    private static final Duration SESSION = Duration.ofSeconds(4);

    @Test
    void the_standby_takes_over_a_killed_leader_and_every_fill_is_stored_once() throws Exception {
        kalshi.addFills(new SimulatedFills(12).between(Instant.now().minus(Duration.ofDays(30)), Instant.now(), FILLS));
        // Slow pages until the standby has joined, so that the leader is killed in the middle of its backfill.
        kalshi.delayResponses(Duration.ofMillis(400));
        Path zooKeeperData = Files.createTempDirectory(Path.of("target"), "zookeeper");
        // A one-second tick lets sessions be as short as 2 s; the instances ask for SESSION.
        try (TestingServer zooKeeper = new TestingServer(new InstanceSpec(zooKeeperData.toFile(), -1, -1, -1, true, -1, 1000, -1), true)) {
            Map<String, String> a = instance("a", zooKeeper);
            Map<String, String> b = instance("b", zooKeeper);
            List<ServiceProcess> instances = List.of(ServiceProcess.start(a), ServiceProcess.start(b));
            try {
                Eventually.equals(1L, () -> instances.stream().filter(i -> !i.events("account_taken_over").isEmpty()).count(), Duration.ofSeconds(60));
                ServiceProcess leader = instances.stream().filter(i -> !i.events("account_taken_over").isEmpty()).findFirst().orElseThrow();
                ServiceProcess standby = instances.stream().filter(i -> i != leader).findFirst().orElseThrow();
                Eventually.equals(true, () -> standby.lines().stream().anyMatch(line -> line.contains("Started fills-poll-main")),
                        Duration.ofSeconds(60));
                Eventually.equals(true, () -> stored() >= 100, Duration.ofSeconds(60));
                assertThat(stored()).as("killed mid-backfill").isLessThan(FILLS / 2);
                assertThat(standby.events("account_taken_over")).as("the other instance stands by").isEmpty();
                String standbyPort = (standby == instances.get(0) ? a : b).get("camel.management.port");
                assertThat(get(standbyPort, "/observe/health/ready")).contains("standing by: another instance polls account 'main'");
                assertThat(get(standbyPort, "/observe/metrics")).contains("kalshi_fills_leader{account=\"main\"} 0.0");

                Instant killed = Instant.now();
                long storedAtKill = stored();
                leader.sigkill();
                leader.exitWithin(Duration.ofSeconds(30));
                kalshi.delayResponses(Duration.ofMillis(20));

                Eventually.equals(1, () -> standby.events("account_taken_over").size(), SESSION.plusSeconds(30));
                Instant takenOver = Instant.parse(standby.events("account_taken_over").get(0).get("@timestamp").asText());
                Eventually.equals((long) FILLS, this::stored, Duration.ofSeconds(120));
                Eventually.equals(true, () -> !standby.events("fill_pipeline_stats").isEmpty(), Duration.ofSeconds(30));

                Duration takeover = Duration.between(killed, takenOver);
                JsonNode firstPoll = standby.events("fill_pipeline_stats").get(0);
                System.out.printf("FAILOVER: killed the leader at %s with %d of %d fills stored; the standby took the account over at %s"
                        + " (%d ms later; session timeout %d ms); its first poll ended %s, %d pages, %d fetched; rows %d, unique %d%n",
                        killed, storedAtKill, FILLS, takenOver, takeover.toMillis(), SESSION.toMillis(), firstPoll.get("@timestamp").asText(),
                        firstPoll.get("pages").asInt(), firstPoll.get("fetched").asInt(), clickHouse.queryLong("SELECT count() FROM " + table),
                        clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table));
                assertThat(takeover).as("taken over within the session timeout and a little").isLessThan(SESSION.plusSeconds(5));
                assertThat(clickHouse.queryLong("SELECT count() FROM " + table)).as("count() without FINAL").isEqualTo(FILLS);
                assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(FILLS);
                assertThat(firstPoll.path("min_ts").isNumber()).as("no checkpoint yet: the new leader reads everything again").isFalse();
                assertThat(firstPoll.get("fetched").asInt()).isEqualTo(FILLS);
            } finally {
                for (ServiceProcess instance : instances) {
                    instance.sigkill();
                }
            }
        }
    }

    private static String get(String port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private Map<String, String> instance(String name, TestingServer zooKeeper) {
        Map<String, String> settings = new HashMap<>(settings());
        settings.put("cluster.zookeeper.nodes", zooKeeper.getConnectString());
        settings.put("cluster.zookeeper.session-timeout-ms", Long.toString(SESSION.toMillis()));
        settings.put("fills.instance-id", name);
        settings.put("fills.poll.cron", "0/1 * * * * ?");
        settings.put("kalshi.fills.page-limit", "25");
        settings.put("fills.batch.size", "100");
        settings.put("routes.reload-enabled", "false");
        return settings;
    }
}
