package kalshifills.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;

import kalshifills.simulator.SimulatedKalshiApi;
import org.junit.jupiter.api.AfterEach;

/** An integration test's world: the shared ClickHouse server, a fills table of the test's own, a simulated Kalshi account. */
public abstract class SimulatedAccountTest {

    protected final LocalClickHouse clickHouse = LocalClickHouse.shared();
    protected final String table = clickHouse.newDatabase() + ".mm_fills";
    protected final SimulatedKalshiApi kalshi;

    protected SimulatedAccountTest() {
        try {
            kalshi = new SimulatedKalshiApi(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void closeKalshi() {
        kalshi.close();
    }

    /** The service pointed at this account and this table; add to it what the test needs. */
    protected Map<String, String> settings() {
        return RunningIngester.settings(kalshi, clickHouse.jdbcUrl(), table);
    }

    /** Rows in the fills table, duplicates included. */
    protected long stored() {
        return clickHouse.queryLong("SELECT count() FROM " + table);
    }
}
