package kalshifills.kalshi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;

import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KalshiKeyFileTest {

    @Test
    void reads_pkcs1_as_kalshi_hands_it_out_and_pkcs8_as_openssl_writes_it() {
        PrivateKey pkcs1 = KalshiKeyFile.read(TestKeys.PKCS1_PRIVATE_KEY);
        PrivateKey pkcs8 = KalshiKeyFile.read(TestKeys.PKCS8_PRIVATE_KEY);

        assertThat(pkcs1.getAlgorithm()).isEqualTo("RSA");
        assertThat(((RSAPrivateCrtKey) pkcs1).getModulus()).isEqualTo(((RSAPrivateCrtKey) pkcs8).getModulus());
        assertThat(pkcs1.getEncoded()).isEqualTo(pkcs8.getEncoded());
    }

    @Test
    void a_missing_file_is_named_with_what_to_do() {
        assertThatThrownBy(() -> KalshiKeyFile.read(Path.of("/nonexistent/kalshi.pem")))
                .hasMessage("cannot read the private key file /nonexistent/kalshi.pem (NoSuchFileException);"
                        + " point it at the PEM file downloaded with the Kalshi API key");
    }

    @Test
    void an_encrypted_key_says_how_to_decrypt_it() {
        assertThatThrownBy(() -> KalshiKeyFile.read(Path.of("src/test/resources/kalshi/test-key-encrypted.pem")))
                .hasMessageContaining("is encrypted; write an unencrypted copy with 'openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void a_key_that_is_not_rsa_is_refused() {
        assertThatThrownBy(() -> KalshiKeyFile.read(Path.of("src/test/resources/kalshi/test-key-ec.pem")))
                .hasMessageEndingWith("does not hold a valid RSA private key; Kalshi API keys are RSA keys");
    }

    @Test
    void a_file_without_a_pem_block_is_refused(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("key.pem"), "my-api-key-id");

        assertThatThrownBy(() -> KalshiKeyFile.read(notPem)).hasMessageContaining("holds no PEM private key");
    }

    @Test
    void no_error_message_shows_any_part_of_the_key(@TempDir Path dir) throws Exception {
        String pem = Files.readString(TestKeys.PKCS1_PRIVATE_KEY);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replace("\n", "");
        byte[] der = Base64.getDecoder().decode(body);
        byte[] truncated = java.util.Arrays.copyOf(der, der.length / 2);
        String corrupted = "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(truncated) + "\n-----END RSA PRIVATE KEY-----\n";
        Path file = Files.writeString(dir.resolve("corrupted.pem"), corrupted);

        assertThatThrownBy(() -> KalshiKeyFile.read(file)).satisfies(e -> {
            assertThat(e.getMessage()).endsWith("does not hold a valid RSA private key; Kalshi API keys are RSA keys")
                    .doesNotContain(body.substring(0, 24)).doesNotContain(body.substring(100, 124));
            assertThat(e.getCause()).isNull();
        });
    }
}
