package kalshifills.kalshi;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import kalshifills.testing.CapturedLogs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PollCheckpointTest {

    private static final Instant T1 = Instant.parse("2026-11-24T12:00:00Z");
    private static final Instant T2 = T1.plusSeconds(10);

    private final Set<String> inFlight = new HashSet<>();
    private final List<Instant> saved = new ArrayList<>();
    private final PollCheckpoint checkpoint = new PollCheckpoint(
            ids -> ids.stream().filter(inFlight::contains).collect(Collectors.toSet()), saved::add);

    private void store(String... ids) {
        inFlight.removeAll(List.of(ids));
        checkpoint.stored(List.of(ids));
    }

    @Test
    void a_poll_is_complete_once_every_fill_it_saw_in_flight_is_stored() {
        PollCheckpoint.Poll poll = checkpoint.start(T1);
        inFlight.addAll(List.of("a", "b"));
        poll.pageDone(List.of("a", "b", "stored-long-ago"));
        poll.fetchedAll();
        assertThat(saved).isEmpty();

        store("a");
        assertThat(saved).isEmpty();
        store("b");
        assertThat(saved).containsExactly(T1);
    }

    @Test
    void a_poll_with_nothing_new_costs_no_write() {
        PollCheckpoint.Poll poll = checkpoint.start(T1);
        poll.pageDone(List.of("stored-long-ago"));
        poll.fetchedAll();

        assertThat(saved).isEmpty();
    }

    @Test
    void a_poll_whose_last_page_was_not_read_proves_nothing() {
        PollCheckpoint.Poll poll = checkpoint.start(T1);
        inFlight.add("a");
        poll.pageDone(List.of("a"));
        store("a");
        poll.abandon();

        assertThat(saved).isEmpty();
    }

    @Test
    void a_released_batch_keeps_every_open_poll_from_completing() {
        PollCheckpoint.Poll first = checkpoint.start(T1);
        inFlight.addAll(List.of("a", "b"));
        first.pageDone(List.of("a", "b"));
        first.fetchedAll();
        inFlight.remove("a");
        checkpoint.batchReleased();
        store("b");
        assertThat(saved).as("'a' was given up: the window must still reach it").isEmpty();

        PollCheckpoint.Poll next = checkpoint.start(T2);
        inFlight.add("a");
        next.pageDone(List.of("a", "b"));
        next.fetchedAll();
        store("a");
        assertThat(saved).containsExactly(T2);
    }

    @Test
    void a_batch_released_before_the_last_page_keeps_the_poll_from_completing() {
        PollCheckpoint.Poll poll = checkpoint.start(T1);
        inFlight.add("a");
        poll.pageDone(List.of("a"));
        store("a");
        checkpoint.batchReleased();
        poll.fetchedAll();

        assertThat(saved).isEmpty();
    }

    @Test
    void the_checkpoint_only_moves_forward() {
        PollCheckpoint.Poll older = checkpoint.start(T1);
        PollCheckpoint.Poll newer = checkpoint.start(T2);
        inFlight.addAll(List.of("a", "b"));
        older.pageDone(List.of("a"));
        newer.pageDone(List.of("b"));
        older.fetchedAll();
        newer.fetchedAll();

        store("b");
        store("a");

        assertThat(saved).containsExactly(T2);
    }

    @Test
    void a_checkpoint_that_cannot_be_saved_is_logged_and_the_window_stays_back() {
        PollCheckpoint failing = new PollCheckpoint(ids -> Set.copyOf(ids), completeUntil -> {
            throw new SQLException("Connection refused");
        });
        PollCheckpoint.Poll poll = failing.start(T1);
        poll.pageDone(List.of("a"));
        poll.fetchedAll();

        try (CapturedLogs logs = CapturedLogs.capture()) {
            failing.stored(List.of("a"));

            assertThat(logs.events("poll_checkpoint_not_saved")).singleElement()
                    .satisfies(e -> assertThat(e).containsEntry("reason", "SQLException: Connection refused").containsEntry("complete_until", T1.toString()));
        }
    }

    @Test
    void a_poll_waits_until_its_fills_are_stored_or_their_batch_is_given_up() throws Exception {
        PollCheckpoint.Poll stored = checkpoint.start(T1);
        inFlight.add("a");
        stored.pageDone(List.of("a"));
        stored.fetchedAll();
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> settled(stored, Duration.ofSeconds(10)));
        Thread.sleep(100);
        assertThat(waiting).as("still waiting for its insert").isNotDone();
        store("a");
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();

        PollCheckpoint.Poll givenUp = checkpoint.start(T2);
        inFlight.add("b");
        givenUp.pageDone(List.of("b"));
        givenUp.fetchedAll();
        CompletableFuture<Boolean> released = CompletableFuture.supplyAsync(() -> settled(givenUp, Duration.ofSeconds(10)));
        checkpoint.batchReleased();
        assertThat(released.get(5, TimeUnit.SECONDS)).as("never complete").isFalse();

        PollCheckpoint.Poll stalled = checkpoint.start(T2);
        inFlight.add("c");
        stalled.pageDone(List.of("c"));
        stalled.fetchedAll();
        assertThat(settled(stalled, Duration.ofMillis(50))).as("the inserts outlasted the patience").isFalse();
        assertThat(saved).containsExactly(T1);
    }

    private static boolean settled(PollCheckpoint.Poll poll, Duration patience) {
        try {
            return poll.awaitSettled(patience);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
