package kalshifills.account;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import kalshifills.fill.NormalizedFill;
import kalshifills.fill.RejectedFill;
import kalshifills.settings.Settings;

/** Where one account's fills, rejects and poll checkpoint are kept: ClickHouse in the service, memory in route tests. */
public interface AccountStore {

    /** Makes the store of one account, from its settings; the key names its account and filter among checkpoints. */
    @FunctionalInterface
    interface Factory {
        AccountStore open(Settings accountSettings, String pollKey);
    }

    /** Creates what does not exist yet, and refuses (naming the way out) what this service cannot keep exactly once. */
    void create() throws SQLException;

    /** Which of these fills are stored, among those with a time from {@code earliest} to {@code latest}. */
    Set<String> storedAmong(List<String> fillIds, Instant earliest, Instant latest) throws SQLException;

    /** The start of the last complete poll, if one was saved. */
    Optional<Instant> checkpoint() throws SQLException;

    void saveCheckpoint(Instant completeUntil) throws SQLException;

    /**
     * Keeps rejected fills with their reason, each once.
     *
     * @return how many of them were not kept before
     */
    int reject(List<RejectedFill> rejected) throws SQLException;

    /** The time of the newest fill of this account's subaccount and market filters stored, if any. */
    Optional<Instant> newestFill() throws SQLException;

    /** One batch of new fills, in one insert that a retry cannot duplicate. */
    void insert(List<NormalizedFill> batch) throws SQLException;
}
