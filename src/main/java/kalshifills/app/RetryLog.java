package kalshifills.app;

import java.util.function.BiConsumer;

import kalshifills.kalshi.PollFailure;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a redelivery about to happen as an event with its attempt, its limit and why, instead of Camel's prose. */
final class RetryLog implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RetryLog.class);
    /** The exchange property routes/kalshi-account.yaml sets to the account being polled. */
    private static final String KALSHI_ACCOUNT = "kalshiAccount";

    private final String event;
    private final BiConsumer<String, Exception> onRetry;

    /** @param onRetry also told of each retry's account and cause, for the metrics */
    RetryLog(String event, BiConsumer<String, Exception> onRetry) {
        this.event = event;
        this.onRetry = onRetry;
    }

    @Override
    public void process(Exchange exchange) {
        // Camel clears the exception before a redelivery; the error handler keeps it as the caught exception.
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String account = exchange.getProperty(KALSHI_ACCOUNT, String.class);
        LOG.atWarn().setMessage(event)
                .addKeyValue("account", account)
                .addKeyValue("attempt", exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER))
                .addKeyValue("max_attempts", exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER))
                .addKeyValue("reason", cause == null ? "unknown" : PollFailure.describe(cause))
                .log();
        if (cause != null) {
            onRetry.accept(account, cause);
        }
    }
}
