package kalshifills.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import kalshifills.simulator.SimulatedFills;
import kalshifills.simulator.SimulatedKalshiApi;
import kalshifills.testing.LocalClickHouse;
import kalshifills.testing.RunningIngester;
import kalshifills.testing.ServiceProcess;
import kalshifills.testing.TestKeys;

/**
 * Start-up: from {@code java} to the end of the first tick (its {@code fills_deduped} line written and its fills
 * inserted), against an account with 1,000 fills, each start with an empty table of its own. Started as
 * {@code src/scripts/run.sh} starts it: a first, cold start that writes the class-data archive when it stops, then three
 * starts with it, of which the median counts; each split into Camel's start and the first tick.
 */
final class StartupCase {

    private static final int STARTS = 3;
    private static final String ARCHIVE = "target/benchmark/kalshi-fills-ingester.jsa";
    private static final int FILLS = 1000;
    private static final Duration TARGET = Duration.ofSeconds(3);

    /** One start, each part measured from the same process. */
    record Start(Duration toFirstTick, Duration camelStarted, Duration tick) {
    }

    private final LocalClickHouse clickHouse;

    StartupCase(LocalClickHouse clickHouse) {
        this.clickHouse = clickHouse;
    }

    void run(ResultsTable results) throws Exception {
        Benchmark.progress("start-up: " + STARTS + " starts of the jar");
        List<Start> starts = new ArrayList<>();
        Start cold;
        try (SimulatedKalshiApi kalshi = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0)) {
            Instant now = Instant.now();
            kalshi.addFills(new SimulatedFills(13).between(now.minus(Duration.ofHours(1)), now.minus(Duration.ofMinutes(1)), FILLS));
            Files.deleteIfExists(Path.of(ARCHIVE));
            cold = start(kalshi, "-XX:ArchiveClassesAtExit=" + ARCHIVE);
            for (int i = 0; i < STARTS; i++) {
                starts.add(start(kalshi, "-XX:SharedArchiveFile=" + ARCHIVE));
            }
        }
        starts.sort(Comparator.comparing(Start::toFirstTick));
        Start median = starts.get(STARTS / 2);
        results.add("start-up", "process start to the first completed tick (%,d fills), as `run.sh` starts it: median of %d starts with the class-data archive; the first, cold start apart".formatted(FILLS, STARTS),
                "%s (Camel started at %s, tick %s; all %s); cold start %s (Camel %s, tick %s)".formatted(ResultsTable.seconds(median.toFirstTick()),
                        ResultsTable.seconds(median.camelStarted()), ResultsTable.seconds(median.tick()), starts.stream().map(start -> ResultsTable.seconds(start.toFirstTick())).toList(),
                        ResultsTable.seconds(cold.toFirstTick()), ResultsTable.seconds(cold.camelStarted()), ResultsTable.seconds(cold.tick())),
                "≤ 3 s", median.toFirstTick().compareTo(TARGET) <= 0);
    }

    private Start start(SimulatedKalshiApi kalshi, String classDataOption) throws Exception {
        String table = clickHouse.newDatabase() + ".mm_fills";
        Map<String, String> settings = new HashMap<>(RunningIngester.settings(kalshi, clickHouse.jdbcUrl(), table));
        Instant launched = Instant.now();
        ServiceProcess service = ServiceProcess.start(List.of(classDataOption), settings);
        try {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (service.events("fills_deduped").isEmpty() || ingested(service) < FILLS) {
                if (System.nanoTime() > end || !service.isAlive()) {
                    throw new IllegalStateException("no completed tick within 60 s of the start; see target/service-processes.log");
                }
                Thread.sleep(10);
            }
            JsonNode tick = service.events("fill_pipeline_stats").get(0);
            Instant tickDone = Stream.concat(service.events("fills_deduped").stream(), service.events("fills_ingested").stream())
                    .map(StartupCase::timestamp).max(Comparator.naturalOrder()).orElseThrow();
            Instant camelStarted = camelStarted(service).orElseThrow(() -> new IllegalStateException("no 'Apache Camel ... started' line"));
            return new Start(Duration.between(launched, tickDone), Duration.between(launched, camelStarted),
                    Duration.ofMillis(tick.path("elapsed_ms").asLong()));
        } finally {
            service.sigterm();
            service.exitWithin(Duration.ofSeconds(60));
        }
    }

    /** Fills the tick's batches inserted: a batch goes in on the aggregator's thread, after the poll's last page. */
    private static long ingested(ServiceProcess service) {
        return service.events("fills_ingested").stream().mapToLong(event -> event.path("count").asLong()).sum();
    }

    private static Optional<Instant> camelStarted(ServiceProcess service) {
        return service.lines().stream().map(ServiceProcess::json)
                .filter(line -> line.path("event").asText().matches("Apache Camel \\S+ \\(.*\\) started in .*"))
                .findFirst().map(StartupCase::timestamp);
    }

    private static Instant timestamp(JsonNode line) {
        return OffsetDateTime.parse(line.path("@timestamp").asText()).toInstant();
    }

}
