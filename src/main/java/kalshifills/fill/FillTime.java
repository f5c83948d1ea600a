package kalshifills.fill;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fix 2 of the specification: a fill is stored with its own time, never the time it was polled.
 *
 * <p>The time is {@code ts} (Unix seconds, or milliseconds when above 1e11 as the old ingester decided), else
 * {@code created_time} (RFC 3339). A fill with neither is rejected rather than stamped with the current time.
 * Times are kept to the millisecond, the precision of the {@code ts} column.
 */
public final class FillTime {

    private static final BigDecimal MILLISECONDS_ABOVE = new BigDecimal("1e11");
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private FillTime() {
    }

    public static Instant of(JsonNode fill) {
        JsonNode ts = fill.get("ts");
        if (ts != null && !ts.isNull()) {
            BigDecimal value = unixTime(ts);
            if (value.signum() > 0) {
                BigDecimal millis = value.compareTo(MILLISECONDS_ABOVE) > 0 ? value : value.multiply(THOUSAND);
                return Instant.ofEpochMilli(millis.longValue());
            }
        }
        JsonNode created = fill.get("created_time");
        if (created != null && !created.isNull() && !(created.isTextual() && created.textValue().isBlank())) {
            return rfc3339("created_time", created);
        }
        throw new FillRejectedException("the fill has no time: 'ts' and 'created_time' are both missing, null or zero");
    }

    /** An optional RFC 3339 field such as {@code created_time}: null when absent. */
    static Instant optionalRfc3339(JsonNode fill, String field) {
        JsonNode value = fill.get(field);
        return value == null || value.isNull() ? null : rfc3339(field, value);
    }

    private static BigDecimal unixTime(JsonNode ts) {
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
        throw FillRejectedException.invalidField("ts", ts, "Unix time in seconds or milliseconds");
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
