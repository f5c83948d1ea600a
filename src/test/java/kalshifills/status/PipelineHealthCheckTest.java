package kalshifills.status;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import kalshifills.testing.SettableClock;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineHealthCheckTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-24T12:00:00Z"));
    private final PipelineStatus status = new PipelineStatus("main", clock, new SimpleMeterRegistry(), Duration.ofMinutes(1));
    private final PipelineHealthCheck check = new PipelineHealthCheck(status);

    @BeforeEach
    void leadTheAccount() {
        status.leading(true);
    }

    @Test
    void up_standing_by_while_another_instance_leads_and_judged_from_the_takeover_on() {
        status.leading(false);
        status.pollFailed("Kalshi answered HTTP 503");
        clock.advance(Duration.ofMinutes(10));

        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(check.call().getMessage()).hasValue("standing by: another instance polls account 'main'");

        status.leading(true);
        status.pollSucceeded();
        clock.advance(Duration.ofSeconds(30));
        assertThat(check.call().getState()).as("30 s after the takeover's first poll").isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void a_readiness_check_only_as_a_restart_mends_neither_kalshi_nor_clickhouse() {
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).isFalse();
    }

    @Test
    void up_while_polls_and_inserts_succeed() {
        status.pollSucceeded();
        status.insertSucceeded(10, Duration.ofMillis(5), clock.instant());

        HealthCheck.Result result = check.call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getMessage()).isEmpty();
        assertThat(result.getDetails()).containsEntry("last_poll_ok", "2026-11-24T12:00:00Z");
    }

    @Test
    void down_saying_since_when_and_why_while_inserts_fail_then_up_again() {
        status.insertFailed("SQLException: Connection refused", Duration.ofMillis(5));
        clock.advance(Duration.ofSeconds(30));
        status.insertFailed("SQLTransientConnectionException: clickhouse - Connection is not available", Duration.ofMillis(5));

        HealthCheck.Result down = check.call();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValue("inserts into ClickHouse failing since 2026-11-24T12:00:00Z:"
                + " SQLTransientConnectionException: clickhouse - Connection is not available");

        status.insertSucceeded(10, Duration.ofMillis(5), clock.instant());
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void down_naming_both_when_polls_and_inserts_fail() {
        status.pollFailed("Kalshi answered HTTP 503");
        status.insertFailed("SQLException: Connection refused", Duration.ofMillis(5));

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

    @Test
    void a_backfill_that_still_reads_pages_is_up_and_says_how_far_it_got() {
        status.pollStarted();
        for (int page = 1; page <= 30; page++) {
            clock.advance(Duration.ofSeconds(10));
            status.pageRead(page, Instant.parse("2026-11-20T00:00:00Z"), 0.375);
        }

        HealthCheck.Result backfill = check.call();

        assertThat(backfill.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(backfill.getMessage()).hasValue("backfill in progress for 300 s: 30 pages read, oldest fill reached"
                + " 2026-11-20T00:00:00Z, 37.5 % of the window covered");
        assertThat(backfill.getDetails()).containsEntry("poll_pages", 30).containsEntry("poll_window_covered", "0.375");
    }

    @Test
    void a_first_run_reading_back_through_everything_says_so() {
        status.pollStarted();
        clock.advance(Duration.ofSeconds(90));
        status.pageRead(9, Instant.parse("2026-08-01T00:00:00Z"), null);

        assertThat(check.call().getMessage()).hasValue("backfill in progress for 90 s: 9 pages read, oldest fill reached"
                + " 2026-08-01T00:00:00Z, reading back through everything Kalshi has");
    }

    @Test
    void a_backfill_after_a_failed_poll_is_up_once_it_reads_pages() {
        status.pollFailed("Kalshi answered HTTP 503");
        status.pollStarted();
        assertThat(check.call().getState()).as("no page read since the failure").isEqualTo(HealthCheck.State.DOWN);

        for (int page = 1; page <= 12; page++) {
            clock.advance(Duration.ofSeconds(10));
            status.pageRead(page, Instant.parse("2026-11-20T00:00:00Z"), 0.5);
        }

        HealthCheck.Result backfill = check.call();
        assertThat(backfill.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(backfill.getMessage()).hasValueSatisfying(message -> assertThat(message).startsWith("backfill in progress for 120 s: 12 pages"));
    }

    @Test
    void a_short_poll_running_is_no_backfill() {
        status.pollStarted();
        clock.advance(Duration.ofSeconds(5));
        status.pageRead(1, Instant.parse("2026-11-24T11:00:00Z"), 0.9);

        assertThat(status.backfill()).isNull();
        assertThat(check.call().getMessage()).isEmpty();
    }

    @Test
    void a_backfill_that_stopped_reading_pages_is_down() {
        status.pollStarted();
        clock.advance(Duration.ofSeconds(30));
        status.pageRead(3, Instant.parse("2026-11-20T00:00:00Z"), 0.1);
        clock.advance(Duration.ofSeconds(61));

        HealthCheck.Result stalled = check.call();

        assertThat(stalled.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(stalled.getMessage()).hasValue("no complete poll for 91 s, and the poll in progress read no page for 61 s"
                + " (the limit is 60 s)");
    }
}
