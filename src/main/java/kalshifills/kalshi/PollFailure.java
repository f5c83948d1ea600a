package kalshifills.kalshi;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
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

    /** A failed request to Kalshi, as the metrics count it: its HTTP status ({@code none} without one), and what kind. */
    public record ApiError(String status, String kind) {
    }

    /**
     * The failed request to Kalshi behind a failure: by HTTP status ({@code rate_limited}, {@code unauthorized},
     * {@code client_error}, {@code server_error}), or without one ({@code timeout}, {@code unreachable},
     * {@code invalid_response}); empty when the failure was not Kalshi's (ClickHouse's, say).
     */
    public static Optional<ApiError> apiError(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException) {
                return Optional.empty();
            }
            if (cause instanceof HttpOperationFailedException http) {
                int status = http.getStatusCode();
                String kind = status == 429 ? "rate_limited"
                        : status == 401 || status == 403 ? "unauthorized"
                        : status >= 500 ? "server_error"
                        : status >= 400 ? "client_error"
                        : "unexpected_status";
                return Optional.of(new ApiError(Integer.toString(status), kind));
            }
            if (cause instanceof KalshiResponseException || cause instanceof JacksonException) {
                return Optional.of(new ApiError("none", "invalid_response"));
            }
            if (cause instanceof SocketTimeoutException) {
                return Optional.of(new ApiError("none", "timeout"));
            }
            if (cause instanceof IOException) {
                return Optional.of(new ApiError("none", "unreachable"));
            }
        }
        return Optional.empty();
    }

    /**
     * What happened: Kalshi's answer and where, what the poll could not do in ClickHouse (the outermost SQLException says:
     * read the checkpoint, look rejected fills up or store them; a failed lookup of stored fills lets them through instead)
     * and why, or the exception.
     */
    public static String describe(Throwable failure) {
        if (failure instanceof HttpOperationFailedException http) {
            String body = FailureReason.oneLine(http.getResponseBody());
            return "Kalshi answered HTTP " + http.getStatusCode() + " to GET " + withoutQuery(http.getUri()) + (body.isEmpty() ? "" : ": " + body);
        }
        SQLException clickHouse = outermostSqlException(failure);
        if (clickHouse != null) {
            Throwable cause = clickHouse.getCause();
            return "ClickHouse: " + FailureReason.oneLine(clickHouse.getMessage()) + (cause == null ? "" : " (" + FailureReason.of(cause) + ")");
        }
        return FailureReason.of(failure);
    }

    /** The one that says what the poll was doing; Camel's ObjectHelper.getException returns the innermost. */
    private static SQLException outermostSqlException(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static String withoutQuery(String uri) {
        int query = uri == null ? -1 : uri.indexOf('?');
        return query < 0 ? String.valueOf(uri) : uri.substring(0, query);
    }
}
