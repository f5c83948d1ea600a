package kalshifills.fill;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * One fill as it is stored: its own id and time, exact decimals for money and counts, and the JSON it came from. Each
 * value comes from one rule in {@link FillNormalizer}, and is the same whichever shape Kalshi served the fill in.
 *
 * @param side          the outcome side, {@code yes} or {@code no}: what the fill left the account holding (a sell of yes is
 *                      {@code no}); Kalshi's {@code outcome_side}, or derived from the deprecated {@code side} and
 *                      {@code action}
 * @param action        {@code buy} or {@code sell} as Kalshi sent it, empty when it sent none (it is deprecated)
 * @param bookSide      {@code bid} (the yes book) or {@code ask} (the no book), as sent, else derived from the side
 * @param count         contracts, possibly fractional
 * @param yesPrice      dollars per yes contract
 * @param noPrice       dollars per no contract
 * @param fee           dollars; null when Kalshi did not send {@code fee_cost} (unknown, not zero)
 * @param isTaker       null when the API did not say
 * @param subaccount    null when the API did not say
 * @param exchangeIndex Kalshi's shard; null when the API did not say
 * @param createdTime   null when the API did not say
 */
public record NormalizedFill(
        String fillId,
        String tradeId,
        Instant ts,
        String marketTicker,
        String orderId,
        String clientOrderId,
        String side,
        String action,
        String bookSide,
        BigDecimal count,
        BigDecimal yesPrice,
        BigDecimal noPrice,
        BigDecimal fee,
        Boolean isTaker,
        Integer subaccount,
        Integer exchangeIndex,
        Instant createdTime,
        String rawJson) {

    /**
     * A fill's id names it (equal fills have equal ids), and hashing only the id keeps a page cheap to hash: Camel hashes
     * message bodies when it invokes a method on them, and the raw JSON would make that a few hundred bytes per fill.
     */
    @Override
    public int hashCode() {
        return fillId.hashCode();
    }

    /** The price of the side the account now holds, in dollars: what the old writer kept in {@code price}. */
    public BigDecimal price() {
        return "yes".equals(side) ? yesPrice : noPrice;
    }

    /** {@link #price()} in whole cents, rounded half up. */
    public int priceCents() {
        return price().movePointRight(2).setScale(0, RoundingMode.HALF_UP).intValueExact();
    }
}
