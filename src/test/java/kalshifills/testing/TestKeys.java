package kalshifills.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** The throwaway RSA key pair under src/test/resources/kalshi, made with openssl for the tests only. */
public final class TestKeys {

    public static final String KEY_ID = "6f0e3c1a-2b4d-4e5f-8a9b-0c1d2e3f4a5b";
    public static final Path PKCS1_PRIVATE_KEY = Path.of("src/test/resources/kalshi/test-key-pkcs1.pem");
    public static final Path PKCS8_PRIVATE_KEY = Path.of("src/test/resources/kalshi/test-key-pkcs8.pem");
    private static final Path PUBLIC_KEY = Path.of("src/test/resources/kalshi/test-key-public.pem");

    private TestKeys() {
    }

    public static PublicKey publicKey() {
        try {
            String pem = Files.readString(PUBLIC_KEY).replaceAll("-----[A-Z ]+-----", "");
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(pem)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + PUBLIC_KEY, e);
        }
    }
}
