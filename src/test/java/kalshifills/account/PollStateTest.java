package kalshifills.account;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import kalshifills.fill.FillNormalizer;
import kalshifills.fill.NormalizedFill;
import kalshifills.kalshi.KalshiJson;
import kalshifills.testing.Eventually;
import kalshifills.testing.MemoryAccountStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollStateTest {

    private static final Instant NOON = Instant.parse("2026-11-24T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOON, ZoneOffset.UTC);
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private final MemoryAccountStore store = new MemoryAccountStore();
    private final List<String> problems = new ArrayList<>();
    private final PollState.Problems recordedProblems = new PollState.Problems() {
        @Override
        public void lookupFailed(int ids, SQLException cause) {
            problems.add("lookup of " + ids + ": " + cause.getMessage());
        }

        @Override
        public void checkpointNotSaved(Instant completeUntil, SQLException cause) {
            problems.add("checkpoint " + completeUntil);
        }
    };
    private final PollState state = new PollState(store, recordedProblems, CLOCK, 1000);

    private static List<NormalizedFill> fills(String... ids) throws Exception {
        List<NormalizedFill> fills = new ArrayList<>();
        for (String id : ids) {
            fills.add(new FillNormalizer(CLOCK).normalize(KalshiJson.objectMapper().readTree("{\"fill_id\":\"" + id
                    + "\",\"ticker\":\"T\",\"outcome_side\":\"yes\",\"count_fp\":\"1\",\"yes_price_dollars\":\"0.5\",\"ts\":1795521600}")));
        }
        return fills;
    }

    /** A page as the route takes it: looked up at once, then each fill asked about by the idempotent consumer. */
    private List<String> newOf(List<NormalizedFill> page) {
        state.checkPage(page, 1000);
        return page.stream().map(NormalizedFill::fillId).filter(state::firstSeen).toList();
    }

    @Test
    void a_poll_is_complete_once_every_fill_it_sent_on_is_stored_and_then_saves_where_it_started() throws Exception {
        store.stored.add("stored-long-ago");
        assertThat(state.startPoll()).isEmpty();
        assertThat(newOf(fills("a", "b", "stored-long-ago"))).containsExactly("a", "b");

        CompletableFuture<Boolean> ending = CompletableFuture.supplyAsync(() -> end(true, PATIENCE));
        state.stored(List.of("a"));
        assertThat(store.savedCheckpoints).isEmpty();
        state.stored(List.of("b"));

        assertThat(ending.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(store.savedCheckpoints).containsExactly(NOON);
        assertThat(state.startPoll()).as("where the next poll starts").contains(NOON);
    }

    @Test
    void fills_the_feed_sends_on_after_the_poll_ended_do_not_hold_it_up() throws Exception {
        state.startPoll();
        assertThat(newOf(fills("polled"))).containsExactly("polled");
        AtomicBoolean complete = new AtomicBoolean();
        Thread ending = new Thread(() -> complete.set(end(true, PATIENCE)));
        ending.start();
        Eventually.equals(Thread.State.TIMED_WAITING, ending::getState, Duration.ofSeconds(5));
        NormalizedFill pushed = fills("pushed").get(0);
        assertThat(state.firstSeen(pushed.fillId(), pushed.ts())).isTrue();

        state.stored(List.of("polled"));
        ending.join(PATIENCE.toMillis() * 2);

        assertThat(complete).as("complete while the pushed fill is still in flight").isTrue();
        assertThat(store.savedCheckpoints).containsExactly(NOON);
        assertThat(state.inFlight()).isEqualTo(1);
    }

    @Test
    void a_poll_with_nothing_new_writes_no_checkpoint() throws Exception {
        store.stored.add("a");
        state.startPoll();
        assertThat(newOf(fills("a"))).isEmpty();

        assertThat(state.endPoll(false, PATIENCE)).isTrue();
        assertThat(store.savedCheckpoints).isEmpty();
    }

    @Test
    void a_batch_given_up_leaves_the_poll_open_then_incomplete_and_its_fills_come_back_as_new() throws Exception {
        state.startPoll();
        assertThat(newOf(fills("a", "b"))).containsExactly("a", "b");
        state.givenUp(List.of("a", "b"));

        assertThat(state.endPoll(true, PATIENCE)).isFalse();
        assertThat(store.savedCheckpoints).isEmpty();
        state.startPoll();
        assertThat(newOf(fills("a", "b"))).as("released: the next poll sends them again").containsExactly("a", "b");
    }

    @Test
    void a_poll_whose_inserts_outlast_the_patience_is_not_complete() throws Exception {
        state.startPoll();
        newOf(fills("a"));

        assertThat(state.endPoll(true, Duration.ofMillis(50))).isFalse();
        assertThat(store.savedCheckpoints).isEmpty();
    }

    @Test
    void fills_known_as_stored_or_in_flight_cost_no_lookup_and_a_fill_seen_twice_on_a_page_is_sent_once() throws Exception {
        state.startPoll();
        assertThat(newOf(fills("a", "a", "b"))).containsExactly("a", "b");
        int lookups = store.lookups.get();
        state.stored(List.of("a", "b"));

        assertThat(newOf(fills("a", "b"))).isEmpty();
        assertThat(store.lookups.get()).isEqualTo(lookups);
    }

    @Test
    void when_the_lookup_fails_the_fills_are_let_through_and_the_failure_is_told() throws Exception {
        store.stored.add("a");
        store.lookupsFail.set(true);
        state.startPoll();

        assertThat(newOf(fills("a"))).as("a duplicate is better than a missing fill").containsExactly("a");
        assertThat(problems).containsExactly("lookup of 1: ClickHouse is down");
    }

    @Test
    void a_fill_not_looked_up_with_its_page_is_looked_up_on_its_own() {
        store.stored.add("a");

        assertThat(state.firstSeen("a")).isFalse();
        assertThat(state.firstSeen("b")).isTrue();
        assertThat(store.lookups.get()).isEqualTo(2);
    }

    @Test
    void a_checkpoint_ahead_of_the_clock_counts_as_now_and_one_that_cannot_be_read_fails_the_poll() throws Exception {
        store.saveCheckpoint(NOON.plus(Duration.ofDays(30)));
        assertThat(state.startPoll()).contains(NOON);

        store.checkpointFails.set(true);
        assertThatThrownBy(state::startPoll).isInstanceOf(SQLException.class).hasMessage("cannot read the poll checkpoint");
    }

    private boolean end(boolean storedSomething, Duration patience) {
        try {
            return state.endPoll(storedSomething, patience);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_pushed_fill_stored_by_a_poll_while_its_own_lookup_runs_is_not_sent_on_again() throws Exception {
        NormalizedFill fill = fills("raced").get(0);
        // The feed's lookup finds nothing, and meanwhile the poll inserts the same fill.
        store.duringLookup = state::stored;

        assertThat(state.firstSeen(fill.fillId(), fill.ts())).isFalse();
    }

    @Test
    void a_fill_that_failed_before_its_batch_leaves_the_open_poll_incomplete() throws Exception {
        state.startPoll();
        assertThat(newOf(fills("sent"))).containsExactly("sent");

        state.notSent("sent");

        assertThat(state.endPoll(true, PATIENCE)).isFalse();
        assertThat(store.savedCheckpoints).isEmpty();
    }
}
