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
 * are failing, saying since when and why, and when no poll has completed for longer than the limit (a few ticks of the
 * schedule), unless the poll in progress is a backfill still reading pages: that is UP, and says how far it got. UP, and
 * saying so, while another instance leads the account. Not a liveness check: a restart mends neither Kalshi nor
 * ClickHouse.
 */
public final class PipelineHealthCheck extends AbstractHealthCheck {

    private final PipelineStatus status;

    public PipelineHealthCheck(PipelineStatus status) {
        super("kalshi-fills", "fills-" + status.account());
        this.status = status;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (!status.leading()) {
            builder.detail("leader", false);
            builder.message("standing by: another instance polls account '" + status.account() + "'").up();
            return;
        }
        PipelineStatus.Outcome polls = status.polls();
        PipelineStatus.Outcome inserts = status.inserts();
        PipelineStatus.PollProgress running = status.running();
        PipelineStatus.PollProgress backfill = status.backfill();
        Duration limit = status.maxPollAge();
        Instant now = status.clock().instant();
        List<String> problems = new ArrayList<>();
        // A poll that read a page since the last failure is past it: a backfill after one failed poll is not failing.
        if (polls.failing() && (running == null || running.lastPageAt() == null)) {
            problems.add("polls failing since " + polls.failingSince() + ": " + polls.failure());
        }
        if (inserts.failing()) {
            problems.add("inserts into ClickHouse failing since " + inserts.failingSince() + ": " + inserts.failure());
        }
        Duration sinceLastPoll = status.sinceLastSuccessfulPoll();
        if (sinceLastPoll.compareTo(limit) > 0 && backfill == null) {
            Instant lastProgress = running == null ? null : running.lastProgress();
            problems.add("no complete poll for " + sinceLastPoll.toSeconds() + " s"
                    + (lastProgress != null && Duration.between(lastProgress, now).compareTo(limit) > 0
                            ? ", and the poll in progress read no page for " + Duration.between(lastProgress, now).toSeconds() + " s" : "")
                    + " (the limit is " + limit.toSeconds() + " s)");
        }
        builder.detail("last_poll_ok", String.valueOf(polls.lastSuccess()));
        builder.detail("last_insert_ok", String.valueOf(inserts.lastSuccess()));
        PipelineStatus.Feed feed = status.feed();
        if (feed != null) {
            builder.detail("feed", feed.subscribed() ? "subscribed since " + feed.since() : "down since " + feed.since() + ": " + feed.problem());
        }
        if (running != null) {
            builder.detail("poll_pages", running.pages());
            builder.detail("poll_oldest_fill", String.valueOf(running.oldestFill()));
            builder.detail("poll_window_covered", running.windowCovered() == null ? "unknown" : String.valueOf(running.windowCovered()));
        }
        if (!problems.isEmpty()) {
            builder.message(String.join("; ", problems)).down();
        } else if (backfill != null) {
            builder.message(describe(backfill, now)).up();
        } else if (feed != null && !feed.subscribed()) {
            // Polls keep the table complete: a feed down costs freshness, not fills.
            builder.message("WebSocket feed down since " + feed.since() + " (" + feed.problem() + "); polls keep the table complete").up();
        } else {
            builder.up();
        }
    }

    private static String describe(PipelineStatus.PollProgress backfill, Instant now) {
        String covered = backfill.windowCovered() == null ? "reading back through everything Kalshi has"
                : Math.round(backfill.windowCovered() * 1000) / 10.0 + " % of the window covered";
        return "backfill in progress for " + Duration.between(backfill.startedAt(), now).toSeconds() + " s: " + backfill.pages()
                + (backfill.pages() == 1 ? " page" : " pages") + " read, oldest fill reached "
                + (backfill.oldestFill() == null ? "none yet" : backfill.oldestFill()) + ", " + covered;
    }
}
