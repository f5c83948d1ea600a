package kalshifills.kalshi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Kalshi's historical cutoff ({@code trades_created_ts} of {@code GET /historical/cutoff}) as last read: fills created
 * before it are served only by {@code GET /historical/fills}. It moves forward while the service runs (Kalshi keeps about
 * three months live), so it is read again after a poll's live part whenever that poll may need the historical endpoint,
 * and otherwise at most every {@code maxAge}.
 */
public final class HistoricalCutoff {

    private final Duration maxAge;
    private final Clock clock;
    private Instant cutoff;
    private Instant readAt;

    public HistoricalCutoff(Duration maxAge, Clock clock) {
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * Whether a poll whose window starts at {@code windowStart} asks for the cutoff after its live part: when none has been
     * read, when the last reading is older than {@code maxAge}, and whenever the window starts before the cutoff last read.
     * Asking again then, rather than trusting the reading from before the live part, is what keeps a cutoff that moved
     * during the live part from hiding the fills that moved with it.
     *
     * @param windowStart epoch seconds, or null for everything Kalshi has
     */
    public synchronized boolean mustAsk(Long windowStart) {
        return cutoff == null || readAt.plus(maxAge).isBefore(clock.instant()) || historicalNeeded(windowStart);
    }

    /**
     * The cutoff in an answer of {@code GET /historical/cutoff}.
     *
     * @throws KalshiResponseException when the answer has no RFC 3339 {@code trades_created_ts}
     */
    public static Instant in(JsonNode answer) {
        JsonNode value = answer == null ? null : answer.get("trades_created_ts");
        if (value != null && value.isTextual()) {
            try {
                return OffsetDateTime.parse(value.textValue()).toInstant();
            } catch (DateTimeParseException e) {
                // reported below with the answer
            }
        }
        throw new KalshiResponseException("the historical cutoff endpoint answered without an RFC 3339 'trades_created_ts': "
                + FillsPage.abbreviated(answer));
    }

    public synchronized void read(Instant newCutoff) {
        cutoff = newCutoff;
        readAt = clock.instant();
    }

    /** Whether part of a window starting at {@code windowStart} (epoch seconds, null for all) lies before the cutoff. */
    public synchronized boolean historicalNeeded(Long windowStart) {
        return windowStart == null || Instant.ofEpochSecond(windowStart).isBefore(cutoff);
    }
}
