package kalshifills.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Fills a market maker could have received, in the schema Kalshi serves today and in the one it served before March 2026. */
public final class SimulatedFills {

    private static final String[] TICKERS = {"KXHIGHNY-26AUG18-B85.5", "INXD-26JAN11-B5900", "KXBTCD-26JAN11-T98000"};

    private final Random random;

    public SimulatedFills(long seed) {
        this.random = new Random(seed);
    }

    /** A fill as Kalshi serves it today: {@code fill_id}, decimal strings, {@code outcome_side}, {@code ts} in seconds. */
    public SimulatedFill current(Instant time) {
        String id = uuid();
        String side = random.nextBoolean() ? "yes" : "no";
        String action = random.nextBoolean() ? "buy" : "sell";
        int yesCents = 1 + random.nextInt(98);
        String ticker = ticker();
        ObjectNode fill = JsonNodeFactory.instance.objectNode()
                .put("fill_id", id)
                .put("trade_id", id)
                .put("order_id", uuid())
                .put("ticker", ticker)
                .put("market_ticker", ticker)
                .put("side", side)
                .put("action", action)
                .put("outcome_side", ("buy".equals(action)) == "yes".equals(side) ? "yes" : "no")
                .put("book_side", random.nextBoolean() ? "bid" : "ask")
                .put("count_fp", (1 + random.nextInt(50)) + ".00")
                .put("yes_price_dollars", String.format("0.%02d00", yesCents))
                .put("no_price_dollars", String.format("0.%02d00", 100 - yesCents))
                .put("is_taker", random.nextBoolean())
                .put("fee_cost", "0." + String.format("%04d", random.nextInt(2000)))
                .put("created_time", time.toString())
                .put("subaccount_number", 0)
                .put("exchange_index", 0)
                .put("ts", time.getEpochSecond());
        return new SimulatedFill(fill.toString(), time.getEpochSecond(), ticker, 0);
    }

    /**
     * A fill as served before March 2026 and still found in recorded payloads: no {@code fill_id} or {@code trade_id}
     * (so it gets a synthetic id), integer {@code count} and cents, {@code ts} in seconds or in milliseconds.
     */
    public SimulatedFill legacy(Instant time, boolean tsInMilliseconds) {
        String ticker = ticker();
        String side = random.nextBoolean() ? "yes" : "no";
        ObjectNode fill = JsonNodeFactory.instance.objectNode()
                .put("order_id", uuid())
                .put("market_ticker", ticker)
                .put("side", side)
                .put("action", "buy")
                .put("count", 1 + random.nextInt(50))
                .put("yes".equals(side) ? "yes_price" : "no_price", 1 + random.nextInt(98))
                .put("ts", tsInMilliseconds ? time.toEpochMilli() : time.getEpochSecond());
        return new SimulatedFill(fill.toString(), time.getEpochSecond(), ticker, 0);
    }

    /** {@code count} fills spread evenly from {@code from} to {@code to}: every fifth legacy, alternating seconds and milliseconds. */
    public List<SimulatedFill> between(Instant from, Instant to, int count) {
        List<SimulatedFill> fills = new ArrayList<>(count);
        long stepMillis = count > 1 ? (to.toEpochMilli() - from.toEpochMilli()) / (count - 1) : 0;
        for (int i = 0; i < count; i++) {
            Instant time = Instant.ofEpochSecond(from.plusMillis(i * stepMillis).getEpochSecond());
            fills.add(i % 5 == 4 ? legacy(time, i % 10 == 9) : current(time));
        }
        return fills;
    }

    private String ticker() {
        return TICKERS[random.nextInt(TICKERS.length)];
    }

    private String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

}
