package kalshifills.account;

import java.sql.SQLException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import kalshifills.fill.NormalizedFill;
import kalshifills.status.FailureReason;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an account's feed route (routes/kalshi-account.yaml, {@code kalshi-account-feed}) calls: the account its poll route
 * made, reached by name, so that a pushed fill is normalized, deduplicated against the polls' fills and stored exactly as a
 * polled one. It is also the route's idempotent repository, a view of the account's {@link PollState} as
 * {@link StoredFills} is for the poll route.
 */
public final class AccountFeed extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(AccountFeed.class);

    private final String name;
    private final AccountServices services;

    public AccountFeed(String name, AccountServices services) {
        this.name = name;
        this.services = services;
    }

    private KalshiAccount account() {
        return services.accounts().named(name);
    }

    /** @return the pushed fill normalized, or null when it was rejected (and kept with its reason) */
    public NormalizedFill read(JsonNode fill) throws SQLException {
        return account().readFeedFill(fill);
    }

    public void insert(List<NormalizedFill> batch) throws SQLException {
        account().insert(batch);
    }

    public void releaseBatch(Exchange exchange) {
        account().releaseBatch(exchange);
    }

    /** A pushed fill that could not be taken: one line; the polls bring it. */
    public void failed(Exchange exchange) {
        LOG.atWarn().setMessage("fills_feed_fill_failed")
                .addKeyValue("account", name)
                .addKeyValue("reason", FailureReason.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)))
                .addKeyValue("outcome", "the next poll brings it")
                .log();
    }

    /** Camel's idempotent consumer asks with the exchange, whose body is the normalized fill: looked up around its time. */
    @Override
    public boolean add(Exchange exchange, String fillId) {
        NormalizedFill fill = exchange.getMessage().getBody(NormalizedFill.class);
        return fill != null ? account().firstSeenOnFeed(fill) : add(fillId);
    }

    @Override
    public boolean add(String fillId) {
        return account().state().firstSeen(fillId);
    }

    @Override
    public boolean contains(String fillId) {
        return account().state().isKnown(fillId);
    }

    /** The fill failed before it reached a batch: it is no longer in flight. */
    @Override
    public boolean remove(String fillId) {
        account().state().notSent(fillId);
        return true;
    }

    /** Reaching the aggregator is not being stored: only the insert makes a fill stored. */
    @Override
    public boolean confirm(String fillId) {
        return true;
    }

    @Override
    public void clear() {
        account().state().forgetStored();
    }
}
