package kalshifills.kalshi;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Signs every request the HTTP client sends to Kalshi, as Kalshi's API requires.
 *
 * <p>The signature is RSASSA-PSS (SHA-256, MGF1 SHA-256, 32-byte salt) over {@code timestamp + METHOD + path}, the path
 * without its query string, with the timestamp in epoch milliseconds. The headers are added inside the HTTP client
 * ({@link KalshiHttpClient}), just before sending, so the key and signatures never sit on a Camel message where a log or
 * an error could show them.
 */
public final class KalshiRequestSigner implements HttpRequestInterceptor {

    static final String KEY_HEADER = "KALSHI-ACCESS-KEY";
    static final String TIMESTAMP_HEADER = "KALSHI-ACCESS-TIMESTAMP";
    static final String SIGNATURE_HEADER = "KALSHI-ACCESS-SIGNATURE";
    private static final PSSParameterSpec PSS_SHA256 = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

    private final String keyId;
    private final PrivateKey privateKey;
    private final Clock clock;

    public KalshiRequestSigner(String keyId, PrivateKey privateKey, Clock clock) {
        this.keyId = keyId;
        this.privateKey = privateKey;
        this.clock = clock;
    }

    @Override
    public void process(HttpRequest request, EntityDetails entity, HttpContext context) {
        String path = request.getPath();
        int query = path.indexOf('?');
        headers(request.getMethod(), query < 0 ? path : path.substring(0, query)).forEach(request::setHeader);
    }

    /** The three headers that sign a request for {@code path} (no query string), such as the WebSocket feed's handshake. */
    public Map<String, String> headers(String method, String path) {
        String timestamp = Long.toString(clock.millis());
        return Map.of(KEY_HEADER, keyId, TIMESTAMP_HEADER, timestamp, SIGNATURE_HEADER, signature(timestamp, method, path));
    }

    /** The signature of {@code timestamp + method + path}, base64. */
    String signature(String timestamp, String method, String path) {
        try {
            Signature rsaPss = Signature.getInstance("RSASSA-PSS");
            rsaPss.setParameter(PSS_SHA256);
            rsaPss.initSign(privateKey);
            rsaPss.update((timestamp + method + path).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(rsaPss.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a Kalshi request with RSASSA-PSS: " + e.getClass().getSimpleName());
        }
    }

    public String keyId() {
        return keyId;
    }

    @Override
    public String toString() {
        return "KalshiRequestSigner[keyId=" + keyId + "]";
    }
}
