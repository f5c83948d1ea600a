package kalshifills.account;

import kalshifills.kalshi.PollFailure;
import kalshifills.status.FailureReason;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a redelivery about to happen as an event with its account, attempt, limit and why, instead of Camel's prose; a
 * failed request to Kalshi is also counted in the account's metrics.
 */
public final class RetryLog implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RetryLog.class);

    private final String event;
    private final KalshiAccount account;

    public RetryLog(String event, KalshiAccount account) {
        this.event = event;
        this.account = account;
    }

    @Override
    public void process(Exchange exchange) {
        // Camel clears the exception before a redelivery; the error handler keeps it as the caught exception.
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.atWarn().setMessage(event)
                .addKeyValue("account", account.name())
                .addKeyValue("attempt", exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER))
                .addKeyValue("max_attempts", exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER))
                .addKeyValue("reason", cause == null ? "unknown"
                        : cause instanceof HttpOperationFailedException ? PollFailure.describe(cause) : FailureReason.of(cause))
                .log();
        if (cause != null) {
            account.apiError(cause);
        }
    }
}
