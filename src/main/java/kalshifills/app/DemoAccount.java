package kalshifills.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi;
import org.apache.camel.builder.endpoint.EndpointRouteBuilder;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo mode's Kalshi account: a fresh key pair, the simulated API on a free local port, an hour of fills in every
 * shape Kalshi has served (one without any time, which ends in the rejects table), the older half of them behind a
 * historical cutoff that moves with the clock, and a new fill every few seconds, pushed on the WebSocket feed as it happens.
 */
final class DemoAccount implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoAccount.class);
    private static final String KEY_ID = "00000000-0000-4000-8000-0000000000de";
    private static final Duration NEW_FILL_EVERY = Duration.ofSeconds(5);
    private static final Duration LIVE_FOR = Duration.ofMinutes(30);

    private final SimulatedKalshiApi api;
    private final Path privateKeyFile;
    private final SimulatedFills fills;

    private DemoAccount(SimulatedKalshiApi api, Path privateKeyFile, SimulatedFills fills) {
        this.api = api;
        this.privateKeyFile = privateKeyFile;
        this.fills = fills;
    }

    static DemoAccount start() throws IOException, NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path keyFile = Files.createTempFile("kalshi-demo-key", ".pem", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);

        SimulatedKalshiApi api = new SimulatedKalshiApi(KEY_ID, keys.getPublic(), Clock.systemUTC(), 0);
        SimulatedFills fills = new SimulatedFills(System.nanoTime());
        DemoAccount account = new DemoAccount(api, keyFile, fills);
        Instant now = Instant.now();
        api.addFills(fills.between(now.minus(Duration.ofMinutes(50)), now.minus(Duration.ofMinutes(1)), 55));
        api.addFills(fills.inEveryShape(now.minus(Duration.ofMinutes(55)), now.minus(Duration.ofMinutes(2)), 15));
        // Fills older than half an hour are historical, and more of them become so every second.
        api.keepLiveFor(LIVE_FOR);
        api.addFills(List.of(new SimulatedFill("{\"fill_id\":\"demo-fill-without-time\",\"ticker\":\"DEMO\",\"side\":\"yes\","
                + "\"count_fp\":\"1.00\",\"yes_price_dollars\":\"0.5000\"}", now.getEpochSecond(), "DEMO", 0)));
        LOG.atInfo().setMessage("demo_account_started")
                .addKeyValue("base_url", api.baseUrl())
                .addKeyValue("fills", api.fillCount())
                .addKeyValue("historical_cutoff", api.cutoff().toString())
                .addKeyValue("new_fill_every_sec", NEW_FILL_EVERY.toSeconds())
                .log();
        return account;
    }

    /** The settings the demo account replaces; environment variables would outrank the replacement, so they must be unset. */
    static final List<String> ACCOUNT_SETTINGS = List.of("kalshi.base-url", "kalshi.api-key-id", "kalshi.private-key-file", "kalshi.feed.enabled",
            "kalshi.feed.url");

    /**
     * Points the service at the simulated account, whatever application.properties says, with its WebSocket feed on, and
     * trades on it.
     */
    void joinTo(Main main) throws IOException {
        main.addOverrideProperty("kalshi.base-url", api.baseUrl());
        main.addOverrideProperty("kalshi.api-key-id", KEY_ID);
        main.addOverrideProperty("kalshi.private-key-file", privateKeyFile.toString());
        main.addOverrideProperty("kalshi.feed.enabled", "true");
        main.addOverrideProperty("kalshi.feed.url", api.feed().url());
        main.configure().addRoutesBuilder(new DemoTrading());
    }

    /** The demo's market maker trading: a fill at the simulated exchange every few seconds. Demo only, so kept out of routes/. */
    private final class DemoTrading extends EndpointRouteBuilder {
        @Override
        public void configure() {
            from(quartz("kalshi-demo/trading").cron("0/" + NEW_FILL_EVERY.toSeconds() + " * * * * ?"))
                    .routeId("demo-trading")
                    .process(exchange -> api.fillsHappen(List.of(fills.current(Instant.now()))));
        }
    }

    @Override
    public void close() throws IOException {
        api.close();
        Files.deleteIfExists(privateKeyFile);
    }
}
