package kalshifills.account;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import kalshifills.clickhouse.RecentKeys;
import kalshifills.clickhouse.StoredFillLookup;
import kalshifills.fill.NormalizedFill;

/**
 * What one account's polls know about its fills, in one place: which are stored (a bounded cache of ids, and ClickHouse
 * behind it), which are in flight (accepted, not yet inserted), and where the last complete poll started (the
 * checkpoint, read and saved here). Polls of one account never overlap; the fills its WebSocket feed pushes meanwhile pass
 * the same in-flight set ({@link #firstSeen(String, Instant)}), so a fill seen on both is sent on once.
 *
 * <p>A poll is complete when it read every page and every fill it sent on is stored, with no batch given up meanwhile;
 * then everything Kalshi had reported when the poll started is stored, and that start time is saved as the checkpoint,
 * where the next polls start (minus an overlap). Kalshi serves the newest fills first, so the newest stored fill says
 * nothing about older fills still in flight: only a complete poll moves the checkpoint. It is saved only when the poll
 * stored something new, so a steady state of nothing new costs no write.
 *
 * <p>The fills of a page are looked up in ClickHouse at once, bounded by their times, so the idempotent consumer's
 * per-fill question ({@link #firstSeen}) is answered from memory. A lookup that fails lets the fills through: a
 * duplicate is better than a missing fill, and the table's deduplication makes it harmless.
 */
public final class PollState {

    /** What went wrong talking to ClickHouse that the poll survives, for the log. */
    public interface Problems {
        void lookupFailed(int ids, SQLException cause);

        void checkpointNotSaved(Instant completeUntil, SQLException cause);
    }

    private static final Duration LONE_LOOKUP_MARGIN = Duration.ofHours(1);

    private final AccountStore store;
    private final Problems problems;
    private final Clock clock;
    private final RecentKeys stored;
    private final Set<String> inFlight = new HashSet<>();
    private final Set<String> checkedAbsent = new HashSet<>();
    private long batchesGivenUp;
    private Instant pollStartedAt;
    private long batchesGivenUpBeforePoll;

    public PollState(AccountStore store, Problems problems, Clock clock, int rememberedIds) {
        this.store = store;
        this.problems = problems;
        this.clock = clock;
        this.stored = new RecentKeys(rememberedIds);
    }

    /**
     * A poll starts now.
     *
     * @return the saved checkpoint, if any; one ahead of the clock (a row edited by hand, a clock that jumped) counts as now
     * @throws SQLException when the checkpoint cannot be read: the poll fails, and the next one tries again
     */
    Optional<Instant> startPoll() throws SQLException {
        Optional<Instant> saved = store.checkpoint();
        synchronized (this) {
            pollStartedAt = clock.instant();
            batchesGivenUpBeforePoll = batchesGivenUp;
            return saved.map(completeUntil -> completeUntil.isAfter(pollStartedAt) ? pollStartedAt : completeUntil);
        }
    }

    /** Looks up the page's fills not known here, one lookup per {@code chunkSize}, each bounded by its fills' times. */
    public void checkPage(List<NormalizedFill> fills, int chunkSize) {
        Map<String, Instant> unknown = new LinkedHashMap<>();
        synchronized (this) {
            checkedAbsent.clear();
            for (NormalizedFill fill : fills) {
                if (!stored.contains(fill.fillId()) && !inFlight.contains(fill.fillId())) {
                    unknown.putIfAbsent(fill.fillId(), fill.ts());
                }
            }
        }
        List<String> ids = List.copyOf(unknown.keySet());
        for (int from = 0; from < ids.size(); from += chunkSize) {
            List<String> chunk = ids.subList(from, Math.min(from + chunkSize, ids.size()));
            Instant earliest = unknown.get(chunk.get(0));
            Instant latest = earliest;
            for (String id : chunk) {
                Instant ts = unknown.get(id);
                earliest = ts.isBefore(earliest) ? ts : earliest;
                latest = ts.isAfter(latest) ? ts : latest;
            }
            Set<String> found = storedAmong(chunk, earliest, latest);
            synchronized (this) {
                for (String id : chunk) {
                    if (found.contains(id)) {
                        stored.add(id);
                    } else {
                        checkedAbsent.add(id);
                    }
                }
            }
        }
    }

