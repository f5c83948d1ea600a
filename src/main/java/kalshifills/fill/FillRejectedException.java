package kalshifills.fill;

import com.fasterxml.jackson.databind.JsonNode;

/** A fill that cannot be stored as it is; the message is the reason kept with it in the rejects table. */
public final class FillRejectedException extends RuntimeException {

    private static final int MAX_QUOTED_CHARS = 60;

    public FillRejectedException(String reason) {
        super(reason, null, false, false);
    }

    /** A reason naming the field, the value it had (shortened, as JSON so control characters stay visible) and what was expected. */
    static FillRejectedException invalidField(String field, JsonNode value, String expected) {
        String json = value.toString();
        String quoted = json.length() <= MAX_QUOTED_CHARS ? json : json.substring(0, MAX_QUOTED_CHARS) + "...";
        return new FillRejectedException("'" + field + "' is " + quoted + "; expected " + expected);
    }
}
