package kalshifills.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of one account: DOWN while polls (of Kalshi, or of the checkpoint in ClickHouse) or inserts into ClickHouse
 * are failing, saying since when and why, and when no poll has completed for longer than {@code maxPollAge} (a few ticks
 * of the schedule) unless the poll in progress still reads pages: a backfill is UP and says how far it got. Not a
 * liveness check: a restart mends neither Kalshi nor ClickHouse.
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
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        PipelineStatus.Outcome polls = status.polls();
        PipelineStatus.Outcome inserts = status.inserts();
        PipelineStatus.PollProgress running = status.running();
        Instant now = Instant.now(status.clock());
        List<String> problems = new ArrayList<>();
        if (polls.failing()) {
            problems.add("polls failing since " + polls.failingSince() + ": " + polls.failure());
        }
        if (inserts.failing()) {
            problems.add("inserts into ClickHouse failing since " + inserts.failingSince() + ": " + inserts.failure());
        }
        String backfill = null;
        Duration sinceLastPoll = status.sinceLastSuccessfulPoll();
        if (sinceLastPoll.compareTo(maxPollAge) > 0) {
            Instant lastProgress = running == null ? null : running.lastPageAt() == null ? running.startedAt() : running.lastPageAt();
            if (lastProgress != null && Duration.between(lastProgress, now).compareTo(maxPollAge) <= 0) {
                backfill = describe(running, now);
            } else if (running != null) {
                problems.add("no complete poll for " + sinceLastPoll.toSeconds() + " s, and the poll in progress read no page for "
                        + Duration.between(lastProgress, now).toSeconds() + " s (the limit is " + maxPollAge.toSeconds() + " s)");
            } else {
                problems.add("no complete poll for " + sinceLastPoll.toSeconds() + " s (the limit is " + maxPollAge.toSeconds() + " s)");
            }
        }
        builder.detail("last_poll_ok", String.valueOf(polls.lastSuccess()));
        builder.detail("last_insert_ok", String.valueOf(inserts.lastSuccess()));
        if (running != null) {
            builder.detail("poll_pages", running.pages());
            builder.detail("poll_oldest_fill", String.valueOf(running.oldestFill()));
            builder.detail("poll_window_covered", running.windowCovered() == null ? "unknown" : String.valueOf(running.windowCovered()));
        }
        if (!problems.isEmpty()) {
            builder.message(String.join("; ", problems)).down();
        } else if (backfill != null) {
            builder.message(backfill).up();
        } else {
            builder.up();
        }
    }

    private static String describe(PipelineStatus.PollProgress running, Instant now) {
        String covered = running.windowCovered() == null ? "reading back through everything Kalshi has"
                : Math.round(running.windowCovered() * 1000) / 10.0 + " % of the window covered";
        return "backfill in progress for " + Duration.between(running.startedAt(), now).toSeconds() + " s: " + running.pages()
                + (running.pages() == 1 ? " page" : " pages") + " read, oldest fill reached " + (running.oldestFill() == null ? "none yet" : running.oldestFill()) + ", " + covered;
    }
}
