package kalshifills.fill;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns one fill as Kalshi sends it into the row we store, or a rejection naming what is wrong.
 *
 * <p>One rule per column, each here, so that a fill gives the same row in every shape Kalshi has served it: the current
 * schema ({@code count_fp}, {@code yes_price_dollars}/{@code no_price_dollars}, {@code outcome_side}, {@code book_side},
 * {@code fee_cost}) with or without the deprecated {@code side}, {@code action} and {@code ts}, and the fields Kalshi removed
 * in 2026 ({@code count}, {@code yes_price}/{@code no_price} in cents, {@code price} in dollars). Unknown fields are
 * ignored here and kept in the raw JSON. The README's column table states each rule.
 */
public final class FillNormalizer {

    private final Clock clock;

    public FillNormalizer(Clock clock) {
        this.clock = clock;
    }

    private static final int MAX_TEXT_CHARS = 256;
    private static final int DECIMAL_PLACES = 6;
    private static final int INTEGER_DIGITS = 12;
    private static final Set<String> SIDES = Set.of("yes", "no");

    /** Each fill of a page on its own: a bad fill is rejected, never the page. */
    public NormalizedPage normalizePage(List<JsonNode> fills) {
        return normalizePage(fills, false);
    }

    /** One fill the WebSocket feed pushed ({@link #normalizeFeedFill}), accepted or rejected. */
    public NormalizedPage normalizeFeedMessage(JsonNode fill) {
        return normalizePage(List.of(fill), true);
    }

    private NormalizedPage normalizePage(List<JsonNode> fills, boolean pushed) {
        List<NormalizedFill> accepted = new ArrayList<>(fills.size());
        List<RejectedFill> rejected = new ArrayList<>();
        for (JsonNode fill : fills) {
            try {
                accepted.add(normalize(fill, pushed));
            } catch (FillRejectedException e) {
                rejected.add(new RejectedFill(idIfAny(fill), e.getMessage(), fill.toString()));
            }
        }
        return new NormalizedPage(accepted, rejected);
    }

    /** A fill as the REST endpoints serve it. */
    public NormalizedFill normalize(JsonNode fill) {
        return normalize(fill, false);
    }

    /**
     * A fill as the WebSocket feed pushes it ({@code trade_id}, {@code market_ticker}, {@code ts_ms}, {@code subaccount}):
     * the same row as when polled. Its {@code client_order_id}, which REST fills no longer carry, stays in the raw JSON
     * only, so the row does not depend on which of the two brought the fill first.
     */
    public NormalizedFill normalizeFeedFill(JsonNode fill) {
        return normalize(fill, true);
    }

    private NormalizedFill normalize(JsonNode fill, boolean pushed) {
        if (!fill.isObject()) {
            throw new FillRejectedException("a fill must be a JSON object, got a JSON " + fill.getNodeType().name().toLowerCase());
        }
        String action = orEmpty(text(fill, "action"));
        String side = outcomeSide(fill, action);
        Prices prices = prices(fill, side);
        Instant ts = FillTime.of(fill, clock.instant());
        return new NormalizedFill(
                FillId.of(fill),
                orEmpty(id(fill, "trade_id")),
                ts,
                required(firstText(fill, "ticker", "market_ticker"), "the fill has no market: 'ticker' and 'market_ticker' are both missing"),
                orEmpty(id(fill, "order_id")),
                pushed ? "" : orEmpty(text(fill, "client_order_id")),
                side,
                action,
                bookSide(fill, side),
                positive(count(fill)),
                prices.yes(),
                prices.no(),
                decimal(fill, "fee_cost"),
                bool(fill, "is_taker"),
                firstInteger(fill, "subaccount_number", "subaccount"),
                integer(fill, "exchange_index"),
                // Read once: the fill's time is its created_time where it has one.
                FillTime.hasCreatedTime(fill) ? ts : null,
                fill.toString());
    }

    /**
     * What the fill left the account holding: {@code outcome_side}, else the deprecated {@code side} turned by
     * {@code action} (buying yes or selling no is a yes position, buying no or selling yes a no position). A payload with
     * {@code side} alone (no action, hand-made or very old) is taken as it says.
     */
    private static String outcomeSide(JsonNode fill, String action) {
        String outcome = firstText(fill, "outcome_side");
        if (outcome != null) {
            return checkedSide("outcome_side", outcome);
        }
        String side = firstText(fill, "side");
        if (side == null) {
            throw new FillRejectedException("the fill has no side: 'outcome_side' and 'side' are both missing");
        }
        checkedSide("side", side);
        return switch (action) {
            case "buy", "" -> side;
            case "sell" -> "yes".equals(side) ? "no" : "yes";
            default -> throw new FillRejectedException("action is \"" + action + "\"; expected \"buy\" or \"sell\"");
        };
    }

    private static String checkedSide(String field, String side) {
        if (!SIDES.contains(side)) {
            throw new FillRejectedException(field + " is \"" + side + "\"; expected \"yes\" or \"no\"");
        }
        return side;
    }

    /** {@code book_side} as sent, else the book of the outcome side, as Kalshi ties them: {@code bid} is yes, {@code ask} is no. */
    private static String bookSide(JsonNode fill, String side) {
        String given = text(fill, "book_side");
        if (given != null && !given.isEmpty()) {
            return given;
        }
        return "yes".equals(side) ? "bid" : "ask";
    }

    private record Prices(BigDecimal yes, BigDecimal no) {
    }

