package kalshifills.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Fills a market maker could have received, each in one of the shapes Kalshi has served fills in (see {@link Shape}),
 * from a seeded random source so that a test gets the same fills on every run.
 */
public final class SimulatedFills {

    /** The shapes of one fill, as Kalshi's API reference and changelog describe them. */
    public enum Shape {
        /** Today's schema, the deprecated {@code side}, {@code action} and {@code ts} still sent. */
        CURRENT,
        /** Today's schema once Kalshi stops sending the deprecated {@code side}, {@code action} and {@code ts}. */
        CURRENT_WITHOUT_DEPRECATED,
        /**
         * As served before March 2026: {@code trade_id}, {@code ticker} and {@code market_ticker}, {@code side} and
         * {@code action}, integer {@code count}, {@code yes_price} and {@code no_price} in cents, {@code client_order_id},
         * {@code created_time} and {@code ts}; no {@code fee_cost}, {@code outcome_side}, {@code book_side},
         * {@code subaccount_number} or {@code exchange_index}.
         */
        LEGACY_CENTS
    }

    /**
     * One fill, whatever shape it is served in.
     *
     * @param side      the contract the order named, {@code yes} or {@code no}
     * @param action    {@code buy} or {@code sell}
     * @param yesCents  the yes price in cents (the no price is 100 minus it)
     * @param feeCost   dollars, four decimals
     * @param time      when it filled, to the microsecond as Kalshi's {@code created_time} has it
     */
    public record Trade(String id, String orderId, String clientOrderId, String ticker, String side, String action, int count,
            int yesCents, String feeCost, boolean isTaker, Instant time, int subaccount) {

        /** What the fill left the account holding: buying yes or selling no is yes. */
        public String outcomeSide() {
            return "buy".equals(action) == "yes".equals(side) ? "yes" : "no";
        }

        public SimulatedFill in(Shape shape) {
            ObjectNode fill = JsonNodeFactory.instance.objectNode();
            if (shape == Shape.LEGACY_CENTS) {
                fill.put("trade_id", id)
                        .put("order_id", orderId)
                        .put("client_order_id", clientOrderId)
                        .put("ticker", ticker)
                        .put("market_ticker", ticker)
                        .put("side", side)
                        .put("action", action)
                        .put("count", count)
                        .put("yes_price", yesCents)
                        .put("no_price", 100 - yesCents)
                        .put("is_taker", isTaker)
                        .put("created_time", time.toString())
                        .put("ts", time.getEpochSecond());
                return new SimulatedFill(fill.toString(), time.getEpochSecond(), ticker, subaccount);
            }
            fill.put("fill_id", id)
                    .put("trade_id", id)
                    .put("order_id", orderId)
                    .put("ticker", ticker)
                    .put("market_ticker", ticker);
            if (shape == Shape.CURRENT) {
                fill.put("side", side).put("action", action);
            }
            fill.put("outcome_side", outcomeSide())
                    .put("book_side", "yes".equals(outcomeSide()) ? "bid" : "ask")
                    .put("count_fp", count + ".00")
                    .put("yes_price_dollars", String.format("0.%02d00", yesCents))
                    .put("no_price_dollars", String.format("0.%02d00", 100 - yesCents))
                    .put("is_taker", isTaker)
                    .put("fee_cost", feeCost)
                    .put("created_time", time.toString())
                    .put("subaccount_number", subaccount)
                    .put("exchange_index", 0);
            if (shape == Shape.CURRENT) {
                fill.put("ts", time.getEpochSecond());
            }
            return new SimulatedFill(fill.toString(), time.getEpochSecond(), ticker, subaccount);
        }
    }

    private static final String[] TICKERS = {"KXHIGHNY-26AUG18-B85.5", "INXD-26JAN11-B5900", "KXBTCD-26JAN11-T98000"};

    private final Random random;

    public SimulatedFills(long seed) {
        this.random = new Random(seed);
    }

    /** A random fill at this time, in subaccount 0. */
    public Trade trade(Instant time) {
        int yesCents = 1 + random.nextInt(98);
        return new Trade(uuid(), uuid(), "mm-" + random.nextInt(1_000_000), ticker(), random.nextBoolean() ? "yes" : "no",
                random.nextBoolean() ? "buy" : "sell", 1 + random.nextInt(50), yesCents, "0." + String.format("%04d", random.nextInt(2000)),
                random.nextBoolean(), time, 0);
    }

    /** A fill as Kalshi serves it today, deprecated fields included. */
    public SimulatedFill current(Instant time) {
        return trade(time).in(Shape.CURRENT);
    }

    /**
     * A fill as some recorded payloads of before March 2026 hold it: no {@code fill_id} or {@code trade_id} (so it gets a
     * synthetic id), integer {@code count} and cents, {@code ts} in seconds or in milliseconds, no {@code created_time}.
     */
    public SimulatedFill withoutId(Instant time, boolean tsInMilliseconds) {
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

    /** {@code count} fills spread evenly from {@code from} to {@code to}, whole seconds: every fifth without an id. */
    public List<SimulatedFill> between(Instant from, Instant to, int count) {
        List<SimulatedFill> fills = new ArrayList<>(count);
        long stepMillis = count > 1 ? (to.toEpochMilli() - from.toEpochMilli()) / (count - 1) : 0;
        for (int i = 0; i < count; i++) {
            Instant time = Instant.ofEpochSecond(from.plusMillis(i * stepMillis).getEpochSecond());
            fills.add(i % 5 == 4 ? withoutId(time, i % 10 == 9) : current(time));
        }
        return fills;
    }

    /**
     * {@code count} fills spread evenly from {@code from} to {@code to}, each at a time with microseconds as Kalshi's
     * {@code created_time} has them, a third each in {@link Shape#CURRENT}, {@link Shape#CURRENT_WITHOUT_DEPRECATED} and
     * {@link Shape#LEGACY_CENTS}.
     */
    public List<SimulatedFill> inEveryShape(Instant from, Instant to, int count) {
        List<SimulatedFill> fills = new ArrayList<>(count);
        Shape[] shapes = Shape.values();
        long stepMicros = count > 1 ? (to.toEpochMilli() - from.toEpochMilli()) * 1000 / (count - 1) : 0;
        for (int i = 0; i < count; i++) {
            Instant time = from.plusNanos((i * stepMicros + random.nextInt(1000)) * 1000);
            fills.add(trade(time).in(shapes[i % shapes.length]));
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
