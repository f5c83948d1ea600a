package kalshifills.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Periodic progress lines for long work: what is being done, how far it is, and how fast it goes. */
public final class Progress {

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private final String work;
    private final long total;
    private final Duration every;
    private final Clock clock;
    private final Instant started;
    private Instant lastReport;
    private long done;

    /** @param total how many items the work has, or 0 when unknown */
    public Progress(String work, long total, Duration every, Clock clock) {
        this.work = work;
        this.total = total;
        this.every = every;
        this.clock = clock;
        this.started = clock.instant();
        this.lastReport = started;
    }

    /** Counts {@code items} more as done, and logs a progress line when one is due. */
    public void advance(long items) {
        done += items;
        Instant now = clock.instant();
        if (Duration.between(lastReport, now).compareTo(every) >= 0) {
            lastReport = now;
            log("progress", now);
        }
    }

    public void finished() {
        log("finished", clock.instant());
    }

    private void log(String message, Instant now) {
        double seconds = Math.max(Duration.between(started, now).toMillis(), 1) / 1000.0;
        LOG.atInfo().setMessage(work + "_" + message)
                .addKeyValue("done", done)
                .addKeyValue("total", total > 0 ? total : null)
                .addKeyValue("percent", total > 0 ? Math.round(1000.0 * done / total) / 10.0 : null)
                .addKeyValue("per_second", Math.round(done / seconds))
                .addKeyValue("elapsed_s", Math.round(seconds))
                .log();
    }
}
