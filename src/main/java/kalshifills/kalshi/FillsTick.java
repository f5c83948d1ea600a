package kalshifills.kalshi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import kalshifills.fill.NormalizedFill;
import kalshifills.fill.NormalizedPage;
import kalshifills.status.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one poll has done so far: where its window starts, which endpoint and page it is on, and the counts its log
 * events report.
 *
 * <p>A poll reads {@link Part#LIVE} to its last page, then, where its window may reach back before Kalshi's historical
 * cutoff, asks for the cutoff ({@link Part#CUTOFF}) and reads {@link Part#HISTORICAL} from the cutoff down to the window's
 * start. The live part comes first and the cutoff is read after it: a fill that moves to the historical side while the
 * live part is read is older than the cutoff read next, so the historical part finds it.
 */
public final class FillsTick {

    private static final Logger LOG = LoggerFactory.getLogger(FillsTick.class);

    /** The requests of one poll, in order. */
    public enum Part {
        LIVE("/portfolio/fills"),
        CUTOFF("/historical/cutoff"),
        HISTORICAL("/historical/fills"),
        DONE(null);

        /** The path below the API's base URL. */
        final String path;

        Part(String path) {
            this.path = path;
        }
    }

    private final Instant startedAt;
    private final Long minTs;
    private final Progress progress;
    private Part part = Part.LIVE;
    private CursorTrail cursors = new CursorTrail();
    private String cursor;
    private Instant cutoff;
    private int pages;
    private int historicalPages;
    private int fetched;
    private int accepted;
    private int rejected;
    private int newFills;
    private Instant firstFillTs;
    private Instant oldestFillTs;

    /**
     * @param minTs    where the poll's window starts, epoch seconds; null for everything Kalshi has
     * @param progress reports a long poll (a first run's backfill) while it goes
     */
    public FillsTick(Instant startedAt, Long minTs, Progress progress) {
        this.startedAt = startedAt;
        this.minTs = minTs;
        this.progress = progress;
    }

    public boolean hasNextRequest() {
        return part != Part.DONE;
    }

    public Part part() {
        return part;
    }

    /** The next request's path below the API's base URL. */
    public String path() {
        return part.path;
    }

    /** The next request's query string: the filters again on every page, since the cursor keeps none; none for the cutoff. */
    public String query(FillsQuery filters) {
        return switch (part) {
            case LIVE -> filters.pageQuery(minTs, cursor);
            case HISTORICAL -> filters.historicalPageQuery(historicalMaxTs(), cursor);
            default -> null;
        };
    }

    /**
     * @return the page's fills, each as Kalshi sent it
     * @throws KalshiResponseException when the answer is no page of fills, or hands back a cursor it already gave in this
     *                                 part, which would loop forever
     */
    public List<JsonNode> pageRead(JsonNode answer) {
        FillsPage page = FillsPage.of(answer);
        cursors.follow(page.cursor());
        cursor = page.cursor();
        progress.advance(page.fills().size());
        pages++;
        historicalPages += part == Part.HISTORICAL ? 1 : 0;
        fetched += page.fills().size();
        return page.fills();
    }

    /**
     * The page was normalized and looked up: where the poll goes next.
     *
     * @param cutoffs the account's cutoff, asked whether the live part is followed by a reading of it
     */
    public void pageChecked(NormalizedPage page, HistoricalCutoff cutoffs) {
        accepted += page.accepted().size();
        rejected += page.rejected().size();
        Instant oldest = null;
        for (NormalizedFill fill : page) {
            firstFillTs = firstFillTs == null ? fill.ts() : firstFillTs;
            oldest = oldest == null || fill.ts().isBefore(oldest) ? fill.ts() : oldest;
        }
        oldestFillTs = oldest != null && (oldestFillTs == null || oldest.isBefore(oldestFillTs)) ? oldest : oldestFillTs;
        if (part == Part.LIVE && cursor.isEmpty()) {
            next(cutoffs.mustAsk(minTs) ? Part.CUTOFF : Part.DONE);
        } else if (part == Part.HISTORICAL && (cursor.isEmpty() || olderThanWindow(oldest))) {
            next(Part.DONE);
        }
    }

    /** Newest first: once a page reaches back before the window's start, the pages after it hold nothing the poll asked for. */
    private boolean olderThanWindow(Instant oldest) {
        return minTs != null && oldest != null && oldest.getEpochSecond() < minTs;
    }

    /** The cutoff was read: the historical part follows where the window reaches back before it. */
    public void cutoffRead(Instant newCutoff, boolean historicalNeeded) {
        cutoff = newCutoff;
        next(historicalNeeded ? Part.HISTORICAL : Part.DONE);
    }

    private void next(Part nextPart) {
        part = nextPart;
        cursor = null;
        cursors = new CursorTrail();
    }

    public void newFill() {
        newFills++;
    }

    /** The poll's events: what it fetched, and how much of it was new. */
    public void logEnd(String account, boolean complete, Instant now) {
        LOG.atInfo().setMessage("fill_pipeline_stats")
                .addKeyValue("account", account)
                .addKeyValue("first_fill_ts_iso", firstFillTs == null ? null : firstFillTs.toString())
                .addKeyValue("now_iso", now.toString())
                .addKeyValue("ts_age_sec", firstFillTs == null ? null : Duration.between(firstFillTs, now).toSeconds())
                .addKeyValue("min_ts", minTs)
                .addKeyValue("pages", pages)
                .addKeyValue("historical_pages", historicalPages)
                .addKeyValue("fetched", fetched)
                .addKeyValue("rejected", rejected)
                .addKeyValue("complete", complete)
                .addKeyValue("elapsed_ms", Duration.between(startedAt, now).toMillis())
                .log();
        LOG.atInfo().setMessage("fills_deduped")
                .addKeyValue("account", account)
                .addKeyValue("total_rows", accepted)
                .addKeyValue("new_rows", newFills)
                .addKeyValue("duplicates_filtered", accepted - newFills)
                .log();
    }

    public Long minTs() {
        return minTs;
    }

    /** The oldest fill read so far, or null. */
    public Instant oldestFill() {
        return oldestFillTs;
    }

    /**
     * The share of the window read so far, newest first: from the poll's start back to the oldest fill reached, over the
     * window; null when the window has no start (everything Kalshi has).
     */
    public Double windowCovered() {
        if (minTs == null) {
            return null;
        }
        double window = startedAt.getEpochSecond() - minTs;
        if (oldestFillTs == null || window <= 0) {
            return window <= 0 ? 1.0 : 0.0;
        }
        return Math.max(0.0, Math.min(1.0, (startedAt.getEpochSecond() - oldestFillTs.getEpochSecond()) / window));
    }

    /**
     * The historical part's {@code max_ts}: the second after the cutoff, so that neither a {@code max_ts} Kalshi reads as
     * exclusive nor a cutoff with a fraction of a second leaves out a fill just before it; the historical side holds
     * nothing newer than the cutoff anyway.
     */
    private long historicalMaxTs() {
        return cutoff.getEpochSecond() + 1;
    }

    public int pages() {
        return pages;
    }

    public int historicalPages() {
        return historicalPages;
    }

    public int fetched() {
        return fetched;
    }

    public int newFills() {
        return newFills;
    }

}
