package kalshifills.app;

import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.CapturedLogs;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Neither the private key nor any signature sent reaches the log, whether Kalshi accepts the requests or refuses them. */
class SecretsIT {

    private final LocalClickHouse clickHouse = LocalClickHouse.shared();

    @Test
    void no_signature_or_key_material_is_logged_when_requests_succeed_or_are_refused() throws Exception {
        String table = clickHouse.newDatabase() + ".mm_fills";
        var otherAccountsKey = KeyPairGenerator.getInstance("RSA");
        otherAccountsKey.initialize(2048);
        try (SimulatedKalshiApi accepting = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0);
                SimulatedKalshiApi refusing = new SimulatedKalshiApi(TestKeys.KEY_ID, otherAccountsKey.generateKeyPair().getPublic(), Clock.systemUTC(), 0);
                CapturedLogs logs = CapturedLogs.capture()) {
            accepting.addFills(new SimulatedFills(3).between(Instant.now().minus(Duration.ofMinutes(5)), Instant.now(), 10));
            for (SimulatedKalshiApi kalshi : new SimulatedKalshiApi[] {accepting, refusing}) {
                try (RunningIngester ingester = RunningIngester.start(RunningIngester.settings(kalshi, clickHouse.jdbcUrl(), table))) {
                    ingester.tick();
                }
            }

            assertThat(accepting.pagesServed()).as("a live page and an (empty) historical one").isEqualTo(2);
            assertThat(refusing.unauthorizedRequests()).isEqualTo(1);
            assertThat(logs.events("fills_poll_failed")).singleElement()
                    .satisfies(e -> assertThat((String) e.get("reason")).startsWith("Kalshi answered HTTP 401"));
            String everything = logs.everything();
            assertThat(accepting.signatures()).hasSize(2);
            assertThat(refusing.signatures()).hasSize(1);
            for (String signature : accepting.signatures()) {
                assertThat(everything).doesNotContain(signature.substring(0, 32));
            }
            for (String signature : refusing.signatures()) {
                assertThat(everything).doesNotContain(signature.substring(0, 32));
            }
            String keyBody = Files.readString(TestKeys.PKCS1_PRIVATE_KEY).replaceAll("-----[A-Z ]+-----", "").replace("\n", "");
            for (int at = 0; at + 32 <= keyBody.length(); at += 32) {
                assertThat(everything).doesNotContain(keyBody.substring(at, at + 32));
            }
            assertThat(everything).doesNotContain("KALSHI-ACCESS-SIGNATURE");
        }
    }
}
