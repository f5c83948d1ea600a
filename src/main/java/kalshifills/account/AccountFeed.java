package kalshifills.account;

import java.sql.SQLException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import kalshifills.fill.NormalizedFill;
import kalshifills.status.FailureReason;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an account's feed route (routes/kalshi-account-feed.yaml) calls: the account its poll route
 * made, reached by name, so that a pushed fill is normalized, deduplicated against the polls' fills (the route's
 * {@link StoredFills}) and stored exactly as a polled one.
 */
public final class AccountFeed {

    private static final Logger LOG = LoggerFactory.getLogger(AccountFeed.class);

    private final String name;
    private final AccountServices services;

    public AccountFeed(String name, AccountServices services) {
        this.name = name;
        this.services = services;
    }

    KalshiAccount account() {
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
}
