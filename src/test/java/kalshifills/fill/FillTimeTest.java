package kalshifills.fill;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.kalshi.KalshiJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FillTimeTest {

    private static final ObjectMapper JSON = KalshiJson.objectMapper();

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    private static Instant timeOf(String fillJson) throws Exception {
        return FillTime.of(JSON.readTree(fillJson), NOW);
    }

    @Test
    void ts_in_seconds_is_the_fills_time() throws Exception {
        assertThat(timeOf("{\"ts\":1768175532}")).isEqualTo(Instant.parse("2026-01-11T23:52:12Z"));
    }

    @Test
    void ts_above_1e11_is_milliseconds() throws Exception {
        assertThat(timeOf("{\"ts\":1768175532123}")).isEqualTo(Instant.parse("2026-01-11T23:52:12.123Z"));
        assertThat(timeOf("{\"ts\":1768175532000.9}")).isEqualTo(Instant.parse("2026-01-11T23:52:12Z"));
        assertThatThrownBy(() -> timeOf("{\"ts\":100000000000}")).as("1e11 is seconds: year 5138")
                .hasMessageContaining("more than a day ahead");
        assertThatThrownBy(() -> timeOf("{\"ts\":100000000001}")).as("above 1e11 is milliseconds: 1973")
                .hasMessage("ts is 1973-03-03T09:46:40.001Z, before 2020; expected the time Kalshi filled the order");
    }

    @Test
    void fractional_seconds_are_kept_to_the_millisecond() throws Exception {
        assertThat(timeOf("{\"ts\":1768175534.5}")).isEqualTo(Instant.parse("2026-01-11T23:52:14.500Z"));
        assertThat(timeOf("{\"ts\":\"1768175534.1239\"}")).isEqualTo(Instant.parse("2026-01-11T23:52:14.123Z"));
    }

    @Test
    void created_time_is_the_fills_time_truncated_to_the_millisecond() throws Exception {
        Instant created = Instant.parse("2026-08-18T14:03:27.250Z");
        assertThat(timeOf("{\"created_time\":\"2026-08-18T14:03:27.25Z\"}")).isEqualTo(created);
        assertThat(timeOf("{\"created_time\":\"2026-08-18T16:03:27.250999+02:00\"}")).isEqualTo(created);
    }

    @Test
    void created_time_wins_over_ts_so_a_fill_keeps_its_time_when_kalshi_stops_sending_ts() throws Exception {
        String created = "\"created_time\":\"2026-08-18T14:03:27.654321Z\"";
        Instant expected = Instant.parse("2026-08-18T14:03:27.654Z");

        assertThat(timeOf("{\"ts\":1787061807," + created + "}")).isEqualTo(expected);
        assertThat(timeOf("{" + created + "}")).isEqualTo(expected);
    }

    @Test
    void ts_is_used_when_created_time_is_missing_null_or_blank() throws Exception {
        assertThat(timeOf("{\"ts\":1787061807}")).isEqualTo(Instant.ofEpochSecond(1787061807));
        assertThat(timeOf("{\"ts\":1787061807,\"created_time\":null}")).isEqualTo(Instant.ofEpochSecond(1787061807));
        assertThat(timeOf("{\"ts\":1787061807,\"created_time\":\" \"}")).isEqualTo(Instant.ofEpochSecond(1787061807));
    }

    @Test
    void a_fill_without_a_time_is_rejected_never_stamped_with_now() {
        assertThatThrownBy(() -> timeOf("{\"fill_id\":\"f\"}"))
                .isInstanceOf(FillRejectedException.class)
                .hasMessage("the fill has no time: 'created_time', 'ts_ms' and 'ts' are all missing, null or zero");
        assertThatThrownBy(() -> timeOf("{\"ts\":0}")).isInstanceOf(FillRejectedException.class);
    }

    @Test
    void an_unreadable_time_is_rejected_naming_the_field_and_value() {
        assertThatThrownBy(() -> timeOf("{\"ts\":\"soon\"}"))
                .isInstanceOf(FillRejectedException.class)
                .hasMessage("'ts' is \"soon\"; expected Unix time in seconds or milliseconds");
        assertThatThrownBy(() -> timeOf("{\"ts\":-5}")).hasMessageStartingWith("'ts' is -5;");
        assertThatThrownBy(() -> timeOf("{\"created_time\":\"yesterday\"}"))
                .hasMessageStartingWith("'created_time' is \"yesterday\"; expected an RFC 3339 date-time");
    }

    @Test
    void a_time_that_would_move_the_poll_window_off_the_real_fills_is_rejected() throws Exception {
        assertThat(timeOf("{\"ts\":" + NOW.plus(Duration.ofHours(23)).getEpochSecond() + "}")).isEqualTo(NOW.plus(Duration.ofHours(23)));
        assertThatThrownBy(() -> timeOf("{\"ts\":" + NOW.plus(Duration.ofHours(25)).getEpochSecond() + "}"))
                .hasMessage("ts is 2026-11-25T13:00:00Z, more than a day ahead of this machine's clock (2026-11-24T12:00:00Z);"
                        + " expected the time Kalshi filled the order");
        assertThatThrownBy(() -> timeOf("{\"created_time\":\"2019-12-31T23:59:59Z\"}"))
                .hasMessage("created_time is 2019-12-31T23:59:59Z, before 2020; expected the time Kalshi filled the order");
    }

    @Test
    void a_long_value_is_shortened_in_the_reason() {
        JsonNode fill = JSON.createObjectNode().put("ts", "x".repeat(10_000));
        assertThatThrownBy(() -> FillTime.of(fill, NOW)).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(150));
    }
}
