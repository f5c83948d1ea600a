package kalshifills.kalshi;

import kalshifills.status.FailureReason;
import org.apache.camel.http.base.HttpOperationFailedException;

/** What an operator reads when a poll fails: one line, what happened and where, the likely fix; never a secret. */
public final class PollFailure {

    private PollFailure() {
    }

    /** Why a poll failed, and for the failures that have one, the likely fix. */
    public static String reason(Throwable failure) {
        int status = failure instanceof HttpOperationFailedException http ? http.getStatusCode() : 0;
        return switch (status) {
            case 401 -> describe(failure) + "; Kalshi refused the request signature: check that kalshi.api-key-id is the id of the key"
                    + " whose private key kalshi.private-key-file holds, that the key is for this environment (demo and production"
                    + " keys differ), and that this machine's clock is right (the signed timestamp is checked)";
            case 429 -> describe(failure) + "; still rate limited after the retries, the next poll tries again";
            default -> describe(failure);
        };
    }

    /** What happened: Kalshi's answer and where, or the exception. */
    public static String describe(Throwable failure) {
        if (failure instanceof HttpOperationFailedException http) {
            String body = FailureReason.oneLine(http.getResponseBody());
            return "Kalshi answered HTTP " + http.getStatusCode() + " to GET " + withoutQuery(http.getUri()) + (body.isEmpty() ? "" : ": " + body);
        }
        return FailureReason.of(failure);
    }

    private static String withoutQuery(String uri) {
        int query = uri == null ? -1 : uri.indexOf('?');
        return query < 0 ? String.valueOf(uri) : uri.substring(0, query);
    }
}
