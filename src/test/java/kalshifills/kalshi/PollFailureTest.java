package kalshifills.kalshi;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.Map;

import com.fasterxml.jackson.core.io.JsonEOFException;
import org.apache.camel.CamelExchangeException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PollFailureTest {

    @Test
    void a_failed_request_to_kalshi_is_counted_by_its_status_and_by_what_went_wrong() {
        assertThat(PollFailure.apiError(http(429))).hasValue(new PollFailure.ApiError("429", "rate_limited"));
        assertThat(PollFailure.apiError(http(401))).hasValue(new PollFailure.ApiError("401", "unauthorized"));
        assertThat(PollFailure.apiError(http(403))).hasValue(new PollFailure.ApiError("403", "unauthorized"));
        assertThat(PollFailure.apiError(http(400))).hasValue(new PollFailure.ApiError("400", "client_error"));
        assertThat(PollFailure.apiError(http(503))).hasValue(new PollFailure.ApiError("503", "server_error"));
        assertThat(PollFailure.apiError(new CamelExchangeException("wrapped", null, new SocketTimeoutException("Read timed out"))))
                .hasValue(new PollFailure.ApiError("none", "timeout"));
        assertThat(PollFailure.apiError(new ConnectException("Connection refused"))).hasValue(new PollFailure.ApiError("none", "unreachable"));
        assertThat(PollFailure.apiError(new JsonEOFException(null, null, "Unexpected end-of-input")))
                .hasValue(new PollFailure.ApiError("none", "invalid_response"));
        assertThat(PollFailure.apiError(new KalshiResponseException("no fills list"))).hasValue(new PollFailure.ApiError("none", "invalid_response"));
    }

    private static HttpOperationFailedException http(int status) {
        return new HttpOperationFailedException("http://k/fills", status, "", null, Map.of(), "");
    }

    @Test
    void a_failure_in_clickhouse_is_not_kalshis_and_says_what_the_poll_could_not_do() {
        SQLException checkpoint = new SQLException("cannot read the poll checkpoint", new SQLException("Query request failed", new IOException("failed to respond")));
        SQLException lookup = new SQLException("cannot look rejected fills up in kalshi.mm_fills_rejected: Failed to get query response",
                new IOException("Connection refused"));

        assertThat(PollFailure.apiError(checkpoint)).isEmpty();
        assertThat(PollFailure.describe(checkpoint)).isEqualTo("ClickHouse: cannot read the poll checkpoint (IOException: failed to respond (in SQLException: Query request failed))");
        assertThat(PollFailure.describe(new RuntimeException("bean failed", lookup)))
                .isEqualTo("ClickHouse: cannot look rejected fills up in kalshi.mm_fills_rejected: Failed to get query response (IOException: Connection refused)");
    }
}
