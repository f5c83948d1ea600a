package kalshifills.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What one account's pipeline did: how the two halves fared last (polls of Kalshi, inserts into ClickHouse) and how far
 * the poll in progress got, for the health check; how many fills went which way, how long the work took, how fresh the
 * table is, for the metrics. A failure is remembered, with when the failing began and the latest reason, until the next
 * success. Every meter is tagged with the account, and registered at once, so that a rate over it starts from zero.
 */
public final class PipelineStatus {

    /** The latest outcome of one kind of work. */
    public record Outcome(Instant lastSuccess, Instant failingSince, String failure) {

        public boolean failing() {
            return failingSince != null;
        }
    }

    /**
     * The poll in progress, newest fills first: pages read, the oldest fill reached, and the share of its window read
     * (null while it reads back through everything Kalshi has, whose start nobody knows).
     */
    /** The WebSocket feed: whether it is subscribed, since when, and why not. */
    public record Feed(boolean subscribed, Instant since, String problem) {
    }

    public record PollProgress(Instant startedAt, int pages, Instant oldestFill, Double windowCovered, Instant lastPageAt) {

        /** When the poll last moved on: its last page read, or its start before the first. */
        public Instant lastProgress() {
            return lastPageAt == null ? startedAt : lastPageAt;
        }
    }

