package kalshifills.kalshi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import kalshifills.fill.NormalizedFill;
import kalshifills.fill.NormalizedPage;
import kalshifills.status.PipelineStatus;
import kalshifills.status.Progress;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll of Kalshi's fills, step by step as the route calls it: where to start, which request to send next, what an
 * answer holds, and the poll's events in the log.
 *
 * <p>A poll starts where the last complete poll started ({@link PollCheckpoint}), minus an overlap, so that a restart
 * neither refetches all history nor misses a fill still in flight when it stopped or one Kalshi reports late; the
 * overlap's fills come back on every poll and the idempotent consumer drops them. With no checkpoint yet, a poll asks
 * for every fill Kalshi has. It reads {@code /portfolio/fills} to the last cursor, then, where its window reaches back
 * before Kalshi's historical cutoff, {@code /historical/fills} from the cutoff down to the window's start
 * ({@link FillsTick}), sending the filters again on every page since the cursor keeps none.
 */
public final class FillsPoller {

    /** The exchange property holding the {@link FillsTick} of the poll in progress. */
    public static final String TICK = "fillsTick";
    private static final Logger LOG = LoggerFactory.getLogger(FillsPoller.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final String pollKey;
    private final FillsQuery query;
    private final Duration overlap;
    private final Clock clock;
    private final PollCheckpoint checkpoint;
    private final HistoricalCutoff cutoff;
    private final int requestsPerSecond;
    private final Duration storeTimeout;
    private final PipelineStatus status;

    /**
     * @param pollKey           names this account and filter in the poll state table
     * @param cutoffMaxAge      how long a reading of the historical cutoff is trusted by polls that start after it
     * @param requestsPerSecond this account's share of its Kalshi login's read budget
     * @param storeTimeout      how long a tick waits at most for its fills to be stored
     */
    public FillsPoller(String pollKey, FillsQuery query, Duration overlap, Clock clock, PollCheckpoint checkpoint, Duration cutoffMaxAge,
            int requestsPerSecond, Duration storeTimeout, PipelineStatus status) {
        this.pollKey = pollKey;
        this.query = query;
        this.overlap = overlap;
        this.clock = clock;
        this.checkpoint = checkpoint;
        this.cutoff = new HistoricalCutoff(cutoffMaxAge, clock);
        this.requestsPerSecond = requestsPerSecond;
        this.storeTimeout = storeTimeout;
        this.status = status;
    }

    /** What this account's polls and inserts did, for the health check and the metrics. */
    public PipelineStatus status() {
        return status;
    }

    public String pollKey() {
        return pollKey;
    }

    /**
     * @param completeUntilMillis the saved checkpoint in epoch milliseconds, null when there is none; a time ahead of the
     *                            clock (a row edited by hand, a clock that jumped) counts as now
     */
    public void startTick(Exchange exchange, @Body Long completeUntilMillis) {
        Instant now = clock.instant();
        Long minTs = completeUntilMillis == null || completeUntilMillis <= 0 ? null
                : min(Instant.ofEpochMilli(completeUntilMillis), now).minus(overlap).getEpochSecond();
        exchange.setProperty(TICK, new FillsTick(now, minTs, checkpoint.start(now), new Progress("fills_poll", 0, PROGRESS_EVERY, clock)));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    public boolean hasNextRequest(@ExchangeProperty(TICK) FillsTick tick) {
        return tick.hasNextRequest();
    }

    /** The next request's path below the API's base URL. */
    public String nextPath(@ExchangeProperty(TICK) FillsTick tick) {
        return tick.part().path;
    }

    /** The next request's query string: the filters again, and the cursor from the last page; none for the cutoff. */
    public String nextQuery(@ExchangeProperty(TICK) FillsTick tick) {
        return switch (tick.part()) {
            case LIVE -> query.pageQuery(tick.minTs(), tick.cursor());
            case HISTORICAL -> query.historicalPageQuery(tick.historicalMaxTs(), tick.cursor());
            default -> null;
        };
    }

    /** The most requests a second this account sends Kalshi: the route's throttle. */
    public int requestsPerSecond() {
        return requestsPerSecond;
    }

    /**
     * @return the fills of a page, each as Kalshi sent it, those of another subaccount left out where the endpoint could not
     *         filter them; none for the cutoff's answer, which decides whether the historical part follows
     */
    public List<JsonNode> readPage(@Body JsonNode answer, @ExchangeProperty(TICK) FillsTick tick) {
        if (tick.part() == FillsTick.Part.CUTOFF) {
            Instant newCutoff = HistoricalCutoff.in(answer);
            cutoff.read(newCutoff);
            tick.cutoffRead(newCutoff, cutoff.historicalNeeded(tick.minTs()));
            return List.of();
        }
        FillsPage page = FillsPage.of(answer);
        tick.pageRead(page.cursor(), page.fills().size());
        status.fetched(page.fills().size());
        if (tick.part() == FillsTick.Part.HISTORICAL) {
            return page.fills().stream().filter(query::selects).toList();
        }
        return page.fills();
    }

    public boolean anyRejected(@Body NormalizedPage page) {
        return !page.rejected().isEmpty();
    }

    /** The page's fills to split, one message each. */
    public List<NormalizedFill> acceptedFills(@Body NormalizedPage page) {
        return page.accepted();
    }

    /** The idempotent consumer's key. */
    public String fillId(@Body NormalizedFill fill) {
        return fill.fillId();
    }

    /** The page went through the idempotent consumer. */
    public void pageDone(@Body NormalizedPage page, @ExchangeProperty(TICK) FillsTick tick) {
        Instant first = null;
        Instant oldest = null;
        for (NormalizedFill fill : page.accepted()) {
            first = first == null ? fill.ts() : first;
            oldest = oldest == null || fill.ts().isBefore(oldest) ? fill.ts() : oldest;
        }
        int newFills = tick.pageDone(page.accepted().size(), page.rejected().size(), first, oldest, cutoff);
        status.pageChecked(page.accepted().size(), newFills, page.rejected().size());
        tick.poll().pageDone(page.acceptedIds());
    }

    public void newFill(@ExchangeProperty(TICK) FillsTick tick) {
        tick.newFill();
    }

    /**
     * The last page was read and the poll's batch completed: the tick ends once the fills it sent on are stored, so that
     * the next tick (the schedule's missed times fire at once after a long one) starts from this poll's checkpoint instead
     * of reading everything again.
     */
    public void endTick(@ExchangeProperty(TICK) FillsTick tick) throws InterruptedException {
        tick.poll().fetchedAll();
        boolean complete = tick.poll().awaitSettled(storeTimeout);
        status.pollSucceeded();
        Instant now = clock.instant();
        LOG.atInfo().setMessage("fill_pipeline_stats")
                .addKeyValue("account", status.account())
                .addKeyValue("first_fill_ts_iso", tick.firstFillTs() == null ? null : tick.firstFillTs().toString())
                .addKeyValue("now_iso", now.toString())
                .addKeyValue("ts_age_sec", tick.firstFillTs() == null ? null : Duration.between(tick.firstFillTs(), now).toSeconds())
                .addKeyValue("min_ts", tick.minTs())
                .addKeyValue("pages", tick.pages())
                .addKeyValue("historical_pages", tick.historicalPages())
                .addKeyValue("fetched", tick.fetched())
                .addKeyValue("rejected", tick.rejected())
                .addKeyValue("complete", complete)
                .addKeyValue("elapsed_ms", Duration.between(tick.startedAt(), now).toMillis())
                .log();
        LOG.atInfo().setMessage("fills_deduped")
                .addKeyValue("account", status.account())
                .addKeyValue("total_rows", tick.accepted())
                .addKeyValue("new_rows", tick.newFills())
                .addKeyValue("duplicates_filtered", tick.accepted() - tick.newFills())
                .log();
    }

    /** A poll that failed: one line saying why. Fills fetched before the failure are already on their way to ClickHouse. */
    public void failTick(Exchange exchange) {
        FillsTick tick = exchange.getProperty(TICK, FillsTick.class);
        if (tick != null) {
            tick.poll().abandon();
        }
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "unknown" : PollFailure.reason(cause);
        status.pollFailed(reason);
        PollFailure.apiErrorStatus(cause).ifPresent(status::apiError);
        LOG.atWarn().setMessage("fills_poll_failed")
                .addKeyValue("account", status.account())
                .addKeyValue("reason", reason)
                .addKeyValue("pages", tick == null ? 0 : tick.pages())
                .addKeyValue("fetched", tick == null ? 0 : tick.fetched())
                .log();
    }

}
