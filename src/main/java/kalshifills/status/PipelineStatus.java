package kalshifills.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the pipeline did: how the two halves fared last (polls of Kalshi, inserts into ClickHouse), for the health check,
 * and how many fills went which way, for the metrics. A failure is remembered, with when the failing began and the latest
 * reason, until the next success.
 */
public final class PipelineStatus {

    /** The latest outcome of one kind of work. */
    public record Outcome(Instant lastSuccess, Instant failingSince, String failure) {

        public boolean failing() {
            return failingSince != null;
        }
    }

    private final String account;
    private final Clock clock;
    private final Instant startedAt;
    private final MeterRegistry meters;
    private final Counter fetched;
    private final Counter newFills;
    private final Counter deduplicated;
    private final Counter rejected;
    private final Counter inserted;
    private final Timer insertLatency;
    private Outcome polls = new Outcome(null, null, null);
    private Outcome inserts = new Outcome(null, null, null);

    /** @param account the Kalshi account this pipeline polls, a tag on every meter */
    public PipelineStatus(String account, Clock clock, MeterRegistry meters) {
        this.account = account;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.meters = meters;
        fetched = counter("kalshi.fills.fetched", "Fills read from Kalshi's fills endpoint, overlap included");
        newFills = counter("kalshi.fills.new", "Fetched fills not yet stored, sent on to a batch");
        deduplicated = counter("kalshi.fills.deduplicated", "Fetched fills dropped as already stored or in flight");
        rejected = counter("kalshi.fills.rejected", "Fetched fills rejected as unusable, kept in the rejects table");
        inserted = counter("kalshi.fills.inserted", "Fills written to ClickHouse by a successful batch insert");
        insertLatency = Timer.builder("kalshi.fills.insert").description("Time of one batch insert into ClickHouse").tag("account", account)
                .register(meters);
        Gauge.builder("kalshi.fills.last.successful.poll.age", this, PipelineStatus::lastSuccessfulPollAgeSeconds)
                .description("Seconds since the last poll that read every page (since start while there was none)")
                .tag("account", account).baseUnit("seconds").register(meters);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tag("account", account).register(meters);
    }

    public String account() {
        return account;
    }

    public void fetched(int count) {
        fetched.increment(count);
    }

    /** A usable fill went through the idempotent consumer: new, or dropped as already stored or in flight. */
    public void checked(boolean isNew) {
        (isNew ? newFills : deduplicated).increment();
    }

    public void rejected(int count) {
        rejected.increment(count);
    }

    /** The account is gone: its meters go with it. */
    public void close() {
        List.copyOf(meters.getMeters()).stream().filter(meter -> account.equals(meter.getId().getTag("account"))).forEach(meters::remove);
    }

    /** A request to Kalshi failed; {@code status} is the HTTP status, or what went wrong when there was none. */
    public void apiError(String status) {
        Counter.builder("kalshi.api.errors").description("Failed requests to Kalshi, by HTTP status or kind of failure")
                .tag("account", account).tag("status", status).register(meters).increment();
    }

    public synchronized void pollSucceeded() {
        polls = new Outcome(clock.instant(), null, null);
    }

    public synchronized void pollFailed(String reason) {
        polls = failed(polls, reason);
    }

    public void insertSucceeded(int count, Duration elapsed) {
        inserted.increment(count);
        insertLatency.record(elapsed);
        synchronized (this) {
            inserts = new Outcome(clock.instant(), null, null);
        }
    }

    public synchronized void insertFailed(String reason) {
        inserts = failed(inserts, reason);
    }

    public synchronized Outcome polls() {
        return polls;
    }

    public synchronized Outcome inserts() {
        return inserts;
    }

    /** Since the last poll that read every page, or since start while there was none. */
    public synchronized Duration sinceLastSuccessfulPoll() {
        return Duration.between(polls.lastSuccess() == null ? startedAt : polls.lastSuccess(), clock.instant());
    }

    private double lastSuccessfulPollAgeSeconds() {
        return sinceLastSuccessfulPoll().toMillis() / 1000.0;
    }

    private Outcome failed(Outcome previous, String reason) {
        return new Outcome(previous.lastSuccess(), previous.failing() ? previous.failingSince() : clock.instant(), reason);
    }
}
