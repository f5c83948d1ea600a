package kalshifills.feed;

import kalshifills.account.AccountServices;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One account's feed; it only consumes. */
final class FillFeedEndpoint extends DefaultEndpoint {

    private final String account;
    private final AccountServices services;

    FillFeedEndpoint(String uri, FillFeedComponent component, String account, AccountServices services) {
        super(uri, component);
        this.account = account;
        this.services = services;
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        return new FillFeedConsumer(this, processor, account, services);
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException(getEndpointUri() + " only receives fills; nothing can be sent to it");
    }
}
