package kalshifills.fill;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * One fill as it is stored: its own id and time, exact decimals for money and counts, and the JSON it came from.
 *
 * @param side        the contract side of the order ({@code side}, or {@code outcome_side} where the API no longer sends it)
 * @param count       contracts, possibly fractional
 * @param yesPrice    dollars per yes contract
 * @param noPrice     dollars per no contract
 * @param fee         dollars
 * @param isTaker     null when the API did not say
 * @param subaccount  null when the API did not say
 * @param createdTime null when the API did not say
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
        String outcomeSide,
        String bookSide,
        BigDecimal count,
        BigDecimal yesPrice,
        BigDecimal noPrice,
        BigDecimal fee,
        Boolean isTaker,
        Integer subaccount,
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

    /** The price of the contract side that filled, in dollars: what the old writer kept in {@code price}. */
    public BigDecimal price() {
        return "yes".equals(side) ? yesPrice : noPrice;
    }

    /** {@link #price()} in whole cents, rounded half up. */
    public int priceCents() {
        return price().movePointRight(2).setScale(0, RoundingMode.HALF_UP).intValueExact();
    }
}
