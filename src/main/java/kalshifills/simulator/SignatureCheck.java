package kalshifills.simulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.util.Base64;

/**
 * How the simulated Kalshi checks a signed request or handshake, with its own code, independent of the client's signer:
 * the account's key id, a millisecond timestamp within a minute of the clock, and an RSA-PSS signature (SHA-256, MGF1
 * SHA-256, 32-byte salt) over {@code timestamp + METHOD + path} that verifies against the account's public key.
 */
record SignatureCheck(String keyId, PublicKey publicKey, Clock clock) {

    private static final long MAX_CLOCK_SKEW_MILLIS = 60_000;

    /** The three {@code KALSHI-ACCESS-*} header values (any may be null) sign {@code method path}. */
    boolean accepts(String key, String timestamp, String signature, String method, String path) {
        if (!keyId.equals(key) || timestamp == null || signature == null || !timestamp.matches("\\d{13}")
                || Math.abs(clock.millis() - Long.parseLong(timestamp)) > MAX_CLOCK_SKEW_MILLIS) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            verifier.initVerify(publicKey);
            verifier.update((timestamp + method + path).getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
