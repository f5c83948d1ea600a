package kalshifills.status;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import kalshifills.testing.SettableClock;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineHealthCheckTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-24T12:00:00Z"));
    private final PipelineStatus status = new PipelineStatus("main", clock, new SimpleMeterRegistry());
    private final PipelineHealthCheck check = new PipelineHealthCheck(status, Duration.ofMinutes(1));

    @Test
    void up_while_polls_and_inserts_succeed() {
        status.pollSucceeded();
        status.insertSucceeded(10, Duration.ofMillis(5));

        HealthCheck.Result result = check.call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("last_poll_ok", "2026-11-24T12:00:00Z");
    }

    @Test
    void down_saying_since_when_and_why_while_inserts_fail_then_up_again() {
        status.insertFailed("SQLException: Connection refused");
        clock.advance(Duration.ofSeconds(30));
        status.insertFailed("SQLTransientConnectionException: clickhouse - Connection is not available");

        HealthCheck.Result down = check.call();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValue("inserts into ClickHouse failing since 2026-11-24T12:00:00Z:"
                + " SQLTransientConnectionException: clickhouse - Connection is not available");

        status.insertSucceeded(10, Duration.ofMillis(5));
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void down_naming_both_when_polls_and_inserts_fail() {
        status.pollFailed("Kalshi answered HTTP 503");
        status.insertFailed("SQLException: Connection refused");

        assertThat(check.call().getMessage()).hasValue("polls failing since 2026-11-24T12:00:00Z: Kalshi answered HTTP 503;"
                + " inserts into ClickHouse failing since 2026-11-24T12:00:00Z: SQLException: Connection refused");
    }

    @Test
    void down_when_no_poll_has_completed_for_longer_than_the_limit_then_up_after_one_does() {
        clock.advance(Duration.ofSeconds(60));
        assertThat(check.call().getState()).as("a minute after start, at the limit").isEqualTo(HealthCheck.State.UP);

        clock.advance(Duration.ofSeconds(1));
        HealthCheck.Result stale = check.call();
        assertThat(stale.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(stale.getMessage()).hasValue("no complete poll for 61 s (the limit is 60 s)");

        status.pollSucceeded();
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        clock.advance(Duration.ofSeconds(90));
        assertThat(check.call().getMessage()).hasValue("no complete poll for 90 s (the limit is 60 s)");
    }
}
