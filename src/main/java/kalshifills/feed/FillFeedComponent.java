package kalshifills.feed;

import java.util.Map;

import kalshifills.account.AccountServices;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code kalshi-fills-feed:<account>}: the account's fills as Kalshi's WebSocket {@code fill} channel pushes them, one
 * exchange each. Camel's own WebSocket components are not served for Camel 4.18.0 here, so this small consumer wraps the
 * JDK's WebSocket client.
 */
public final class FillFeedComponent extends DefaultComponent {

    public static final String SCHEME = "kalshi-fills-feed";

    private final AccountServices services;

    public FillFeedComponent(AccountServices services) {
        this.services = services;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        return new FillFeedEndpoint(uri, this, remaining, services);
    }
}