    private static final Duration[] INSERT_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    private static final Duration[] POLL_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600);

    private final String account;
    private final Clock clock;
    private final Duration maxPollAge;
    private final Instant startedAt;
    private final MeterRegistry meters;
    private final Counter fetched;
    private final Counter newFills;
    private final Counter deduplicated;
    private final Counter rejected;
    private final Counter rejectedReseen;
    private final Counter inserted;
    private final Timer insertsOk;
    private final Timer insertsFailed;
    private final Timer pollsComplete;
    private final Timer pollsIncomplete;
    private final Timer pollsFailed;
    private Outcome polls = new Outcome(null, null, null);
    private Outcome inserts = new Outcome(null, null, null);
    private PollProgress running;
    private Instant newestStoredFill;
    private boolean leading;
    private Instant leadingSince;
    private Feed feed;
    private final Counter feedFills;
    private final Counter feedDisconnects;

    /**
     * @param account    the Kalshi account this pipeline polls, a tag on every meter
     * @param maxPollAge how long polls may go without one completing (a few ticks): a poll running longer than that and
     *                   still reading pages is a backfill
     */
    public PipelineStatus(String account, Clock clock, MeterRegistry meters, Duration maxPollAge) {
        this.account = account;
        this.clock = clock;
        this.maxPollAge = maxPollAge;
        this.startedAt = clock.instant();
        this.meters = meters;
        fetched = counter("kalshi.fills.fetched", "Fills read from Kalshi, overlap included");
        newFills = counter("kalshi.fills.new", "Fetched fills not yet stored, sent on to a batch");
        deduplicated = counter("kalshi.fills.deduplicated", "Fetched fills dropped as already stored or in flight");
        rejected = counter("kalshi.fills.rejected", "Rejected fills (unusable) stored in the rejects table, each counted once, when first stored");
        rejectedReseen = counter("kalshi.fills.rejected.reseen", "Rejected fills fetched again, already in the rejects table");
        inserted = counter("kalshi.fills.inserted", "Fills written to ClickHouse by a successful batch insert");
        insertsOk = timer("kalshi.fills.insert", "Batch inserts into ClickHouse, retries included", "ok", INSERT_BUCKETS);
        insertsFailed = timer("kalshi.fills.insert", "Batch inserts into ClickHouse, retries included", "failed", INSERT_BUCKETS);
        String polls = "Polls of Kalshi, from the first request until the fills are stored (incomplete: some were not, and the next poll"
                + " starts from the same checkpoint)";
        pollsComplete = timer("kalshi.fills.poll", polls, "complete", POLL_BUCKETS);
        pollsIncomplete = timer("kalshi.fills.poll", polls, "incomplete", POLL_BUCKETS);
        pollsFailed = timer("kalshi.fills.poll", polls, "failed", POLL_BUCKETS);
        gauge("kalshi.fills.leader", "1 while this instance polls the account, 0 while another does (cluster.zookeeper.nodes)", null,
                status -> status.leading() ? 1 : 0);
        gauge("kalshi.fills.last.successful.poll.age", "Seconds since the last poll that read every page and stored its fills (since start while there was none)",
                "seconds", PipelineStatus::lastSuccessfulPollAgeSeconds);
        gauge("kalshi.fills.newest.fill.age", "Seconds from the newest fill stored to now (NaN until one is known)",
                "seconds", PipelineStatus::newestFillAgeSeconds);
        gauge("kalshi.fills.backfill.in.progress", "1 while a poll has run for longer than the health check's limit and still reads pages",
                null, status -> status.backfill() == null ? 0 : 1);
        gauge("kalshi.fills.backfill.progress", "Share of the backfill's window read so far, newest first; 1 with no backfill, NaN while a"
                + " first run reads back through everything Kalshi has", "ratio", PipelineStatus::backfillProgress);
        gauge("kalshi.fills.backfill.oldest.fill", "Time of the oldest fill the backfill has reached, epoch seconds (NaN with no backfill)",
                "timestamp_seconds", PipelineStatus::backfillOldestFill);
        feedFills = counter("kalshi.fills.feed.fills", "Fills the WebSocket feed pushed, before deduplication");
        feedDisconnects = counter("kalshi.fills.feed.disconnects", "WebSocket feed connections lost or refused; each is followed by a reconnect");
        // The series an alert watches exists from the start, so that the first 429 is an increase.
        apiErrors("429", "rate_limited");
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tag("account", account).register(meters);
    }

    private Timer timer(String name, String description, String result, Duration[] buckets) {
        return Timer.builder(name).description(description).tag("account", account).tag("result", result)
                .serviceLevelObjectives(buckets).register(meters);
    }

    private void gauge(String name, String description, String unit, ToDoubleFunction<PipelineStatus> value) {
        Gauge.builder(name, this, value).description(description).tag("account", account).baseUnit(unit).register(meters);
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return durations;
    }

    public String account() {
        return account;
    }

    public Clock clock() {
        return clock;
    }

    public void fetched(int count) {
        fetched.increment(count);
    }

    /** A usable fill went through the idempotent consumer: new, or dropped as already stored or in flight. */
    public void checked(boolean isNew) {
        (isNew ? newFills : deduplicated).increment();
    }

    /** A page's rejected fills: {@code stored} kept for the first time, {@code reseen} already kept by an earlier poll. */
    public void rejected(int stored, int reseen) {
        rejected.increment(stored);
        rejectedReseen.increment(reseen);
    }

    /** A request to Kalshi failed: its HTTP status ({@code none} without one), and the kind of failure. */
    public void apiError(String status, String kind) {
        apiErrors(status, kind).increment();
    }

    private Counter apiErrors(String status, String kind) {
        return Counter.builder("kalshi.api.errors").description("Failed requests to Kalshi, by HTTP status and kind of failure")
                .tag("account", account).tag("status", status).tag("kind", kind).register(meters);
    }

    /** The account is gone: its meters go with it. */
    public void close() {
        List.copyOf(meters.getMeters()).stream().filter(meter -> account.equals(meter.getId().getTag("account"))).forEach(meters::remove);
    }

    public synchronized void pollStarted() {
        running = new PollProgress(clock.instant(), 0, null, null, null);
    }

    /** The running poll read a page, and has now reached back to {@code oldestFill}. */
    public synchronized void pageRead(int pages, Instant oldestFill, Double windowCovered) {
        if (running != null) {
            running = new PollProgress(running.startedAt(), pages, oldestFill, windowCovered, clock.instant());
        }
    }

    /** The poll read every page and its fills are stored. */
    public synchronized void pollSucceeded() {
        pollsComplete.record(endPoll());
        polls = new Outcome(clock.instant(), null, null);
    }

    /** The poll read every page, but some of its fills are not stored (their inserts failed, or took too long). */
    public synchronized void pollIncomplete() {
        pollsIncomplete.record(endPoll());
    }

    public synchronized void pollFailed(String reason) {
        pollsFailed.record(endPoll());
        polls = failed(polls, reason);
    }

    /** How long the poll in progress ran (none when it failed before it started); no poll runs from now on. */
    private Duration endPoll() {
        Duration elapsed = running == null ? Duration.ZERO : Duration.between(running.startedAt(), clock.instant());
        running = null;
        return elapsed;
    }

    /** The account holds a WebSocket feed: its state is shown from now on. */
    public synchronized void feedEnabled() {
        if (feed != null) {
            return;
        }
        feed = new Feed(false, clock.instant(), "connecting");
        gauge("kalshi.fills.feed.subscribed", "1 while the WebSocket feed is connected and subscribed to the account's fills", null,
                status -> status.feed() != null && status.feed().subscribed() ? 1 : 0);
    }

    public synchronized void feedSubscribed() {
        feed = new Feed(true, clock.instant(), null);
    }

    public void feedDisconnected(String problem) {
        feedDisconnects.increment();
        synchronized (this) {
            feed = new Feed(false, feed.subscribed() ? clock.instant() : feed.since(), problem);
        }
    }

    /** This instance let the feed go (it stopped, or no longer leads the account): not a lost connection. */
    public synchronized void feedStopped() {
        if (feed != null) {
            feed = new Feed(false, clock.instant(), "not held by this instance");
        }
    }

    public void feedFill() {
        feedFills.increment();
    }

    /** The feed's state, or null when the account holds none. */
    public synchronized Feed feed() {
        return feed;
    }

    /** This instance took the account over (it polls it from now on), or another one did. */
    public synchronized void leading(boolean leads) {
        if (leads && !leading) {
            leadingSince = clock.instant();
        }
        leading = leads;
    }

    public synchronized boolean leading() {
        return leading;
    }

    /** No poll can start: the account's tables cannot be made. */
    public synchronized void cannotPoll(String reason) {
        polls = failed(polls, reason);
    }

    public void insertSucceeded(int count, Duration elapsed, Instant newestFill) {
        inserted.increment(count);
        insertsOk.record(elapsed);
        synchronized (this) {
            inserts = new Outcome(clock.instant(), null, null);
        }
        fillStored(newestFill);
    }

    public void insertFailed(String reason, Duration elapsed) {
        insertsFailed.record(elapsed);
        synchronized (this) {
            inserts = failed(inserts, reason);
        }
    }

    /** A fill with this time is in the table: the freshness gauge goes from the newest such. */
    public synchronized void fillStored(Instant ts) {
        if (ts != null && (newestStoredFill == null || ts.isAfter(newestStoredFill))) {
            newestStoredFill = ts;
        }
    }

    public synchronized Outcome polls() {
        return polls;
    }

    public synchronized Outcome inserts() {
        return inserts;
    }

    /** The poll in progress, or null between polls. */
    public synchronized PollProgress running() {
        return running;
    }

    /** The poll in progress if it is a backfill: running for longer than the limit, and it read a page within it; else null. */
    public synchronized PollProgress backfill() {
        if (running == null) {
            return null;
        }
        Instant now = clock.instant();
        boolean longerThanTicks = Duration.between(running.startedAt(), now).compareTo(maxPollAge) > 0;
        return longerThanTicks && Duration.between(running.lastProgress(), now).compareTo(maxPollAge) <= 0 ? running : null;
    }

    /** The limit the health check holds polls to. */
    public Duration maxPollAge() {
        return maxPollAge;
    }

    /** Since the last poll that read every page, or since this instance started (or took the account over) if later. */
    public synchronized Duration sinceLastSuccessfulPoll() {
        Instant since = leadingSince == null ? startedAt : leadingSince;
        if (polls.lastSuccess() != null && polls.lastSuccess().isAfter(since)) {
            since = polls.lastSuccess();
        }
        return Duration.between(since, clock.instant());
    }

    private double lastSuccessfulPollAgeSeconds() {
        return sinceLastSuccessfulPoll().toMillis() / 1000.0;
    }

    private synchronized double newestFillAgeSeconds() {
        return newestStoredFill == null ? Double.NaN : Duration.between(newestStoredFill, clock.instant()).toMillis() / 1000.0;
    }

    private double backfillProgress() {
        PollProgress backfill = backfill();
        if (backfill == null) {
            return 1.0;
        }
        return backfill.windowCovered() == null ? Double.NaN : backfill.windowCovered();
    }

    private double backfillOldestFill() {
        PollProgress backfill = backfill();
        return backfill == null || backfill.oldestFill() == null ? Double.NaN : backfill.oldestFill().toEpochMilli() / 1000.0;
    }

    private Outcome failed(Outcome previous, String reason) {
        return new Outcome(previous.lastSuccess(), previous.failing() ? previous.failingSince() : clock.instant(), reason);
    }
}
