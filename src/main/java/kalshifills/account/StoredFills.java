package kalshifills.account;

import java.util.function.Supplier;

import kalshifills.fill.NormalizedFill;
import org.apache.camel.Exchange;
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
 *
 * <p>The feed route's fills come one at a time rather than as a looked-up page: each is looked up around its own time.
 */
@ManagedResource(description = "Fill ids stored in ClickHouse or in flight")
public final class StoredFills extends ServiceSupport implements IdempotentRepository {

    private final Supplier<KalshiAccount> account;
    private final boolean pushed;

    /** The poll route's. */
    public StoredFills(KalshiAccount account) {
        this.account = () -> account;
        this.pushed = false;
    }

    /** The feed route's: its account is the one the account's poll route made, reached by name. */
    public StoredFills(AccountFeed feed) {
        this.account = feed::account;
        this.pushed = true;
    }

    /** Camel's idempotent consumer asks with the exchange, whose body is the normalized fill. */
    @Override
    public boolean add(Exchange exchange, String fillId) {
        return pushed ? account.get().firstSeenOnFeed(exchange.getMessage().getBody(NormalizedFill.class)) : add(fillId);
    }

    @Override
    public boolean add(String fillId) {
        boolean isNew = account.get().state().firstSeen(fillId);
        account.get().checked(isNew);
        return isNew;
    }

    @Override
    public boolean contains(String fillId) {
        return account.get().state().isKnown(fillId);
    }

    /** The fill failed before it reached a batch: it is no longer in flight. */
    @Override
    public boolean remove(String fillId) {
        account.get().state().notSent(fillId);
        return true;
    }

    /** Reaching the aggregator is not being stored. */
    @Override
    public boolean confirm(String fillId) {
        return true;
    }

    @Override
    public void clear() {
        account.get().state().forgetStored();
    }

    @ManagedAttribute(description = "Fill ids in flight: accepted, not yet inserted")
    public int getInFlight() {
        return account.get().state().inFlight();
    }

    @ManagedAttribute(description = "Fill ids remembered as stored")
    public int getRememberedStored() {
        return account.get().state().rememberedStored();
    }
}
