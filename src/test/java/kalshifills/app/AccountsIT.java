package kalshifills.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.fill.FillId;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.testing.Eventually;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.SimulatedAccountTest;
import kalshifills.testing.TestKeys;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** routes/kalshi-account.yaml instantiated twice: a second account is a templatedRoute and a few settings, no Java. */
class AccountsIT extends SimulatedAccountTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path routes;

    @Test
    void two_accounts_each_poll_their_own_subaccount_with_their_own_key_file_into_their_own_table() throws Exception {
        Instant now = Instant.now();
        List<SimulatedFill> mainFills = new SimulatedFills(1).between(now.minus(Duration.ofMinutes(40)), now, 20);
        List<SimulatedFill> hedgeFills = inSubaccount(3, new SimulatedFills(2).between(now.minus(Duration.ofMinutes(30)), now, 12));
        kalshi.addFills(mainFills);
        kalshi.addFills(hedgeFills);
        String hedgeTable = table.replace(".mm_fills", ".hedge_fills");
        copyRoutesWithAccount("""
                - templatedRoute:
                    routeTemplateRef: kalshi-account
                    routeId: fills-poll-hedge
                    parameters:
                      - name: account
                        value: hedge
                """);

        Map<String, String> settings = settings();
        settings.put("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
        settings.put("fills.poll.cron", "0/1 * * * * ?");
        settings.put("kalshi.fills.subaccount", "0");
        settings.put("account.hedge.kalshi.fills.subaccount", "3");
        settings.put("account.hedge.kalshi.private-key-file", TestKeys.PKCS8_PRIVATE_KEY.toString());
        settings.put("account.hedge.clickhouse.fills-table", hedgeTable);
        settings.put("account.hedge.clickhouse.rejects-table", hedgeTable + "_rejected");
        try (RunningIngester ingester = RunningIngester.startOnSchedule(settings)) {
            Eventually.equals(20L, this::stored, Duration.ofSeconds(30));
            Eventually.equals(12L, () -> clickHouse.queryLong("SELECT count() FROM " + hedgeTable), Duration.ofSeconds(30));
            Eventually.equals(2L, () -> clickHouse.queryLong("SELECT uniqExact(poll_key) FROM " + table + "_poll_state"), Duration.ofSeconds(30));

            assertThat(HealthCheckRegistry.get(ingester.context()).getCheck("fills-main")).isPresent();
            assertThat(HealthCheckRegistry.get(ingester.context()).getCheck("fills-hedge")).isPresent();
            assertThat(ingester.context().getRoute("fills-poll-hedge").getEndpoint().getEndpointUri()).contains("poll-hedge");
        }
        assertThat(fillIds(table)).containsExactlyInAnyOrderElementsOf(fillIds(mainFills));
        assertThat(fillIds(hedgeTable)).containsExactlyInAnyOrderElementsOf(fillIds(hedgeFills));
        assertThat(clickHouse.rows("SELECT poll_key FROM " + table + "_poll_state GROUP BY poll_key ORDER BY poll_key"))
                .containsExactly(List.of(TestKeys.KEY_ID + "/0/all"), List.of(TestKeys.KEY_ID + "/3/all"));
        assertThat(kalshi.unauthorizedRequests()).isZero();
    }

    private List<String> fillIds(String fillsTable) {
        return clickHouse.rows("SELECT fill_id FROM " + fillsTable).stream().map(row -> row.get(0).toString()).toList();
    }

    private static List<String> fillIds(List<SimulatedFill> fills) throws Exception {
        List<String> ids = new ArrayList<>();
        for (SimulatedFill fill : fills) {
            ids.add(FillId.of(JSON.readTree(fill.json())));
        }
        return ids;
    }

    private void copyRoutesWithAccount(String account) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.writeString(routes.resolve("accounts.yaml"), Files.readString(routes.resolve("accounts.yaml")) + account);
    }

    private static List<SimulatedFill> inSubaccount(int subaccount, List<SimulatedFill> fills) {
        return fills.stream().map(fill -> new SimulatedFill(fill.json().replace("\"subaccount_number\":0", "\"subaccount_number\":" + subaccount),
                fill.epochSeconds(), fill.ticker(), subaccount)).toList();
    }
}
