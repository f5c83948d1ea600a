package kalshifills.fill;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fix 2 of the specification: a fill is stored with its own time, never the time it was polled.
 *
 * <p>The time is {@code created_time} (RFC 3339, microseconds on Kalshi), else {@code ts_ms} (Unix milliseconds, which the
 * WebSocket feed sends in its place), else {@code ts} (Unix seconds, or milliseconds when above 1e11 as the old ingester
 * decided): {@code created_time} and {@code ts_ms} are the precise ones and the ones Kalshi keeps, while {@code ts} is
 * deprecated and may be absent, so the same fill gets the same time whether polled or pushed, and whether or not Kalshi
 * still sends {@code ts}. A fill with neither is rejected rather than stamped with the current time. Times are truncated to the
 * millisecond, the precision of the {@code ts} column. A time before 2020 (before Kalshi traded) or
 * more than a day ahead of this machine's clock is rejected: stored, it would move the poll window off the real fills.
 */
public final class FillTime {

    private static final BigDecimal MILLISECONDS_ABOVE = new BigDecimal("1e11");
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    /** Before Kalshi traded: no fill is older. */
    public static final Instant EARLIEST = Instant.parse("2020-01-01T00:00:00Z");
    private static final Duration MAX_AHEAD = Duration.ofDays(1);

    private FillTime() {
    }

    /** @param now this machine's clock, to refuse times far in the future */
    public static Instant of(JsonNode fill, Instant now) {
        if (given(fill.get("created_time"))) {
            return plausible("created_time", rfc3339("created_time", fill.get("created_time")).truncatedTo(ChronoUnit.MILLIS), now);
        }
        if (given(fill.get("ts_ms"))) {
            return plausible("ts_ms", Instant.ofEpochMilli(unixTime("ts_ms", fill.get("ts_ms")).longValue()), now);
        }
        JsonNode ts = fill.get("ts");
        if (ts != null && !ts.isNull()) {
            BigDecimal value = unixTime("ts", ts);
            if (value.signum() > 0) {
                BigDecimal millis = value.compareTo(MILLISECONDS_ABOVE) > 0 ? value : value.multiply(THOUSAND);
                return plausible("ts", Instant.ofEpochMilli(millis.longValue()), now);
            }
        }
        throw new FillRejectedException("the fill has no time: 'created_time', 'ts_ms' and 'ts' are all missing, null or zero");
    }

    private static Instant plausible(String field, Instant time, Instant now) {
        if (time.isBefore(EARLIEST)) {
            throw new FillRejectedException(field + " is " + time + ", before 2020; expected the time Kalshi filled the order");
        }
        if (time.isAfter(now.plus(MAX_AHEAD))) {
            throw new FillRejectedException(field + " is " + time + ", more than a day ahead of this machine's clock (" + now
                    + "); expected the time Kalshi filled the order");
        }
        return time;
    }

    /**
     * Whether the fill names the time Kalshi created it, {@code created_time} or the feed's {@code ts_ms}: then that is its
     * time, and {@link #of} has read it.
     */
    static boolean hasCreatedTime(JsonNode fill) {
        return given(fill.get("created_time")) || given(fill.get("ts_ms"));
    }

    private static boolean given(JsonNode value) {
        return value != null && !value.isNull() && !(value.isTextual() && value.textValue().isBlank());
    }

    private static BigDecimal unixTime(String field, JsonNode ts) {
        try {
            BigDecimal value = ts.isNumber() ? ts.decimalValue()
                    : ts.isTextual() ? new BigDecimal(ts.textValue().trim())
                    : null;
            if (value != null && value.signum() >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw FillRejectedException.invalidField(field, ts, "ts".equals(field) ? "Unix time in seconds or milliseconds" : "Unix time in milliseconds");
    }

    private static Instant rfc3339(String field, JsonNode value) {
        if (value.isTextual()) {
            try {
                return OffsetDateTime.parse(value.textValue().trim()).toInstant();
            } catch (DateTimeParseException e) {
                // reported below with the value
            }
        }
        throw FillRejectedException.invalidField(field, value, "an RFC 3339 date-time such as \"2026-08-18T14:03:27Z\"");
    }
}
