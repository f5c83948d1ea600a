package kalshifills.app;

import java.util.function.Consumer;

import kalshifills.kalshi.PollFailure;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a redelivery about to happen as an event with its attempt, its limit and why, instead of Camel's prose. */
final class RetryLog implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RetryLog.class);

    private final String event;
    private final Consumer<Exception> onRetry;

    /** @param onRetry also told of each retry's cause, for the metrics */
    RetryLog(String event, Consumer<Exception> onRetry) {
        this.event = event;
        this.onRetry = onRetry;
    }

    @Override
    public void process(Exchange exchange) {
        // Camel clears the exception before a redelivery; the error handler keeps it as the caught exception.
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.atWarn().setMessage(event)
                .addKeyValue("attempt", exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER))
                .addKeyValue("max_attempts", exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER))
                .addKeyValue("reason", cause == null ? "unknown" : PollFailure.describe(cause))
                .log();
        if (cause != null) {
            onRetry.accept(cause);
        }
    }
}