    /** Dollars per contract on both sides; one side given is enough, as a yes and a no contract together pay one dollar. */
    private static Prices prices(JsonNode fill, String outcomeSide) {
        BigDecimal yes = dollarsOrCents(fill, "yes_price_dollars", "yes_price");
        BigDecimal no = dollarsOrCents(fill, "no_price_dollars", "no_price");
        if (yes == null && no == null) {
            BigDecimal sidePrice = decimal(fill, "price");
            if (sidePrice == null) {
                throw new FillRejectedException("the fill has no price: expected 'yes_price_dollars' or 'no_price_dollars'"
                        + " (or the legacy 'yes_price', 'no_price', 'price')");
            }
            // The legacy 'price' is that of the contract the order named ('side'), not of the outcome side.
            String named = firstText(fill, "side");
            String contract = named != null && SIDES.contains(named) ? named : outcomeSide;
            yes = "yes".equals(contract) ? sidePrice : null;
            no = "no".equals(contract) ? sidePrice : null;
        }
        yes = yes != null ? yes : BigDecimal.ONE.subtract(no);
        no = no != null ? no : BigDecimal.ONE.subtract(yes);
        return new Prices(dollarsPerContract(yes, "yes price"), dollarsPerContract(no, "no price"));
    }

    private static BigDecimal dollarsOrCents(JsonNode fill, String dollarsField, String centsField) {
        BigDecimal dollars = decimal(fill, dollarsField);
        if (dollars != null) {
            return dollars;
        }
        BigDecimal cents = decimal(fill, centsField);
        if (cents == null) {
            return null;
        }
        if (cents.stripTrailingZeros().scale() > 0) {
            throw FillRejectedException.invalidField(centsField, fill.get(centsField), "whole cents (the legacy field was an integer)");
        }
        return cents.movePointLeft(2);
    }

    private static BigDecimal dollarsPerContract(BigDecimal price, String what) {
        if (price.signum() < 0 || price.compareTo(BigDecimal.ONE) > 0) {
            throw new FillRejectedException(what + " is " + price.toPlainString() + " dollars; expected 0 to 1");
        }
        return price;
    }

    private static BigDecimal count(JsonNode fill) {
        BigDecimal count = firstDecimal(fill, "count_fp", "count");
        if (count == null) {
            throw new FillRejectedException("the fill has no count: 'count_fp' (or the legacy 'count') is missing");
        }
        return count;
    }

    private static BigDecimal positive(BigDecimal count) {
        if (count.signum() <= 0) {
            throw new FillRejectedException("count is " + count.toPlainString() + "; expected a positive number of contracts");
        }
        return count;
    }

    private static BigDecimal firstDecimal(JsonNode fill, String... fields) {
        for (String field : fields) {
            BigDecimal value = decimal(fill, field);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** A decimal from a JSON number or a numeric string; exact, and within what a Decimal(18, 6) column holds. */
    private static BigDecimal decimal(JsonNode fill, String field) {
        JsonNode value = fill.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        BigDecimal number = null;
        if (value.isNumber()) {
            number = value.decimalValue();
        } else if (value.isTextual()) {
            try {
                number = new BigDecimal(value.textValue().trim());
            } catch (NumberFormatException e) {
                // reported below with the value
            }
        }
        if (number == null) {
            throw FillRejectedException.invalidField(field, value, "a decimal number such as \"0.4200\"");
        }
        BigDecimal exact = number.stripTrailingZeros();
        if (exact.scale() > DECIMAL_PLACES || exact.precision() - exact.scale() > INTEGER_DIGITS) {
            throw FillRejectedException.invalidField(field, value,
                    "at most " + INTEGER_DIGITS + " digits before and " + DECIMAL_PLACES + " after the decimal point");
        }
        return number;
    }

    private static String firstText(JsonNode fill, String... fields) {
        for (String field : fields) {
            String value = text(fill, field);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** Text bound for a column: at most {@value #MAX_TEXT_CHARS} characters, none of them a control character. */
    private static String text(JsonNode fill, String field) {
        JsonNode value = fill.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw FillRejectedException.invalidField(field, value, "a string");
        }
        String text = value.textValue();
        if (text.length() > MAX_TEXT_CHARS) {
            throw FillRejectedException.invalidField(field, value, "at most " + MAX_TEXT_CHARS + " characters, not " + text.length());
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw FillRejectedException.invalidField(field, value, "text without control characters");
        }
        return text;
    }

    private static String id(JsonNode fill, String field) {
        String text = text(fill, field);
        return text == null || text.isEmpty() ? text : FillId.wellFormed(field, fill.get(field), text);
    }

    private static Boolean bool(JsonNode fill, String field) {
        JsonNode value = fill.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw FillRejectedException.invalidField(field, value, "true or false");
        }
        return value.booleanValue();
    }

    private static Integer firstInteger(JsonNode fill, String... fields) {
        for (String field : fields) {
            Integer value = integer(fill, field);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Integer integer(JsonNode fill, String field) {
        JsonNode value = fill.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw FillRejectedException.invalidField(field, value, "an integer");
        }
        return value.intValue();
    }

    private static String required(String value, String reasonWhenMissing) {
        if (value == null) {
            throw new FillRejectedException(reasonWhenMissing);
        }
        return value;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String idIfAny(JsonNode fill) {
        try {
            return fill.isObject() ? FillId.of(fill) : "";
        } catch (FillRejectedException e) {
            return "";
        }
    }
}