    /**
     * The idempotent consumer's question: is this fill new? If so it is in flight from now on. A fill that did not go
     * through {@link #checkPage} is looked up on its own, over all time, rather than let through unchecked.
     */
    public boolean firstSeen(String fillId) {
        return firstSeen(fillId, StoredFillLookup.ANY_TIME_FROM, StoredFillLookup.ANY_TIME_UNTIL);
    }

    /**
     * The same question for a fill that came on its own (the WebSocket feed), looked up within an hour of its time, which
     * the table is sorted by: a polled copy has the same time, to the second at worst.
     */
    public boolean firstSeen(String fillId, Instant ts) {
        return firstSeen(fillId, ts.minus(LONE_LOOKUP_MARGIN), ts.plus(LONE_LOOKUP_MARGIN));
    }

    private boolean firstSeen(String fillId, Instant earliest, Instant latest) {
        synchronized (this) {
            if (stored.contains(fillId) || inFlight.contains(fillId)) {
                return false;
            }
            if (checkedAbsent.remove(fillId)) {
                return inFlight.add(fillId);
            }
        }
        boolean storedBefore = !storedAmong(List.of(fillId), earliest, latest).isEmpty();
        synchronized (this) {
            // Stored meanwhile too: a poll and the feed may bring the same fill while this lookup runs.
            if (storedBefore || stored.contains(fillId)) {
                stored.add(fillId);
                return false;
            }
            return inFlight.add(fillId);
        }
    }

    private Set<String> storedAmong(List<String> ids, Instant earliest, Instant latest) {
        try {
            return store.storedAmong(ids, earliest, latest);
        } catch (SQLException e) {
            problems.lookupFailed(ids.size(), e);
            return Set.of();
        }
    }

    synchronized boolean isKnown(String fillId) {
        return stored.contains(fillId) || inFlight.contains(fillId);
    }

    /**
     * The fill failed before it reached a batch: it is no longer in flight, and, as for a batch given up, no poll open now
     * can prove its fills stored (it may have skipped this fill as in flight).
     */
    synchronized void notSent(String fillId) {
        inFlight.remove(fillId);
        batchesGivenUp++;
        notifyAll();
    }

    /** These fills were inserted. */
    synchronized void stored(Collection<String> fillIds) {
        fillIds.forEach(stored::add);
        // One by one: removeAll walks the set and asks the list when the set is the smaller.
        fillIds.forEach(inFlight::remove);
        notifyAll();
    }

    /** Every insert of a batch failed: its fills are no longer in flight, and no poll open now can prove its fills stored. */
    synchronized void givenUp(Collection<String> fillIds) {
        fillIds.forEach(inFlight::remove);
        batchesGivenUp++;
        notifyAll();
    }

    /**
     * The poll read its last page and completed its batch: waits, at most {@code patience}, until the fills in flight now
     * are stored, then saves the checkpoint if the poll is complete and stored something new. Fills the feed sends on
     * afterwards are not the poll's, and a steady stream of them does not hold it up.
     *
     * @return whether the poll is complete: every fill it sent on (or skipped as in flight) stored, no batch given up
     */
    boolean endPoll(boolean storedSomething, Duration patience) throws InterruptedException {
        Instant startedAt;
        synchronized (this) {
            Set<String> awaited = new HashSet<>(inFlight);
            long deadline = System.nanoTime() + patience.toNanos();
            while (!awaited.isEmpty() && System.nanoTime() < deadline) {
                wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                awaited.retainAll(inFlight);
            }
            startedAt = pollStartedAt;
            pollStartedAt = null;
            if (startedAt == null || !awaited.isEmpty() || batchesGivenUp != batchesGivenUpBeforePoll) {
                return false;
            }
        }
        if (storedSomething) {
            try {
                store.saveCheckpoint(startedAt);
            } catch (SQLException e) {
                problems.checkpointNotSaved(startedAt, e);
            }
        }
        return true;
    }

    /** The poll failed: it proves nothing about what is stored. */
    synchronized void abandonPoll() {
        pollStartedAt = null;
    }

    synchronized int inFlight() {
        return inFlight.size();
    }

    synchronized int rememberedStored() {
        return stored.size();
    }

    synchronized void forgetStored() {
        stored.clear();
        checkedAbsent.clear();
    }
}
