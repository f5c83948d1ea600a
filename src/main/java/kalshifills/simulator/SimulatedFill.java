package kalshifills.simulator;

/**
 * A fill as the simulated exchange holds it: the JSON it serves, and the time and market it filters on.
 *
 * @param json          the fill object exactly as served
 * @param epochSeconds  the fill's time, which {@code min_ts} and {@code max_ts} compare against
 * @param ticker        the market, which the {@code ticker} parameter compares against
 * @param subaccount    the subaccount, which the {@code subaccount} parameter compares against
 */
public record SimulatedFill(String json, long epochSeconds, String ticker, int subaccount) {
}
