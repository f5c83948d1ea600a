package kalshifills.kalshi;

import java.time.Instant;

import kalshifills.status.Progress;

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

    /** The requests of one poll, in order. */
    enum Part {
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
    private final PollCheckpoint.Poll poll;
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
    private int newFillsOfEarlierPages;
    private Instant firstFillTs;

    /** @param progress reports a long poll (a first run's backfill) while it goes */
    FillsTick(Instant startedAt, Long minTs, PollCheckpoint.Poll poll, Progress progress) {
        this.startedAt = startedAt;
        this.minTs = minTs;
        this.poll = poll;
        this.progress = progress;
    }

    boolean hasNextRequest() {
        return part != Part.DONE;
    }

    Part part() {
        return part;
    }

    /** @throws KalshiResponseException when Kalshi hands back a cursor it already gave in this part, which would loop forever */
    void pageRead(String nextCursor, int fills) {
        cursors.follow(nextCursor);
        cursor = nextCursor;
        progress.advance(fills);
        pages++;
        historicalPages += part == Part.HISTORICAL ? 1 : 0;
        fetched += fills;
    }

    /**
     * @param oldestAcceptedTs the oldest time among the page's accepted fills, null when it has none
     * @param cutoffs          the account's cutoff, asked whether the live part is followed by a reading of it
     * @return how many of the page's fills were new
     */
    int pageDone(int acceptedFills, int rejectedFills, Instant firstAcceptedTs, Instant oldestAcceptedTs, HistoricalCutoff cutoffs) {
        accepted += acceptedFills;
        rejected += rejectedFills;
        if (firstFillTs == null) {
            firstFillTs = firstAcceptedTs;
        }
        // No cursor: the answer was the cutoff's, not a page of fills.
        if (part == Part.LIVE && cursor != null && cursor.isEmpty()) {
            next(cutoffs.mustAsk(minTs) ? Part.CUTOFF : Part.DONE);
        } else if (part == Part.HISTORICAL && cursor != null && (cursor.isEmpty() || olderThanWindow(oldestAcceptedTs))) {
            next(Part.DONE);
        }
        int newInPage = newFills - newFillsOfEarlierPages;
        newFillsOfEarlierPages = newFills;
        return newInPage;
    }

    /** Newest first: once a page reaches back before the window's start, the pages after it hold nothing the poll asked for. */
    private boolean olderThanWindow(Instant oldest) {
        return minTs != null && oldest != null && oldest.getEpochSecond() < minTs;
    }

    /** The cutoff was read: the historical part follows where the window reaches back before it. */
    void cutoffRead(Instant newCutoff, boolean historicalNeeded) {
        cutoff = newCutoff;
        next(historicalNeeded ? Part.HISTORICAL : Part.DONE);
    }

    private void next(Part nextPart) {
        part = nextPart;
        cursor = null;
        cursors = new CursorTrail();
    }

    void newFill() {
        newFills++;
    }

    PollCheckpoint.Poll poll() {
        return poll;
    }

    Instant startedAt() {
        return startedAt;
    }

    Long minTs() {
        return minTs;
    }

    String cursor() {
        return cursor;
    }

    /**
     * The historical part's {@code max_ts}: the second after the cutoff, so that neither a {@code max_ts} Kalshi reads as
     * exclusive nor a cutoff with a fraction of a second leaves out a fill just before it; the historical side holds
     * nothing newer than the cutoff anyway.
     */
    long historicalMaxTs() {
        return cutoff.getEpochSecond() + 1;
    }

    int pages() {
        return pages;
    }

    int historicalPages() {
        return historicalPages;
    }

    int fetched() {
        return fetched;
    }

    int accepted() {
        return accepted;
    }

    int rejected() {
        return rejected;
    }

    int newFills() {
        return newFills;
    }

    Instant firstFillTs() {
        return firstFillTs;
    }
}
