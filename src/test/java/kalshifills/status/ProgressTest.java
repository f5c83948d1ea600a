package kalshifills.status;

import java.time.Duration;
import java.time.Instant;

import kalshifills.testing.CapturedLogs;
import kalshifills.testing.SettableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-24T12:00:00Z"));

    @Test
    void one_line_per_interval_with_counts_and_rate_then_a_last_line_when_finished() {
        try (CapturedLogs logs = CapturedLogs.capture()) {
            Progress progress = new Progress("repair", 1_000, Duration.ofSeconds(5), clock);
            for (int second = 1; second <= 12; second++) {
                clock.advance(Duration.ofSeconds(1));
                progress.advance(50);
            }
            progress.finished();

            assertThat(logs.events("repair_progress")).hasSize(2);
            assertThat(logs.events("repair_progress").get(0)).containsEntry("done", 250L).containsEntry("total", 1_000L)
                    .containsEntry("percent", 25.0).containsEntry("per_second", 50L).containsEntry("elapsed_s", 5L);
            assertThat(logs.events("repair_finished")).singleElement().satisfies(e -> assertThat(e).containsEntry("done", 600L)
                    .containsEntry("percent", 60.0).containsEntry("elapsed_s", 12L));
        }
    }
}
