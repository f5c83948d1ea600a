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
    void a_failed_request_to_kalshi_is_counted_by_its_status_or_by_what_went_wrong() {
        assertThat(PollFailure.apiErrorStatus(new HttpOperationFailedException("http://k/fills", 429, "Too Many Requests", null, Map.of(), "")))
                .hasValue("429");
        assertThat(PollFailure.apiErrorStatus(new CamelExchangeException("wrapped", null, new SocketTimeoutException("Read timed out"))))
                .hasValue("timeout");
        assertThat(PollFailure.apiErrorStatus(new ConnectException("Connection refused"))).hasValue("unreachable");
        assertThat(PollFailure.apiErrorStatus(new JsonEOFException(null, null, "Unexpected end-of-input"))).hasValue("invalid_response");
        assertThat(PollFailure.apiErrorStatus(new KalshiResponseException("no fills list"))).hasValue("invalid_response");
    }

    @Test
    void a_failure_to_read_the_checkpoint_from_clickhouse_is_not_kalshis() {
        SQLException clickHouseDown = new SQLException("Query request failed", new IOException("failed to respond"));

        assertThat(PollFailure.apiErrorStatus(clickHouseDown)).isEmpty();
        assertThat(PollFailure.describe(clickHouseDown)).startsWith("cannot read the poll checkpoint from ClickHouse: ");
    }
}
