package kalshifills.kalshi;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import kalshifills.status.FailureReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the account's fills are known to be stored, so that every poll starts there (minus the overlap) and no crash
 * or failed insert can leave a fill behind the window.
 *
 * <p>Kalshi serves the newest fills first, so in a long catch-up the newest are stored first: the newest stored fill time
 * says nothing about older fills still in flight, and a restart that trusted it would skip them. A poll is complete when
 * it fetched every page and every fill it saw in flight is stored, with no batch released meanwhile; then everything
 * Kalshi had reported when the poll started is stored, and that start time is saved. It is saved only when the poll
 * waited for new fills, so a steady state of nothing new costs no write. A batch given up after failed inserts abandons
 * every open poll: its fills must come back through a later poll, which can only start from the saved checkpoint.
 */
public final class PollCheckpoint {

    /** Where the checkpoint is kept. */
    @FunctionalInterface
    public interface Store {
        void save(Instant completeUntil) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PollCheckpoint.class);

    private final Function<Collection<String>, Set<String>> inFlightAmong;
    private final Store store;
    private final List<Poll> open = new ArrayList<>();
    private Instant saved = Instant.EPOCH;

    /** @param inFlightAmong which of some fill ids are accepted and not yet stored */
    public PollCheckpoint(Function<Collection<String>, Set<String>> inFlightAmong, Store store) {
        this.inFlightAmong = inFlightAmong;
        this.store = store;
    }

    public synchronized Poll start(Instant startedAt) {
        Poll poll = new Poll(startedAt);
        open.add(poll);
        return poll;
    }

    /** A batch was given up: no poll open now can prove its fills are stored. */
    public synchronized void batchReleased() {
        open.clear();
        notifyAll();
    }

    /** These fills were inserted. */
    public synchronized void stored(Collection<String> fillIds) {
        for (Poll poll : List.copyOf(open)) {
            poll.pending.removeAll(fillIds);
            completeIfDone(poll);
        }
        notifyAll();
    }

    private void completeIfDone(Poll poll) {
        if (!poll.fetchedAll || !poll.pending.isEmpty() || !open.remove(poll)) {
            return;
        }
        if (!poll.waited || !poll.startedAt.isAfter(saved)) {
            return;
        }
        try {
            store.save(poll.startedAt);
            saved = poll.startedAt;
        } catch (SQLException e) {
            LOG.atWarn().setMessage("poll_checkpoint_not_saved")
                    .addKeyValue("complete_until", poll.startedAt.toString())
                    .addKeyValue("reason", FailureReason.of(e))
                    .addKeyValue("outcome", "the next polls start further back; nothing is skipped")
                    .log();
        }
    }

    /** One poll's progress towards complete. */
    public final class Poll {

        private final Instant startedAt;
        private final Set<String> pending = new HashSet<>();
        private boolean waited;
        private boolean fetchedAll;

        private Poll(Instant startedAt) {
            this.startedAt = startedAt;
        }

        /** A page went through the idempotent consumer: its fills still in flight must be stored before the poll is complete. */
        public void pageDone(Collection<String> acceptedIds) {
            synchronized (PollCheckpoint.this) {
                Set<String> inFlight = inFlightAmong.apply(acceptedIds);
                pending.addAll(inFlight);
                waited |= !inFlight.isEmpty();
            }
        }

        /** The last page was read. */
        public void fetchedAll() {
            synchronized (PollCheckpoint.this) {
                fetchedAll = true;
                completeIfDone(this);
            }
        }

        /**
         * Waits, at most {@code patience}, until the fills this poll saw in flight are stored (the poll is complete) or one
         * of their batches was given up (it never will be).
         *
         * @return whether the poll is complete
         */
        public boolean awaitSettled(Duration patience) throws InterruptedException {
            synchronized (PollCheckpoint.this) {
                long deadline = System.nanoTime() + patience.toNanos();
                while (open.contains(this) && System.nanoTime() < deadline) {
                    PollCheckpoint.this.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                }
                return !open.contains(this) && pending.isEmpty();
            }
        }

        /** The poll failed: it proves nothing about what is stored. */
        public void abandon() {
            synchronized (PollCheckpoint.this) {
                open.remove(this);
            }
        }
    }
}
