package kalshifills.benchmark;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.fill.FillId;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFillFeed;
import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.ServiceProcess;
import kalshifills.testing.TestKeys;

/**
 * Freshness: how long from a fill appearing at the simulated Kalshi (served by its fills endpoint and, as Kalshi does,
 * pushed on its WebSocket feed) until its row is visible in ClickHouse, for the jar as operators run it on the default
 * 10 s schedule: polling only, and with the feed. The table is read every 20 ms, so a latency is exact to about that.
 */
final class FreshnessCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WATCH_EVERY = Duration.ofMillis(20);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final LocalClickHouse clickHouse;

    FreshnessCase(LocalClickHouse clickHouse) {
        this.clickHouse = clickHouse;
    }

    void run(ResultsTable results) throws Exception {
        Benchmark.progress("freshness: polling only, 40 fills over 60 s");
        Latencies polling = measure(false, 40, Duration.ofMillis(1500));
        Benchmark.progress("freshness: with the WebSocket feed, 40 fills over 10 s");
        Latencies feed = measure(true, 40, Duration.ofMillis(250));
        results.add("freshness", "fill appears at the simulated Kalshi → row visible in ClickHouse, default 10 s schedule: p50, p99 (40 fills each)",
                "WebSocket %s; polling only %s; p99 %.1f× shorter with the feed".formatted(feed, polling, polling.p99() / feed.p99()),
                "p99 < 1 s with the WebSocket", feed.p99() < 1.0);
    }

    /** Nearest-rank percentiles of the latencies, in seconds. */
    private record Latencies(List<Double> seconds) {
        double p50() {
            return percentile(50);
        }

        double p99() {
            return percentile(99);
        }

        private double percentile(int p) {
            List<Double> sorted = seconds.stream().sorted().toList();
            return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
        }

        @Override
        public String toString() {
            return "p50 %.3f s, p99 %.3f s".formatted(p50(), p99());
        }
    }

    private Latencies measure(boolean withFeed, int count, Duration spacing) throws Exception {
        String database = clickHouse.newDatabase();
        String table = database + ".mm_fills";
        SimulatedFills fills = new SimulatedFills(withFeed ? 31 : 32);
        try (SimulatedKalshiApi kalshi = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0)) {
            kalshi.addFills(List.of(fills.current(Instant.now().minusSeconds(60))));
            Map<String, String> settings = new HashMap<>(RunningIngester.settings(kalshi, clickHouse.jdbcUrl(), table));
            settings.put("kalshi.feed.enabled", Boolean.toString(withFeed));
            settings.put("kalshi.feed.url", kalshi.feed().url());
            SimulatedFillFeed feed = kalshi.feed();
            ServiceProcess service = ServiceProcess.start(settings);
            try {
                // Started: the first poll stored the fill that was there, and the feed (if on) is subscribed.
                waitFor(() -> clickHouse.rowsIn(database, "mm_fills") == 1 && (!withFeed || feed.subscribedConnections() == 1), service);
                Map<String, Long> appeared = new LinkedHashMap<>();
                Map<String, Long> visible = new HashMap<>();
                long next = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    while (System.nanoTime() < next) {
                        watch(table, appeared, visible);
                        Thread.sleep(WATCH_EVERY.toMillis());
                    }
                    SimulatedFill fill = fills.current(Instant.now());
                    appeared.put(FillId.of(JSON.readTree(fill.json())), System.nanoTime());
                    kalshi.fillsHappen(List.of(fill));
                    next += spacing.toNanos();
                }
                long end = System.nanoTime() + DEADLINE.toNanos();
                while (visible.size() < count && System.nanoTime() < end) {
                    watch(table, appeared, visible);
                    Thread.sleep(WATCH_EVERY.toMillis());
                }
                if (visible.size() < count) {
                    throw new IllegalStateException("only " + visible.size() + " of " + count + " fills became visible within " + DEADLINE);
                }
                List<Double> latencies = new ArrayList<>();
                appeared.forEach((id, at) -> latencies.add((visible.get(id) - at) / 1e9));
                return new Latencies(latencies);
            } finally {
                service.sigterm();
                service.exitWithin(Duration.ofSeconds(60));
            }
        }
    }

    /** Notes the moment each appeared fill is first seen in the table. */
    private void watch(String table, Map<String, Long> appeared, Map<String, Long> visible) {
        if (appeared.size() == visible.size()) {
            return;
        }
        long now = System.nanoTime();
        for (List<Object> row : clickHouse.rows("SELECT fill_id FROM " + table)) {
            String id = row.get(0).toString();
            if (appeared.containsKey(id)) {
                visible.putIfAbsent(id, now);
            }
        }
    }

    private static void waitFor(BooleanSupplier ready, ServiceProcess service) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > end || !service.isAlive()) {
                throw new IllegalStateException("the service did not start within " + DEADLINE + "; see target/service-processes.log");
            }
            Thread.sleep(100);
        }
    }
}
