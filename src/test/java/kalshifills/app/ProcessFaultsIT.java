package kalshifills.app;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import kalshifills.simulator.SimulatedFills;
import kalshifills.testing.Eventually;
import kalshifills.testing.ServiceProcess;
import kalshifills.testing.SimulatedAccountTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The service's own process ended abruptly or asked to stop, in the middle of its work. */
class ProcessFaultsIT extends SimulatedAccountTest {

    private final SimulatedFills fills = new SimulatedFills(3);

    @Override
    protected Map<String, String> settings() {
        Map<String, String> settings = super.settings();
        settings.put("fills.poll.cron", "0/1 * * * * ?");
        settings.put("kalshi.fills.page-limit", "100");
        return settings;
    }

    @Test
    void killed_in_the_middle_of_a_three_hour_catch_up_then_restarted_every_fill_is_stored_once() throws Exception {
        Instant now = Instant.now();
        kalshi.addFills(fills.between(now.minus(Duration.ofHours(3)), now.minus(Duration.ofMinutes(1)), 3000));
        kalshi.delayResponses(Duration.ofMillis(50));
        Map<String, String> settings = settings();
        settings.put("fills.batch.size", "200");
        settings.put("fills.batch.timeout-ms", "10000");

        ServiceProcess first = ServiceProcess.start(settings);
        Eventually.equals(true, () -> first.events("fills_ingested").size() >= 2, Duration.ofSeconds(60));
        first.sigkill();
        first.exitWithin(Duration.ofSeconds(30));
        long storedWhenKilled = stored();
        assertThat(storedWhenKilled).as("the newest fills were stored, older ones were still in flight").isBetween(400L, 2999L);
        int requestsBeforeRestart = kalshi.queries().size();

        ServiceProcess second = ServiceProcess.start(settings);
        try {
            Eventually.equals(3000L, this::stored, Duration.ofSeconds(90));
        } finally {
            second.sigterm();
            second.exitWithin(Duration.ofSeconds(60));
        }

        assertThat(kalshi.queries().get(requestsBeforeRestart)).as("no poll had completed: everything Kalshi keeps is asked for")
                .isEqualTo("limit=100");
        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(3000);
        assertThat(stored()).isEqualTo(3000);
    }

    @Test
    void stopped_with_sigterm_in_the_middle_of_a_poll_it_reads_the_last_page_and_inserts_every_fill_before_exit() throws Exception {
        kalshi.addFills(fills.between(Instant.now().minus(Duration.ofMinutes(30)), Instant.now(), 500));
        kalshi.delayResponses(Duration.ofSeconds(1));
        Map<String, String> settings = settings();
        settings.put("fills.batch.timeout-ms", "60000");

        ServiceProcess service = ServiceProcess.start(settings);
        Eventually.equals(true, () -> kalshi.queries().size() >= 2, Duration.ofSeconds(60));
        Instant stopAsked = Instant.now();
        service.sigterm();

        assertThat(service.exitWithin(Duration.ofSeconds(60))).isIn(0, 143);
        assertThat(Duration.between(stopAsked, Instant.now())).as("within camel.main.shutdown-timeout").isLessThan(Duration.ofSeconds(45));
        assertThat(kalshi.queries()).hasSize(5);
        assertThat(stored()).isEqualTo(500);
        assertThat(service.events("fills_ingested").stream().mapToInt(e -> e.get("count").asInt()).sum()).isEqualTo(500);
        assertThat(clickHouse.queryLong("SELECT uniqExact(fill_id) FROM " + table)).isEqualTo(500);
        assertThat(clickHouse.queryLong("SELECT count() FROM " + table + "_poll_state")).as("the poll completed and was saved").isEqualTo(1);
    }
}
