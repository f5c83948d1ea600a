package kalshifills.kalshi;

import java.time.Instant;

import kalshifills.status.Progress;

/** What one poll has done so far: where it started, which page it is on, and the counts its log events report. */
public final class FillsTick {

    private final Instant startedAt;
    private final Long minTs;
    private final PollCheckpoint.Poll poll;
    private final CursorTrail cursors = new CursorTrail();
    private String cursor;
    private int pages;
    private int fetched;
    private int accepted;
    private int rejected;
    private int newFills;
    private int newFillsOfEarlierPages;
    private Instant firstFillTs;
    private final Progress progress;

    /** @param progress reports a long poll (a first run's backfill) while it goes */
    FillsTick(Instant startedAt, Long minTs, PollCheckpoint.Poll poll, Progress progress) {
        this.startedAt = startedAt;
        this.minTs = minTs;
        this.poll = poll;
        this.progress = progress;
    }

    /** Before the first page, or while the last page gave a cursor. */
    boolean hasNextPage() {
        return pages == 0 || !cursor.isEmpty();
    }

    /** @throws KalshiResponseException when Kalshi hands back a cursor it already gave in this poll, which would loop forever */
    void pageRead(String nextCursor, int fills) {
        cursors.follow(nextCursor);
        cursor = nextCursor;
        progress.advance(fills);
        pages++;
        fetched += fills;
    }

    /** @return how many of the page's fills were new */
    int pageDone(int acceptedFills, int rejectedFills, Instant firstAcceptedTs) {
        accepted += acceptedFills;
        rejected += rejectedFills;
        if (firstFillTs == null) {
            firstFillTs = firstAcceptedTs;
        }
        int newInPage = newFills - newFillsOfEarlierPages;
        newFillsOfEarlierPages = newFills;
        return newInPage;
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

    int pages() {
        return pages;
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
