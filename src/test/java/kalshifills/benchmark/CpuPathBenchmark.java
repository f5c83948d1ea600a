package kalshifills.benchmark;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.account.AccountStore;
import kalshifills.account.PollState;
import kalshifills.fill.FillNormalizer;
import kalshifills.fill.NormalizedFill;
import kalshifills.fill.NormalizedPage;
import kalshifills.fill.RejectedFill;
import kalshifills.kalshi.KalshiJson;
import kalshifills.simulator.SimulatedFill;
import kalshifills.simulator.SimulatedFills;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU path of one page without I/O: each fill normalized (Fix 1 and Fix 2), then the idempotent consumer's decision
 * (Fix 3) for each, half of the page already stored (the lookup answers from memory: its I/O is not measured here).
 * Reported per fill, on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CpuPathBenchmark {

    static final int PAGE = 1000;

    private final FillNormalizer normalizer = new FillNormalizer(Clock.systemUTC());
    private List<JsonNode> page;
    private Set<String> storedHalf;

    @Setup
    public void page() throws Exception {
        ObjectMapper json = KalshiJson.objectMapper();
        Instant now = Instant.now();
        page = new ArrayList<>(PAGE);
        for (SimulatedFill fill : new SimulatedFills(42).between(now.minus(Duration.ofHours(1)), now, PAGE)) {
            page.add(json.readTree(fill.json()));
        }
        List<String> ids = normalizer.normalizePage(page).acceptedIds();
        storedHalf = Set.copyOf(ids.subList(0, ids.size() / 2));
    }

    @Benchmark
    @OperationsPerInvocation(PAGE)
    public NormalizedPage normalizeOnly() {
        return normalizer.normalizePage(page);
    }

    @Benchmark
    @OperationsPerInvocation(PAGE)
    public int normalizeAndDecide() {
        PollState state = new PollState(new DecidedStore(storedHalf), null, Clock.systemUTC(), PAGE);
        NormalizedPage normalized = normalizer.normalizePage(page);
        state.checkPage(normalized.accepted(), PAGE);
        int newFills = 0;
        for (NormalizedFill fill : normalized) {
            if (state.firstSeen(fill.fillId())) {
                newFills++;
            }
        }
        return newFills;
    }

    /** A store that answers every lookup with the same set: costs nothing, so the decisions are what is measured. */
    private record DecidedStore(Set<String> stored) implements AccountStore {

        @Override
        public Set<String> storedAmong(List<String> fillIds, Instant earliest, Instant latest) {
            return stored;
        }

        @Override
        public void create() {
        }

        @Override
        public Optional<Instant> checkpoint() {
            return Optional.empty();
        }

        @Override
        public void saveCheckpoint(Instant completeUntil) {
        }

        @Override
        public int reject(List<RejectedFill> rejected) {
            return rejected.size();
        }

        @Override
        public Optional<Instant> newestFill() {
            return Optional.empty();
        }

        @Override
        public void insert(List<NormalizedFill> batch) {
        }
    }
}
