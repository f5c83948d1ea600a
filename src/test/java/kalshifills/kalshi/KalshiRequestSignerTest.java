package kalshifills.kalshi;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import kalshifills.testing.TestKeys;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KalshiRequestSignerTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00.123Z");
    private final KalshiRequestSigner signer = new KalshiRequestSigner(TestKeys.KEY_ID, KalshiKeyFile.read(TestKeys.PKCS1_PRIVATE_KEY),
            Clock.fixed(NOW, ZoneOffset.UTC));

    /** Verifies as Kalshi documents it: RSASSA-PSS, SHA-256, MGF1 SHA-256, salt 32, over timestamp + method + path. */
    private static boolean verifies(String message, String base64Signature) throws Exception {
        Signature verifier = Signature.getInstance("RSASSA-PSS");
        verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        verifier.initVerify(TestKeys.publicKey());
        verifier.update(message.getBytes(StandardCharsets.UTF_8));
        return verifier.verify(Base64.getDecoder().decode(base64Signature));
    }

    @Test
    void signs_timestamp_in_milliseconds_method_and_path_without_the_query() throws Exception {
        BasicHttpRequest request = new BasicHttpRequest("GET", "/trade-api/v2/portfolio/fills?limit=1000&cursor=abc");

        signer.process(request, null, null);

        assertThat(request.getFirstHeader("KALSHI-ACCESS-KEY").getValue()).isEqualTo(TestKeys.KEY_ID);
        assertThat(request.getFirstHeader("KALSHI-ACCESS-TIMESTAMP").getValue()).isEqualTo("1795521600123");
        String signature = request.getFirstHeader("KALSHI-ACCESS-SIGNATURE").getValue();
        assertThat(verifies("1795521600123GET/trade-api/v2/portfolio/fills", signature)).isTrue();
        assertThat(verifies("1795521600123GET/trade-api/v2/portfolio/fills?limit=1000&cursor=abc", signature)).isFalse();
        assertThat(verifies("1795867200GET/trade-api/v2/portfolio/fills", signature)).isFalse();
    }

    @Test
    void each_signature_is_fresh_as_pss_is_randomized() throws Exception {
        String first = signer.signature("1", "GET", "/p");
        String second = signer.signature("1", "GET", "/p");

        assertThat(first).isNotEqualTo(second);
        assertThat(verifies("1GET/p", first)).isTrue();
        assertThat(verifies("1GET/p", second)).isTrue();
    }

    @Test
    void its_string_form_names_the_key_id_only() {
        assertThat(signer.toString()).isEqualTo("KalshiRequestSigner[keyId=" + TestKeys.KEY_ID + "]");
    }
}
