package kalshifills.clickhouse;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import kalshifills.fill.NormalizedFill;
import kalshifills.fill.NormalizedPage;
import kalshifills.status.FailureReason;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fix 3 of the specification: the idempotent consumer's memory of which fills are done, backed by ClickHouse.
 *
 * <p>A fill is "seen" when it is stored in ClickHouse or in flight in this process (accepted, not yet inserted). Camel
 * confirms a key as soon as the fill reaches the aggregator, before the batch insert runs, so {@link #confirm} changes
 * nothing here: only {@link #markStored}, called after a successful insert, makes a fill stored, and
 * {@link #releaseBatch} after a failed one lets the next poll bring it again.
 *
 * <p>Before a page is split, {@link #checkPage} looks up all of its ids at once, in chunks of at most {@code chunkSize},
 * so {@link #add} answers from memory. Ids known to be stored are remembered (up to {@code rememberedIds}), so a steady
 * state of the same fills on every poll costs ClickHouse no lookup at all. If a lookup fails, the fills are let through:
 * a duplicate is better than a missing fill, and the table's deduplication makes it harmless.
 */
@ManagedResource(description = "Fill ids stored in ClickHouse or in flight")
public final class ClickHouseIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseIdempotentRepository.class);

    private final StoredFillLookup lookup;
    private final int chunkSize;
    private final RecentKeys stored;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> checkedAbsent = ConcurrentHashMap.newKeySet();
    private final AtomicLong lookups = new AtomicLong();
    private volatile Consumer<Collection<String>> storedListener = ids -> { };
    private volatile Runnable releasedListener = () -> { };

    public ClickHouseIdempotentRepository(StoredFillLookup lookup, int chunkSize, int rememberedIds) {
        this.lookup = lookup;
        this.chunkSize = chunkSize;
        this.stored = new RecentKeys(rememberedIds);
    }

    /** Looks up the page's ids not already known here: one lookup per {@code chunkSize} ids, bounded by their times. */
    public void checkPage(NormalizedPage page) {
        checkedAbsent.clear();
        Map<String, Instant> unknown = new LinkedHashMap<>();
        for (NormalizedFill fill : page.accepted()) {
            if (!stored.contains(fill.fillId()) && !inFlight.contains(fill.fillId())) {
                unknown.putIfAbsent(fill.fillId(), fill.ts());
            }
        }
        List<String> ids = List.copyOf(unknown.keySet());
        try {
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
                for (String id : chunk) {
                    if (found.contains(id)) {
                        stored.add(id);
                    } else {
                        checkedAbsent.add(id);
                    }
                }
            }
        } catch (SQLException e) {
            lookupFailed(ids.size(), e);
            checkedAbsent.addAll(ids);
        }
    }

    @Override
    public boolean add(String fillId) {
        if (stored.contains(fillId) || inFlight.contains(fillId)) {
            return false;
        }
        if (!checkedAbsent.remove(fillId) && storedInClickHouse(fillId)) {
            stored.add(fillId);
            return false;
        }
        return inFlight.add(fillId);
    }

    @Override
    public boolean contains(String fillId) {
        return stored.contains(fillId) || inFlight.contains(fillId);
    }

    /** The fill failed before it reached a batch: it is no longer in flight. */
    @Override
    public boolean remove(String fillId) {
        return inFlight.remove(fillId);
    }

    /** Reaching the aggregator is not being stored; see {@link #markStored}. */
    @Override
    public boolean confirm(String fillId) {
        return true;
    }

    @Override
    public void clear() {
        stored.clear();
        checkedAbsent.clear();
    }

    /** The batch holding these fills was inserted. */
    public void markStored(Collection<String> fillIds) {
        for (String id : fillIds) {
            stored.add(id);
        }
        inFlight.removeAll(fillIds);
        storedListener.accept(fillIds);
    }

    /** Told the ids of every batch inserted, after they count as stored. */
    public void onStored(Consumer<Collection<String>> listener) {
        storedListener = listener;
    }

    /** Told of every batch given up, after its fills stopped counting as in flight. */
    public void onReleased(Runnable listener) {
        releasedListener = listener;
    }

    /** Which of these fills are accepted and not yet stored. */
    public Set<String> inFlightAmong(Collection<String> fillIds) {
        Set<String> among = new HashSet<>();
        for (String id : fillIds) {
            if (inFlight.contains(id)) {
                among.add(id);
            }
        }
        return among;
    }

    /**
     * Every insert of this batch failed: its fills are no longer in flight, so the next poll fetches and tries them again.
     * The route's error handler calls it with the failed insert's exchange.
     */
    public void releaseBatch(@Body List<NormalizedFill> batch, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) {
        inFlight.removeAll(batch.stream().map(NormalizedFill::fillId).toList());
        releasedListener.run();
        LOG.atError().setMessage("fills_insert_failed")
                .addKeyValue("count", batch.size())
                .addKeyValue("reason", FailureReason.of(cause))
                .addKeyValue("outcome", "released; the next poll fetches them again")
                .log();
    }

    @ManagedAttribute(description = "Fill ids in flight: accepted, not yet inserted")
    public int getInFlight() {
        return inFlight.size();
    }

    @ManagedAttribute(description = "Fill ids remembered as stored")
    public int getRememberedStored() {
        return stored.size();
    }

    @ManagedAttribute(description = "Lookups of fill ids sent to ClickHouse")
    public long getLookups() {
        return lookups.get();
    }

    /**
     * A fill that did not go through {@link #checkPage}: looked up on its own rather than let through unchecked. Its time
     * is not known here, so the lookup spans all time.
     */
    private boolean storedInClickHouse(String fillId) {
        try {
            return !storedAmong(List.of(fillId), StoredFillLookup.ANY_TIME_FROM, StoredFillLookup.ANY_TIME_UNTIL).isEmpty();
        } catch (SQLException e) {
            lookupFailed(1, e);
            return false;
        }
    }

    private Set<String> storedAmong(List<String> ids, Instant earliest, Instant latest) throws SQLException {
        lookups.incrementAndGet();
        return lookup.storedAmong(ids, earliest, latest);
    }

    private static void lookupFailed(int ids, SQLException cause) {
        LOG.atWarn().setMessage("stored_fill_check_failed")
                .addKeyValue("ids", ids)
                .addKeyValue("reason", FailureReason.of(cause))
                .addKeyValue("outcome", "fills let through; the table deduplicates them")
                .log();
    }
}
