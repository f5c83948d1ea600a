package kalshifills.status;

import java.time.Clock;
import java.time.Instant;

/**
 * How the two halves of the pipeline fared last: polls of Kalshi and inserts into ClickHouse. A failure is remembered,
 * with when the failing began and the latest reason, until the next success.
 */
public final class PipelineStatus {

    /** The latest outcome of one kind of work. */
    public record Outcome(Instant lastSuccess, Instant failingSince, String failure) {

        public boolean failing() {
            return failingSince != null;
        }
    }

    private final Clock clock;
    private Outcome polls = new Outcome(null, null, null);
    private Outcome inserts = new Outcome(null, null, null);

    public PipelineStatus(Clock clock) {
        this.clock = clock;
    }

    public synchronized void pollSucceeded() {
        polls = new Outcome(clock.instant(), null, null);
    }

    public synchronized void pollFailed(String reason) {
        polls = failed(polls, reason);
    }

    public synchronized void insertSucceeded() {
        inserts = new Outcome(clock.instant(), null, null);
    }

    public synchronized void insertFailed(String reason) {
        inserts = failed(inserts, reason);
    }

    public synchronized Outcome polls() {
        return polls;
    }

    public synchronized Outcome inserts() {
        return inserts;
    }

    private Outcome failed(Outcome previous, String reason) {
        return new Outcome(previous.lastSuccess(), previous.failing() ? previous.failingSince() : clock.instant(), reason);
    }
}
