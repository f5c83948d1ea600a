package kalshifills.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN while polls (of Kalshi, or of the checkpoint in ClickHouse) or inserts into ClickHouse are failing, saying since
 * when and why; DOWN too when no poll has read every page for longer than {@code maxPollAge} (a few ticks of the
 * schedule), whatever the reason.
 */
public final class PipelineHealthCheck extends AbstractHealthCheck {

    private final PipelineStatus status;
    private final Duration maxPollAge;
    public PipelineHealthCheck(PipelineStatus status, Duration maxPollAge) {
        super("kalshi-fills", "fills-" + status.account());
        this.status = status;
        this.maxPollAge = maxPollAge;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        PipelineStatus.Outcome polls = status.polls();
        PipelineStatus.Outcome inserts = status.inserts();
        List<String> problems = new ArrayList<>();
        if (polls.failing()) {
            problems.add("polls failing since " + polls.failingSince() + ": " + polls.failure());
        }
        Duration sinceLastPoll = status.sinceLastSuccessfulPoll();
        if (sinceLastPoll.compareTo(maxPollAge) > 0) {
            problems.add("no complete poll for " + sinceLastPoll.toSeconds() + " s (the limit is " + maxPollAge.toSeconds() + " s)");
        }
        if (inserts.failing()) {
            problems.add("inserts into ClickHouse failing since " + inserts.failingSince() + ": " + inserts.failure());
        }
        builder.detail("last_poll_ok", String.valueOf(polls.lastSuccess()));
        builder.detail("last_insert_ok", String.valueOf(inserts.lastSuccess()));
        if (problems.isEmpty()) {
            builder.up();
        } else {
            builder.message(String.join("; ", problems)).down();
        }
    }
}
