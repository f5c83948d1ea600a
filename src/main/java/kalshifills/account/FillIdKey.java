package kalshifills.account;

import kalshifills.fill.NormalizedFill;
import org.apache.camel.Exchange;
import org.apache.camel.support.ExpressionAdapter;

/**
 * The idempotent consumer's key: the fill's id, read from the message body as the typed record it is. A plain expression,
 * because {@code ${body.fillId}} would have Camel introspect, and cache an entry for, every fill it is asked about.
 */
public final class FillIdKey extends ExpressionAdapter {

    @Override
    public Object evaluate(Exchange exchange) {
        return exchange.getMessage().getBody(NormalizedFill.class).fillId();
    }
}
