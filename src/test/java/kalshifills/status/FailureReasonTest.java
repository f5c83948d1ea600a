package kalshifills.status;

import java.net.ConnectException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureReasonTest {

    @Test
    void the_root_cause_comes_first_then_what_reported_it() {
        SQLException reported = new SQLException("Query request failed (attempt: 1)", new IllegalStateException("wrapped",
                new ConnectException("Connection refused")));

        assertThat(FailureReason.of(reported))
                .isEqualTo("ConnectException: Connection refused (in SQLException: Query request failed (attempt: 1))");
    }

    @Test
    void a_wrapper_that_repeats_its_cause_is_left_out() {
        SQLException reported = new SQLException("Code: 81. Database x does not exist", new IllegalStateException("Code: 81. Database x does not exist"));

        assertThat(FailureReason.of(reported)).isEqualTo("IllegalStateException: Code: 81. Database x does not exist");
    }

    @Test
    void a_failure_without_a_cause_reads_as_itself_on_one_line() {
        assertThat(FailureReason.of(new IllegalStateException("line one\n  line two\tend"))).isEqualTo("IllegalStateException: line one line two end");
        assertThat(FailureReason.of(null)).isEqualTo("unknown");
    }

    @Test
    void a_long_text_is_cut() {
        assertThat(FailureReason.oneLine("x".repeat(1000))).hasSize(303).endsWith("...");
    }
}
