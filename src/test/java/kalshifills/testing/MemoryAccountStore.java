package kalshifills.testing;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import kalshifills.account.AccountStore;
import kalshifills.fill.NormalizedFill;
import kalshifills.fill.RejectedFill;

/** An account's store in memory, for tests of the routes and the poll state without ClickHouse; it can be made to fail. */
public final class MemoryAccountStore implements AccountStore {

    public final Set<String> stored = ConcurrentHashMap.newKeySet();
    public final List<List<NormalizedFill>> batches = new CopyOnWriteArrayList<>();
    public final List<RejectedFill> rejected = new CopyOnWriteArrayList<>();
    public final List<Instant> savedCheckpoints = new CopyOnWriteArrayList<>();
    /** While set, every lookup of stored fills fails. */
    public final AtomicBoolean lookupsFail = new AtomicBoolean();
    /** While set, reading the checkpoint fails. */
    public final AtomicBoolean checkpointFails = new AtomicBoolean();
    /** How many of the next inserts fail. */
    public final AtomicInteger failingInserts = new AtomicInteger();
    public final AtomicInteger lookups = new AtomicInteger();
    /** Runs inside each lookup, before it answers: what happens elsewhere meanwhile. */
    public volatile Consumer<List<String>> duringLookup = ids -> { };

    @Override
    public void create() {
    }

    @Override
    public Set<String> storedAmong(List<String> fillIds, Instant earliest, Instant latest) throws SQLException {
        lookups.incrementAndGet();
        duringLookup.accept(fillIds);
        if (lookupsFail.get()) {
            throw new SQLException("ClickHouse is down");
        }
        return Set.copyOf(fillIds.stream().filter(stored::contains).toList());
    }

    @Override
    public Optional<Instant> checkpoint() throws SQLException {
        if (checkpointFails.get()) {
            throw new SQLException("cannot read the poll checkpoint", new SQLException("ClickHouse is down"));
        }
        return savedCheckpoints.isEmpty() ? Optional.empty() : Optional.of(savedCheckpoints.get(savedCheckpoints.size() - 1));
    }

    @Override
    public void saveCheckpoint(Instant completeUntil) {
        savedCheckpoints.add(completeUntil);
    }

    @Override
    public int reject(List<RejectedFill> fills) {
        List<RejectedFill> fresh = fills.stream().filter(fill -> !rejected.contains(fill)).toList();
        rejected.addAll(fresh);
        return fresh.size();
    }

    @Override
    public Optional<Instant> newestFill() {
        return batches.stream().flatMap(List::stream).map(NormalizedFill::ts).max(Instant::compareTo);
    }

    @Override
    public void insert(List<NormalizedFill> batch) throws SQLException {
        if (failingInserts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new SQLException("Connection refused");
        }
        batches.add(new ArrayList<>(batch));
        batch.forEach(fill -> stored.add(fill.fillId()));
    }
}
