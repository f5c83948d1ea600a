package kalshifills.kalshi;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * How camel-http's client talks to Kalshi: every request signed, and no retries hidden in the client (by default it
 * repeats some requests, 429 and 503 answers among them), so the route's redelivery policy is the only one.
 */
public final class KalshiHttpClient implements HttpClientConfigurer {

    private final KalshiRequestSigner signer;

    public KalshiHttpClient(KalshiRequestSigner signer) {
        this.signer = signer;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder clientBuilder) {
        clientBuilder.addRequestInterceptorLast(signer).disableAutomaticRetries();
    }
}
