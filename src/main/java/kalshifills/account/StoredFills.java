package kalshifills.account;

import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Fix 3 of the specification: the idempotent consumer's memory of which fills are done, a view of the account's
 * {@link PollState}. A fill is "seen" when it is stored in ClickHouse or in flight (accepted, not yet inserted).
 *
 * <p>Camel confirms a key as soon as the fill reaches the aggregator, before the batch insert runs, so {@link #confirm}
 * changes nothing here: only a successful insert makes a fill stored, and a batch given up after failed inserts releases
 * its fills for the next poll.
 */
@ManagedResource(description = "Fill ids stored in ClickHouse or in flight")
public final class StoredFills extends ServiceSupport implements IdempotentRepository {

    private final KalshiAccount account;

    public StoredFills(KalshiAccount account) {
        this.account = account;
    }

    @Override
    public boolean add(String fillId) {
        boolean isNew = account.state().firstSeen(fillId);
        account.checked(isNew);
        return isNew;
    }

    @Override
    public boolean contains(String fillId) {
        return account.state().isKnown(fillId);
    }

    /** The fill failed before it reached a batch: it is no longer in flight. */
    @Override
    public boolean remove(String fillId) {
        account.state().notSent(fillId);
        return true;
    }

    /** Reaching the aggregator is not being stored. */
    @Override
    public boolean confirm(String fillId) {
        return true;
    }

    @Override
    public void clear() {
        account.state().forgetStored();
    }

    @ManagedAttribute(description = "Fill ids in flight: accepted, not yet inserted")
    public int getInFlight() {
        return account.state().inFlight();
    }

    @ManagedAttribute(description = "Fill ids remembered as stored")
    public int getRememberedStored() {
        return account.state().rememberedStored();
    }
}
